/** Conversations: create, list, read, rename, delete, and sending a message (which starts a generation). */
import type { Chat, Message, ModelList } from '../../../shared/types/domain';
import type { MethodParsedInput } from '../../../shared/contract';
import { AppError } from '../../../shared/types/errors';
import type { EventHub } from '../events';
import { splitModelId, type ChatTurn } from '../providers/provider';
import type { SettingsService } from '../settings-service';
import type { ChatRepo } from '../store/chat-repo';
import type { GenerationManager } from './generation';

export const NEW_CHAT_TITLE = 'New chat';

export class ChatService {
  constructor(
    private readonly repo: ChatRepo,
    private readonly settings: SettingsService,
    private readonly generation: GenerationManager,
    private readonly events: EventHub,
  ) {}

  list(input: MethodParsedInput<'chats.list'>) {
    return this.repo.listChats({ ...input, limit: input.limit ?? 50 });
  }

  get(id: string) {
    const chat = this.repo.getChat(id);
    if (!chat) throw new AppError('not_found', 'That chat does not exist (it may have been deleted).');
    const messages = this.repo.listMessages(id).map((m) => {
      if (m.status !== 'streaming') return m;
      const live = this.generation.liveContent(m.id);
      return live === undefined ? m : { ...m, content: live };
    });
    return { chat, messages };
  }

  create(model?: string): Chat {
    const chat = this.repo.createChat({ title: NEW_CHAT_TITLE, model: model ?? null });
    this.events.emit('chat.updated', { chat });
    return chat;
  }

  rename(id: string, title: string): Chat {
    const chat = this.repo.updateChat(id, { title });
    if (!chat) throw new AppError('not_found', 'That chat does not exist.');
    this.events.emit('chat.updated', { chat });
    return chat;
  }

  delete(id: string): { ok: true } {
    if (!this.repo.deleteChat(id)) throw new AppError('not_found', 'That chat does not exist.');
    this.events.emit('chat.deleted', { id });
    return { ok: true };
  }

  async models(): Promise<ModelList> {
    const result: ModelList = { models: [], providers: [] };
    await Promise.all(
      this.settings.providers().map(async (p) => {
        try {
          const models = await p.listModels();
          result.models.push(...models);
          result.providers.push({
            providerId: p.id,
            kind: p.kind,
            label: p.label,
            baseUrl: p.baseUrl,
            ok: true,
            models: models.length,
          });
        } catch (err) {
          result.providers.push({
            providerId: p.id,
            kind: p.kind,
            label: p.label,
            baseUrl: p.baseUrl,
            ok: false,
            models: 0,
            error: err instanceof Error ? err.message : String(err),
          });
        }
      }),
    );
    const order = new Map(this.settings.providers().map((p, i) => [p.id, i]));
    result.providers.sort((a, b) => order.get(a.providerId)! - order.get(b.providerId)!);
    result.models.sort((a, b) => order.get(a.providerId)! - order.get(b.providerId)! || a.name.localeCompare(b.name));
    return result;
  }

  send(input: MethodParsedInput<'messages.send'>): { chat: Chat; userMessage: Message; assistantMessage: Message } {
    const ref = splitModelId(input.model);
    const provider = ref && this.settings.provider(ref.providerId);
    if (!ref || !provider) {
      throw new AppError('invalid_input', `Unknown model "${input.model}": pick one from the model list.`);
    }
    let chat: Chat;
    if (input.chatId) {
      const existing = this.repo.getChat(input.chatId);
      if (!existing) throw new AppError('not_found', 'That chat does not exist (it may have been deleted).');
      chat = existing;
    } else {
      chat = this.repo.createChat({ title: titleFrom(input.content), model: input.model });
    }
    const history = this.repo.listMessages(chat.id);
    const last = history[history.length - 1] ?? null;
    const userMessage = this.repo.addMessage({
      chatId: chat.id,
      parentId: last?.id ?? null,
      role: 'user',
      content: input.content,
      model: null,
      status: 'done',
    });
    const assistantMessage = this.repo.addMessage({
      chatId: chat.id,
      parentId: userMessage.id,
      role: 'assistant',
      content: '',
      model: input.model,
      status: 'streaming',
    });
    const patch: { title?: string; model?: string } = {};
    if (chat.model !== input.model) patch.model = input.model;
    if (chat.title === NEW_CHAT_TITLE && history.length === 0) patch.title = titleFrom(input.content);
    chat = this.repo.updateChat(chat.id, patch) ?? this.repo.getChat(chat.id) ?? chat;
    this.events.emit('chat.updated', { chat });

    this.generation.start({
      chatId: chat.id,
      messageId: assistantMessage.id,
      provider,
      model: ref.model,
      history: [...toTurns(history), { role: 'user', content: input.content }],
    });
    return { chat, userMessage, assistantMessage };
  }

  async stop(messageId: string): Promise<{ stopped: boolean }> {
    return { stopped: await this.generation.stop(messageId) };
  }
}

/** Prior turns worth sending: finished text, not failed or empty answers. */
function toTurns(messages: Message[]): ChatTurn[] {
  return messages
    .filter((m) => m.content && (m.role === 'user' || m.status !== 'error'))
    .map((m) => ({ role: m.role, content: m.content }));
}

export function titleFrom(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (line.length <= 60) return line || NEW_CHAT_TITLE;
  const cut = line.slice(0, 60);
  const space = cut.lastIndexOf(' ');
  return (space > 30 ? cut.slice(0, space) : cut) + '…';
}
