/**
 * Conversations: create, list, read, rename, delete; sending, regenerating, editing and continuing
 * answers on a tree of messages (branches).
 * Public: list, get, create, rename, delete, send, regenerate, edit, continue, setBranch, stop,
 * and image turns (startImageTurn, finishImageTurn, reopenImageTurn) for the image service.
 */
import type { Attachment, Chat, Message } from '../../../shared/types/domain';
import type { MethodParsedInput } from '../../../shared/contract';
import { AppError } from '../../../shared/types/errors';
import type { EventHub } from '../events';
import { splitModelId, type ChatTurn, type Provider } from '../providers/provider';
import type { SettingsService } from '../settings-service';
import type { ChatRepo } from '../store/chat-repo';
import type { AttachmentService } from '../attachments/attachment-service';
import { generateTitle } from './auto-title';
import { toTurn } from './model-turns';
import { newestLeafUnder, pathTo, resolveLeaf } from './branches';
import {
  answerReserve,
  DEFAULT_CONTEXT_LENGTH,
  estimateTokens,
  SMALLEST_LIKELY_WINDOW,
  trimToWindow,
  type TrimResult,
} from './context-trim';
import type { GenerationManager, GenerationResult } from './generation';

export const NEW_CHAT_TITLE = 'New chat';

type Sent = { chat: Chat; userMessage: Message; assistantMessage: Message };

