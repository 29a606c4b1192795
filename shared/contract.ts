/**
 * The one contract between the renderer and the app's services. Every method is a name, a zod
 * schema for its input and the type of its output; every event is a name and a payload schema.
 * The router (electron/services/api.ts), the preload and the renderer client are all typed from
 * this file, so adding a feature starts here.
 */
import { z } from 'zod';
import type {
  AppInfo,
  Chat,
  ChatWithMessages,
  Message,
  ModelList,
  SettingsView,
  GenerationStats,
} from './types/domain';
import type { AppErrorShape } from './types/errors';

/** Phantom marker carrying a method's output type. */
declare const outputBrand: unique symbol;
type Out<T> = { readonly [outputBrand]?: T };
const out = <T>(): Out<T> => ({}) as Out<T>;

const id = z.string().min(1).max(64);
const empty = z.object({}).strict();
const httpUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL');

export const SettingsPatchSchema = z
  .object({
    ollamaBaseUrl: httpUrl.optional(),
    openaiBaseUrl: z.union([httpUrl, z.literal('')]).optional(),
    /** null clears the stored key. */
    openaiApiKey: z.string().max(4096).nullable().optional(),
    defaultModel: z.string().max(512).nullable().optional(),
    theme: z.enum(['system', 'light', 'dark']).optional(),
  })
  .strict();

export const methods = {
  'app.info': { input: empty, output: out<AppInfo>() },
  'settings.get': { input: empty, output: out<SettingsView>() },
  'settings.update': { input: SettingsPatchSchema, output: out<SettingsView>() },
  'models.list': { input: empty, output: out<ModelList>() },
  'chats.list': {
    input: z
      .object({
        limit: z.number().int().min(1).max(500).optional(),
        /** Cursor: return chats updated before this chat (exclusive). */
        before: z.object({ updatedAt: z.number().int(), id }).optional(),
      })
      .strict(),
    output: out<{ chats: Chat[]; hasMore: boolean }>(),
  },
  'chats.get': { input: z.object({ id }).strict(), output: out<ChatWithMessages>() },
  'chats.create': {
    input: z.object({ model: z.string().max(512).optional() }).strict(),
    output: out<Chat>(),
  },
  'chats.rename': {
    input: z.object({ id, title: z.string().trim().min(1).max(200) }).strict(),
    output: out<Chat>(),
  },
  'chats.delete': { input: z.object({ id }).strict(), output: out<{ ok: true }>() },
  'messages.send': {
    input: z
      .object({
        /** Omit to start a new chat. */
        chatId: id.optional(),
        model: z.string().min(1).max(512),
        content: z.string().min(1).max(1_000_000),
      })
      .strict(),
    output: out<{ chat: Chat; userMessage: Message; assistantMessage: Message }>(),
  },
  'messages.stop': { input: z.object({ messageId: id }).strict(), output: out<{ stopped: boolean }>() },
} as const;

const messageRef = { chatId: z.string(), messageId: z.string() };

export const events = {
  /**
   * Coalesced: about one per frame per streaming message. `delta` is text to append at `offset`
   * (the length of the text before it), so a client that also fetched the message can merge both.
   */
  'message.delta': z.object({ ...messageRef, offset: z.number().int(), delta: z.string() }),
  'message.done': z.object({
    ...messageRef,
    status: z.enum(['done', 'stopped', 'interrupted', 'error']),
    content: z.string(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    stats: z.custom<GenerationStats>().nullable(),
  }),
  'chat.updated': z.object({ chat: z.custom<Chat>() }),
  'chat.deleted': z.object({ id: z.string() }),
  /** A command from outside the page: the app menu, a tray item, a global shortcut. */
  'app.command': z.object({ command: z.enum(['new-chat', 'open-settings']) }),
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = Methods[M]['output'] extends Out<infer T> ? T : never;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

/** What every transport carries back for a call. */
export type CallResult<T> = { ok: true; value: T } | { ok: false; error: AppErrorShape };

/** An event as it crosses a transport. */
export type EventEnvelope = { [E in EventName]: { event: E; payload: EventPayload<E> } }[EventName];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(methods, name);
}

/** The surface the renderer programs against, whichever transport carries it. */
export interface HearthClient {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** What the preload exposes as `window.hearth`: a raw bridge, generic over the contract. */
export interface HearthBridge {
  call(method: string, input: unknown): Promise<CallResult<unknown>>;
  subscribe(listener: (envelope: EventEnvelope) => void): () => void;
}
