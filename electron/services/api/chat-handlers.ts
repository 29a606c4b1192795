/** Conversation methods: reading a chat, sending, stopping, regenerating, editing, continuing, branches. */
import type { HandlerGroup } from '../api';
import type { RouterDeps } from './router-deps';
import { notYet } from './not-yet';

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
> {
  return {
    'chats.get': ({ id }) => d.chats.get(id),
    'chats.create': ({ model }) => d.chats.create(model),
    'chats.setBranch': notYet('chats.setBranch'),
    'messages.send': (input) => d.chats.send(input),
    'messages.stop': ({ messageId }) => d.chats.stop(messageId),
    'messages.regenerate': notYet('messages.regenerate'),
    'messages.edit': notYet('messages.edit'),
    'messages.continue': notYet('messages.continue'),
  };
}