export class ChatService {
  constructor(
    private readonly repo: ChatRepo,
    private readonly settings: SettingsService,
    private readonly generation: GenerationManager,
    private readonly events: EventHub,
    private readonly attachments: AttachmentService,
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
      if (live === undefined) return m;
      const thinking = this.generation.liveThinking(m.id);
      return { ...m, content: live, thinking: thinking || m.thinking };
    });
    return { chat, messages };
  }

  /** A new, empty chat; `id` when the client chose one (it must be new). */
  create(model?: string, id?: string): Chat {
    this.checkNewIds([id]);
    const chat = this.repo.createChat({ title: NEW_CHAT_TITLE, model: model ?? null, id });
    this.events.emit('chat.updated', { chat });
    return chat;
  }

  rename(id: string, title: string): Chat {
    const chat = this.repo.updateChat(id, { title });
    if (!chat) throw new AppError('not_found', 'That chat does not exist.');
    this.events.emit('chat.updated', { chat });
    return chat;
  }

  delete(id: string): { ok: true; version: string } {
    const version = this.repo.deleteChat(id);
    if (!version) throw new AppError('not_found', 'That chat does not exist.');
    this.events.emit('chat.deleted', { id, version });
    return { ok: true, version };
  }

  /** Ask a question: after `parentId` when given, else after the branch on screen. */
  async send(input: MethodParsedInput<'messages.send'>): Promise<Sent> {
    const existing = input.chatId ? this.requireChat(input.chatId) : null;
    const ids = input.ids;
    this.checkNewIds(ids ? [ids.user, ids.assistant, ...(existing ? [] : [ids.chat])] : []);
    const all = existing ? this.repo.listMessages(existing.id) : [];
    let parentId: string | null;
    if (input.parentId !== undefined) {
      parentId = input.parentId;
      if (parentId !== null && !all.some((m) => m.id === parentId)) {
        throw new AppError('not_found', 'The message to answer after is not in this chat (it may have been deleted).');
      }
    } else {
      parentId = resolveLeaf(all, existing?.currentLeafId ?? null)?.id ?? null;
    }
    const firstExchange = all.length === 0;
    // Checked before writing.
    const files = this.attachments.pending(existing?.id ?? '', input.attachmentIds ?? []);
    let userMessage!: Message;
    const started = await this.startAnswer({
      chat: existing,
      modelId: input.model,
      history: pathTo(all, parentId),
      next: [toTurn({ role: 'user', content: input.content, attachments: files }, this.attachments)],
      write: (fit) => {
        // A new chat is created here, with its messages, in the same transaction.
        const chat =
          existing ?? this.repo.createChat({ title: titleFrom(input.content), model: input.model, id: ids?.chat });
        userMessage = this.addMessage({
          id: ids?.user,
          chatId: chat.id,
          parentId,
          role: 'user',
          content: input.content,
          files,
        });
        const assistantMessage = this.addMessage({
          id: ids?.assistant,
          chatId: chat.id,
          parentId: userMessage.id,
          role: 'assistant',
          model: input.model,
          trimmed: fit.dropped,
        });
        const patch: { title?: string; model?: string; currentLeafId: string } = {
          currentLeafId: assistantMessage.id,
        };
        if (chat.model !== input.model) patch.model = input.model;
        if (chat.title === NEW_CHAT_TITLE && firstExchange) patch.title = titleFrom(input.content);
        return { chat: this.updateChat(chat.id, patch), assistantMessage };
      },
      onFinished: firstExchange
        ? ({ chat, provider, model }, r) => {
            if (r.status === 'done' && r.content)
              this.autoTitle(chat.id, chat.title, provider, model, input.content, r.content);
          }
        : undefined,
    });
    return { ...started, userMessage };
  }

  /** A new answer to the same question, beside the old one. */
  async regenerate(
    input: MethodParsedInput<'messages.regenerate'>,
  ): Promise<{ chat: Chat; assistantMessage: Message }> {
    const old = this.requireMessage(input.messageId);
    if (old.role !== 'assistant') throw new AppError('invalid_input', 'Only an answer can be regenerated.');
    const chat = this.requireChat(old.chatId);
    const modelId = input.model ?? old.model ?? chat.model;
    if (!modelId) throw new AppError('invalid_input', 'Pick a model to answer with.');
    return this.startAnswer({
      chat,
      modelId,
      history: pathTo(this.repo.listMessages(chat.id), old.parentId),
      next: [],
      write: (fit) => {
        const assistantMessage = this.addMessage({
          chatId: chat.id,
          parentId: old.parentId,
          role: 'assistant',
          model: modelId,
          trimmed: fit.dropped,
        });
        const updated = this.updateChat(chat.id, {
          currentLeafId: assistantMessage.id,
          ...(chat.model !== modelId ? { model: modelId } : {}),
        });
        return { chat: updated, assistantMessage };
      },
    });
  }

  /** An edited question: a sibling of the old one with the new text, answered afresh. */
  async edit(input: MethodParsedInput<'messages.edit'>): Promise<Sent> {
    const old = this.requireMessage(input.messageId);
    if (old.role !== 'user') throw new AppError('invalid_input', 'Only your own messages can be edited.');
    const chat = this.requireChat(old.chatId);
    const all = this.repo.listMessages(chat.id);
    const modelId = chat.model ?? all.find((m) => m.parentId === old.id && m.model)?.model ?? null;
    if (!modelId) throw new AppError('invalid_input', 'Pick a model to answer with.');
    this.resolveModel(modelId); // an unknown model fails before the files are copied
    const files = this.attachments.duplicate(old.attachments); // the edited question keeps its files
    let userMessage!: Message;
    const started = await this.startAnswer({
      chat,
      modelId,
      history: pathTo(all, old.parentId),
      next: [toTurn({ role: 'user', content: input.content, attachments: files }, this.attachments)],
      write: (fit) => {
        userMessage = this.addMessage({
          chatId: chat.id,
          parentId: old.parentId,
          role: 'user',
          content: input.content,
          files,
        });
        const assistantMessage = this.addMessage({
          chatId: chat.id,
          parentId: userMessage.id,
          role: 'assistant',
          model: modelId,
          trimmed: fit.dropped,
        });
        return { chat: this.updateChat(chat.id, { currentLeafId: assistantMessage.id }), assistantMessage };
      },
    });
    return { ...started, userMessage };
  }

  /**
   * Carry on an interrupted, stopped or failed answer: the partial answer goes last as an assistant
   * turn (Ollama and OpenAI-compatible servers continue a trailing assistant message) and new text
   * is appended to it, so deltas continue at the existing offset.
   */
  async continue(input: MethodParsedInput<'messages.continue'>): Promise<{ assistantMessage: Message }> {
    const m = this.requireMessage(input.messageId);
    if (m.role !== 'assistant') throw new AppError('invalid_input', 'Only an answer can be continued.');
    if (this.generation.isRunning(m.id) || m.status === 'streaming') {
      throw new AppError('conflict', 'This answer is still being written.');
    }
    if (m.status === 'done')
      throw new AppError('conflict', 'This answer is already complete; regenerate it for a new one.');
    const chat = this.requireChat(m.chatId);
    const modelId = m.model ?? chat.model;
    if (!modelId) throw new AppError('invalid_input', 'Pick a model to answer with.');
    const all = this.repo.listMessages(chat.id);
    const { assistantMessage } = await this.startAnswer({
      chat,
      modelId,
      history: pathTo(all, m.parentId),
      next: m.content ? [{ role: 'assistant', content: m.content }] : [],
      keepLast: m.content ? 2 : 1,
      continued: m,
      write: () => {
        const reopened = this.repo.reopenMessage(m.id)!;
        this.events.emit('message.updated', { message: reopened });
        const updated = this.updateChat(chat.id, { currentLeafId: newestLeafUnder(all, m.id)?.id ?? m.id });
        return { chat: updated, assistantMessage: reopened };
      },
    });
    return { assistantMessage };
  }

  /**
   * What sending, regenerating, editing and continuing share: resolve the model, build the turns
   * the model sees (system prompt, the branch so far, what comes next), fit them into its context
   * window, write the new rows (`write`, one transaction; its events go out once stored), and start
   * the answer streaming.
   */
  private async startAnswer(o: {
    /** null: a new chat, created by `write`. */
    chat: Chat | null;
    modelId: string;
    /** The branch before what comes next, root first. */
    history: Message[];
    next: ChatTurn[];
    /** Turns the trimming must keep (the question; the partial answer too when continuing). */
    keepLast?: number;
    /** The answer being continued (its text and reasoning so far). */
    continued?: Message;
    write: (fit: TrimResult) => { chat: Chat; assistantMessage: Message };
    onFinished?: (started: { chat: Chat; provider: Provider; model: string }, result: GenerationResult) => void;
  }): Promise<{ chat: Chat; assistantMessage: Message }> {
    const { ref, provider } = this.resolveModel(o.modelId);
    const turns = [...(o.chat ? this.systemTurn(o.chat) : []), ...toTurns(o.history, this.attachments), ...o.next];
    const fit = await this.fit(provider, ref.model, o.chat?.params ?? {}, turns, o.keepLast ?? 1);
    // The request goes out first (written on the next tick), then the rows are written: no reply
    // can be read in between, so the answer's first delta still finds its message stored.
    const params = o.chat?.params ?? {};
    const request = this.generation.request(provider, ref.model, fit.turns, params);
    await new Promise<void>((resolve) => process.nextTick(resolve));
    let written: { chat: Chat; assistantMessage: Message };
    try {
      written = this.atomically(() => o.write(fit));
    } catch (err) {
      request.cancel();
      throw err;
    }
    const { chat, assistantMessage } = written;
    const onFinished = o.onFinished;
    this.generation.start({
      chatId: chat.id,
      messageId: assistantMessage.id,
      provider,
      model: ref.model,
      history: fit.turns,
      params,
      request,
      ...(o.continued
        ? {
            initialContent: o.continued.content,
            initialThinking: o.continued.thinking,
            initialThinkingMs: o.continued.thinkingMs,
          }
        : {}),
      onFinished: onFinished && ((r) => onFinished({ chat, provider, model: ref.model }, r)),
    });
    return { chat, assistantMessage };
  }

  /** Ids a client chose for new rows must be new (a repeated send would otherwise write twice). */
  private checkNewIds(ids: (string | undefined)[]): void {
    for (const id of ids) {
      if (id && (this.repo.getChat(id, { includeDeleted: true }) || this.repo.messageExists(id))) {
        throw new AppError('conflict', 'That message was already sent (its id is taken).');
      }
    }
  }

  /** Show another branch: any message of it; the newest leaf under that message is shown. */
  setBranch(chatId: string, leafId: string): Chat {
    this.requireChat(chatId);
    const all = this.repo.listMessages(chatId);
    if (!all.some((m) => m.id === leafId)) {
      throw new AppError('not_found', 'That message is not in this chat (it may have been deleted).');
    }
    return this.updateChat(chatId, { currentLeafId: newestLeafUnder(all, leafId)!.id });
  }

  async stop(messageId: string): Promise<{ stopped: boolean }> {
    if (await this.generation.stop(messageId)) return { stopped: true };
    return { stopped: this.stopOther?.(messageId) ?? false };
  }

  /** Who else may be answering a message (the image service, for image turns). */
  stopOther: ((messageId: string) => boolean) | null = null;

  /**
   * An image turn: an assistant message (status streaming, model `image:<backend>`) that will
   * receive a generated image, after the prompt as the user's message when `asUserTurn`.
   */
  startImageTurn(o: {
    chatId: string;
    assistantId?: string;
    prompt: string;
    parentId?: string | null;
    asUserTurn: boolean;
    model: string;
  }): { userMessage: Message | null; assistantMessage: Message } {
    const chat = this.requireChat(o.chatId);
    this.checkNewIds([o.assistantId]);
    const all = this.repo.listMessages(chat.id);
    let parentId: string | null;
    if (o.parentId !== undefined) {
      parentId = o.parentId;
      if (parentId !== null && !all.some((m) => m.id === parentId))
        throw new AppError('not_found', 'The message to answer after is not in this chat (it may have been deleted).');
    } else {
      parentId = resolveLeaf(all, chat.currentLeafId)?.id ?? null;
    }
    return this.atomically(() => {
      const userMessage = o.asUserTurn
        ? this.addMessage({ chatId: chat.id, parentId, role: 'user', content: `/image ${o.prompt}` })
        : null;
      const assistantMessage = this.addMessage({
        id: o.assistantId,
        chatId: chat.id,
        parentId: userMessage?.id ?? parentId,
        role: 'assistant',
        model: o.model,
      });
      const patch: { title?: string; currentLeafId: string } = { currentLeafId: assistantMessage.id };
      if (chat.title === NEW_CHAT_TITLE && all.length === 0) patch.title = titleFrom(o.prompt);
      this.updateChat(chat.id, patch);
      return { userMessage, assistantMessage };
    });
  }

  /** The image turn is over: its images (already stored as attachments of the chat) and its text. */
  finishImageTurn(
    messageId: string,
    r: {
      content: string;
      status: 'done' | 'stopped' | 'error';
      error: { code: string; message: string } | null;
      files: Attachment[];
    },
  ): void {
    const message = this.repo.getMessage(messageId);
    if (!message) return; // the chat was deleted meanwhile
    this.atomically(() => {
      if (r.files.length) this.attachments.link(messageId, r.files);
      this.repo.finishMessage(messageId, { content: r.content, status: r.status, error: r.error, stats: null });
      const finished = this.repo.getMessage(messageId);
      if (finished) this.events.emit('message.updated', { message: finished });
    });
  }

  /** Retry of an image turn: the same message goes back to streaming. */
  reopenImageTurn(messageId: string): Message {
    const message = this.requireMessage(messageId);
    if (message.role !== 'assistant' || !message.model?.startsWith('image:'))
      throw new AppError('invalid_input', 'That message is not an image turn.');
    const reopened = this.repo.reopenMessage(messageId)!;
    this.events.emit('message.updated', { message: reopened });
    return reopened;
  }

  private resolveModel(modelId: string): { ref: { providerId: string; model: string }; provider: Provider } {
    const ref = splitModelId(modelId);
    const provider = ref && this.settings.provider(ref.providerId);
    if (!ref || !provider) {
      throw new AppError('invalid_input', `Unknown model "${modelId}": pick one from the model list.`);
    }
    return { ref, provider };
  }

  private requireChat(id: string): Chat {
    const chat = this.repo.getChat(id);
    if (!chat) throw new AppError('not_found', 'That chat does not exist (it may have been deleted).');
    return chat;
  }

  private requireMessage(id: string): Message {
    const m = this.repo.getMessage(id);
    if (!m) throw new AppError('not_found', 'That message does not exist (it may have been deleted).');
    return m;
  }

  private addMessage(o: {
    /** Chosen by the client (messages.send's ids); else a new one. */
    id?: string;
    chatId: string;
    parentId: string | null;
    role: 'user' | 'assistant';
    content?: string;
    model?: string;
    trimmed?: number;
    files?: Attachment[];
  }): Message {
    const message = this.repo.addMessage({
      id: o.id,
      chatId: o.chatId,
      parentId: o.parentId,
      role: o.role,
      content: o.content ?? '',
      model: o.model ?? null,
      status: o.role === 'user' ? 'done' : 'streaming',
      trimmed: o.trimmed ?? 0,
    });
    if (o.files?.length) {
      this.attachments.link(message.id, o.files); // attachment-service.ts
      message.attachments = o.files;
    }
    this.events.emit('message.created', { message });
    return message;
  }

  /** One transaction for the rows an action writes, its events sent only once they are stored. */
  private atomically<T>(write: () => T): T {
    return this.events.atomic(() => this.repo.transaction(write));
  }

  private updateChat(id: string, patch: Parameters<ChatRepo['updateChat']>[1]): Chat {
    const chat = this.repo.updateChat(id, patch) ?? this.requireChat(id);
    this.events.emit('chat.updated', { chat });
    return chat;
  }

  private systemTurn(chat: Chat): ChatTurn[] {
    return chat.systemPrompt?.trim() ? [{ role: 'system', content: chat.systemPrompt }] : [];
  }

  /** Fit the turns into the model's window (see context-trim.ts). */
  private async fit(
    provider: Provider,
    model: string,
    params: Chat['params'],
    turns: ChatTurn[],
    keepLast: number,
  ): Promise<TrimResult> {
    const maxTokens = params.maxTokens;
    let window = params.contextLength;
    if (window === undefined) {
      // Short conversations fit any model: skip asking the backend.
      if (estimateTokens(turns) + answerReserve(SMALLEST_LIKELY_WINDOW, maxTokens) <= SMALLEST_LIKELY_WINDOW) {
        return { turns, dropped: 0 };
      }
      window = (await provider.contextLength?.(model).catch(() => null)) ?? DEFAULT_CONTEXT_LENGTH;
    }
    return trimToWindow(turns, window, answerReserve(window, maxTokens), keepLast);
  }

  /** After the first answer: a model-written title, unless the user renamed the chat meanwhile. Silent on failure. */
  private autoTitle(
    chatId: string,
    titleBefore: string,
    provider: Provider,
    model: string,
    question: string,
    answer: string,
  ) {
    if (!this.settings.autoTitle()) return;
    void this.generation.runBackground(async (signal) => {
      const title = await generateTitle({ provider, model, question, answer, signal });
      if (!title || signal.aborted) return;
      const current = this.repo.getChat(chatId);
      if (!current || current.title !== titleBefore || echoes(title, current.title)) return;
      this.updateChat(chatId, { title });
    });
  }
}

/** Does the model's title merely repeat the current one (e.g. the question itself)? Then keep what we have. */
function echoes(title: string, current: string): boolean {
  const norm = (t: string) =>
    t
      .toLowerCase()
      .replace(/[\s.,;:!?…"'“”‘’]+$/u, '')
      .trim();
  const a = norm(title);
  const b = norm(current);
  return a === b || (a.length >= 12 && b.startsWith(a)) || (b.length >= 12 && a.startsWith(b));
}

/** Prior turns worth sending: finished text, not failed or empty answers (attached files inlined, images added). */
function toTurns(messages: Message[], attachments: AttachmentService): ChatTurn[] {
  return messages
    .filter((m) => m.content && (m.role === 'user' || m.status !== 'error'))
    .map((m) => toTurn(m, attachments));
}

export function titleFrom(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (line.length <= 60) return line || NEW_CHAT_TITLE;
  const cut = line.slice(0, 60);
  const space = cut.lastIndexOf(' ');
  return (space > 30 ? cut.slice(0, space) : cut) + '…';
}
