/** Conversation methods: reading a chat, sending, stopping, regenerating, editing, continuing, branches, model pulls. */
import type { HandlerGroup } from '../api';
import type { RouterDeps } from './router-deps';

export function chatHandlers(
  d: RouterDeps,
): HandlerGroup<
  | 'chats.get'
  | 'chats.create'
  | 'chats.setBranch'
  | 'messages.send'
  | 'messages.stop'
  | 'messages.regenerate'
  | 'messages.edit'
  | 'messages.continue'
  | 'models.pull'
> {
  return {
    'chats.get': ({ id }) => d.chats.get(id),
    'chats.create': ({ model, id }) => d.chats.create(model, id),
    'chats.setBranch': ({ chatId, leafId }) => d.chats.setBranch(chatId, leafId),
    'messages.send': (input) => d.chats.send(input),
    'messages.stop': ({ messageId }) => d.chats.stop(messageId),
    'messages.regenerate': (input) => d.chats.regenerate(input),
    'messages.edit': (input) => d.chats.edit(input),
    'messages.continue': (input) => d.chats.continue(input),
    'models.pull': ({ model }) => d.models.pull(model),
  };
}
