/**
 * The one contract between the renderer and the app's services. Every method is a name, a zod
 * schema for its input and the type of its output; every event is a name and a payload schema.
 * The router (electron/services/api.ts), the preload and the renderer client are all typed from
 * this file, so adding a feature starts here.
 */
import { z } from 'zod';
import { empty, httpUrl, out, type Out } from './contract-out';
import { entityIdSchema, uuidv7Schema } from './ids';
import { ATTACHMENT_BASE64_MAX_CHARS } from './limits';
import { imageEvents, imageMethods } from './image-contract';
import { desktopEvents, desktopMethods } from './desktop-contract';
import { backupEvents, backupMethods } from './backup-contract';
import type {
  AppInfo,
  Attachment,
  Chat,
  ChatWithMessages,
  Folder,
  GenerationStats,
  ImportReport,
  Message,
  ModelList,
  SearchHit,
  SettingsView,
  TagCount,
  InstalledModel,
  MachineMemory,
  ModelDetails,
  OllamaStatus,
  SyncRunReport,
  SyncStatus,
  RunningModel,
} from './types/domain';
import type { AppErrorShape } from './types/errors';

const id = entityIdSchema;

export const SettingsPatchSchema = z
  .object({
    ollamaBaseUrl: httpUrl.optional(),
    openaiBaseUrl: z.union([httpUrl, z.literal('')]).optional(),
    /** null clears the stored key. */
    openaiApiKey: z.string().max(4096).nullable().optional(),
    defaultModel: z.string().max(512).nullable().optional(),
    theme: z.enum(['system', 'light', 'dark']).optional(),
    autoTitle: z.boolean().optional(),
    /** How Hearth finds Ollama: auto (external if reachable, else bundled), external, bundled. */
    ollamaMode: z.enum(['auto', 'external', 'bundled']).optional(),
    /**
     * Only null (go back to the program shipped with Hearth): a setting that names a program to run
     * is never taken from a caller. The desktop app picks one with ollama.chooseExecutable (a native
     * file dialog in the main process); serve takes --ollama-path or HEARTH_OLLAMA_PATH.
     */
    ollamaPath: z.null().optional(),
    /** Where the bundled server keeps models; null: ~/.ollama/models when it exists, else <data>/models. */
    ollamaModelsDir: z.string().trim().min(1).max(4096).nullable().optional(),
    /** Replaces the list of extra Ollama servers (each its own provider, e.g. a GPU box). */
    ollamaServers: z
      .array(
        z
          .object({
            id: z
              .string()
              .regex(/^[a-z0-9-]{1,40}$/)
              .optional(),
            label: z.string().trim().min(1).max(80),
            baseUrl: httpUrl,
          })
          .strict(),
      )
      .max(20)
      .optional(),
    /** Replaces the list of extra endpoints. A missing apiKey keeps the stored one; null removes it. */
    openaiEndpoints: z
      .array(
        z
          .object({
            id: z
              .string()
              .regex(/^[a-z0-9-]{1,32}$/)
              .optional(),
            label: z.string().trim().min(1).max(80),
            baseUrl: httpUrl,
            apiKey: z.string().max(4096).nullable().optional(),
          })
          .strict(),
      )
      .max(20)
      .optional(),
  })
  .strict();

export const ChatParamsSchema = z
  .object({
    temperature: z.number().min(0).max(2).optional(),
    topP: z.number().min(0).max(1).optional(),
    topK: z.number().int().min(0).max(1000).optional(),
    contextLength: z.number().int().min(256).max(2_097_152).optional(),
    maxTokens: z.number().int().min(1).max(1_000_000).optional(),
    seed: z.number().int().optional(),
    keepAlive: z
      .string()
      .regex(/^-?\d+(\.\d+)?(ms|s|m|h)?$/)
      .optional(),
    thinking: z.enum(['off', 'on', 'low', 'medium', 'high']).optional(),
  })
  .strict();

const tagName = z.string().trim().min(1).max(40);
const folderName = z.string().trim().min(1).max(80);
/** Attachments travel as base64; IMAGE_LIMIT_BYTES (20 MB) of file at most. */
const base64 = z
  .string()
  .max(ATTACHMENT_BASE64_MAX_CHARS)
  .regex(/^[A-Za-z0-9+/=\s]*$/, 'must be base64');

/** A model id (`provider/name`) or a bare Ollama model name such as `llama3.2:3b`. */
const modelRef = z.string().trim().min(1).max(512);
const providerRef = z.string().regex(/^[a-z0-9-]{1,40}$/, 'must be a provider id');

export const methods = {
  'app.info': { input: empty, output: out<AppInfo>() },
  /** Hearth's own log: where it is, its level, and its last lines (secrets and message text are never in it). */
  'app.log': {
    input: z.object({ lines: z.number().int().min(1).max(5000).optional() }).strict(),
    output: out<{ path: string; sizeBytes: number; level: string; tail: string }>(),
  },
  /** Show the log's folder in the file manager (the desktop app only). */
  'app.openLogFolder': { input: empty, output: out<{ ok: true }>() },
  'settings.get': { input: empty, output: out<SettingsView>() },
  'settings.update': { input: SettingsPatchSchema, output: out<SettingsView>() },
  /** Desktop only: the user picks the bundled Ollama's program in a native file dialog (cancel: unchanged). */
  'ollama.chooseExecutable': { input: empty, output: out<SettingsView>() },
  'models.list': { input: empty, output: out<ModelList>() },
  /** Download an Ollama model; progress arrives as 'models.pullProgress' events, the last one with done. */
  'models.pull': {
    input: z.object({ model: z.string().trim().min(1).max(512) }).strict(),
    output: out<{ started: boolean }>(),
  },
  /** Stop a download started with models.pull; what was downloaded stays, so pulling again resumes. */
  'models.pullCancel': { input: z.object({ model: modelRef }).strict(), output: out<{ cancelled: boolean }>() },
  /** Installed models of one Ollama server (default: the primary), with capabilities and a fits hint. */
  'models.installed': {
    input: z.object({ providerId: providerRef.optional() }).strict(),
    output: out<{ providerId: string; models: InstalledModel[]; memory: MachineMemory; asOf: string }>(),
  },
  /** Ollama's /api/show: parameters, template, license, model info. */
  'models.show': { input: z.object({ model: modelRef }).strict(), output: out<ModelDetails>() },
  'models.delete': { input: z.object({ model: modelRef }).strict(), output: out<{ deleted: boolean }>() },
  /** Ollama's /api/ps: models in memory, with VRAM and when they unload. */
  'models.running': {
    input: z.object({ providerId: providerRef.optional() }).strict(),
    output: out<{ providerId: string; models: RunningModel[]; asOf: string }>(),
  },
  'models.unload': { input: z.object({ model: modelRef }).strict(), output: out<{ unloaded: boolean }>() },
  'ollama.status': { input: empty, output: out<OllamaStatus>() },
  /** Start, stop or restart the bundled server; retry re-runs the auto choice (external, else bundled). */
  'ollama.control': {
    input: z.object({ action: z.enum(['start', 'stop', 'restart', 'retry']) }).strict(),
    output: out<OllamaStatus>(),
  },
  /** The tail of the bundled server's log file. */
  'ollama.logs': {
    input: z.object({ lines: z.number().int().min(1).max(5000).optional() }).strict(),
    output: out<{ file: string; text: string }>(),
  },
  'chats.list': {
    input: z
      .object({
        limit: z.number().int().min(1).max(500).optional(),
        /** Cursor: the last chat of the previous page (pinned first, then most recent). */
        before: z.object({ pinned: z.boolean().optional(), updatedAt: z.number().int(), id }).optional(),
        /** A folder id, or null for chats in no folder; omit for all. */
        folderId: id.nullable().optional(),
        archived: z.boolean().optional(),
        tag: tagName.optional(),
      })
      .strict(),
    output: out<{ chats: Chat[]; hasMore: boolean }>(),
  },
  'chats.get': { input: z.object({ id }).strict(), output: out<ChatWithMessages>() },
  'chats.create': {
    /** `id`: chosen by the client, so the row it shows at once and the stored row are one. */
    input: z.object({ model: z.string().max(512).optional(), id: uuidv7Schema.optional() }).strict(),
    output: out<Chat>(),
  },
  'chats.rename': {
    input: z.object({ id, title: z.string().trim().min(1).max(200) }).strict(),
    output: out<Chat>(),
  },
  /** Soft delete: the chat can be restored (Undo) until it is purged. */
  'chats.delete': { input: z.object({ id }).strict(), output: out<{ ok: true; version: string }>() },
  'chats.restore': { input: z.object({ id }).strict(), output: out<Chat>() },
  /**
   * Remove for good the chats deleted more than `olderThanDays` ago (default 30; also done at
   * start-up): messages, attachment rows and the attachment files. Counts what went.
   */
  'chats.purgeDeleted': {
    input: z.object({ olderThanDays: z.number().min(0).max(36_500).optional() }).strict(),
    output: out<{ chats: number; messages: number; attachments: number; files: number }>(),
  },
  'chats.update': {
    input: z
      .object({
        id,
        title: z.string().trim().min(1).max(200).optional(),
        pinned: z.boolean().optional(),
        archived: z.boolean().optional(),
        folderId: id.nullable().optional(),
        tags: z.array(tagName).max(20).optional(),
        systemPrompt: z.string().max(100_000).nullable().optional(),
        params: ChatParamsSchema.optional(),
        model: z.string().min(1).max(512).optional(),
      })
      .strict(),
    output: out<Chat>(),
  },
  /** Show another branch: the leaf of the path to display. */
  'chats.setBranch': { input: z.object({ chatId: id, leafId: id }).strict(), output: out<Chat>() },
  'folders.list': { input: empty, output: out<{ folders: Folder[]; asOf: string }>() },
  'folders.create': { input: z.object({ name: folderName }).strict(), output: out<Folder>() },
  'folders.rename': { input: z.object({ id, name: folderName }).strict(), output: out<Folder>() },
  /** Chats inside move out of the folder; none is deleted. */
  'folders.delete': { input: z.object({ id }).strict(), output: out<{ ok: true }>() },
  'tags.list': { input: empty, output: out<{ tags: TagCount[]; asOf: string }>() },
  'search.query': {
    input: z
      .object({ query: z.string().trim().min(1).max(500), limit: z.number().int().min(1).max(200).optional() })
      .strict(),
    output: out<{ hits: SearchHit[] }>(),
  },
  'messages.send': {
    input: z
      .object({
        /** Omit to start a new chat. */
        chatId: id.optional(),
        model: z.string().min(1).max(512),
        content: z.string().min(1).max(1_000_000),
        /** Added with attachments.add before sending. */
        attachmentIds: z.array(id).max(20).optional(),
        /** Answer on this branch (the message to reply after); default: the branch on screen. */
        parentId: id.nullable().optional(),
        /**
         * Ids chosen by the client for the rows this creates (the new chat when chatId is omitted,
         * the question, the answer), so the rows it shows at once and the stored ones are the same.
         */
        ids: z
          .object({ chat: uuidv7Schema.optional(), user: uuidv7Schema, assistant: uuidv7Schema })
          .strict()
          .refine((v) => v.user !== v.assistant && v.chat !== v.user && v.chat !== v.assistant, 'ids must differ')
          .optional(),
      })
      .strict(),
    output: out<{ chat: Chat; userMessage: Message; assistantMessage: Message }>(),
  },
  /** A new answer to the same question, as a sibling of the old one. */
  'messages.regenerate': {
    input: z.object({ messageId: id, model: z.string().min(1).max(512).optional() }).strict(),
    output: out<{ chat: Chat; assistantMessage: Message }>(),
  },
  /** Edit a user message: a new sibling with the new text, answered afresh. */
  'messages.edit': {
    input: z.object({ messageId: id, content: z.string().min(1).max(1_000_000) }).strict(),
    output: out<{ chat: Chat; userMessage: Message; assistantMessage: Message }>(),
  },
  /** Continue an interrupted or stopped answer where it ended. */
  'messages.continue': { input: z.object({ messageId: id }).strict(), output: out<{ assistantMessage: Message }>() },
  'attachments.add': {
    input: z
      .object({
        chatId: id.optional(),
        name: z.string().trim().min(1).max(255),
        mime: z.string().max(127),
        dataBase64: base64,
        width: z.number().int().min(1).max(20_000).optional(),
        height: z.number().int().min(1).max(20_000).optional(),
      })
      .strict(),
    output: out<Attachment>(),
  },
  /** An attachment's bytes as a data: URL, for display. */
  'attachments.get': { input: z.object({ id }).strict(), output: out<{ dataUrl: string }>() },
  /** Fetch a remote image the user agreed to see (by the app, not the page), as a data: URL. */
  'media.fetchImage': {
    input: z.object({ url: z.string().url().max(4096) }).strict(),
    output: out<{ dataUrl: string }>(),
  },
  'data.export': {
    input: z.object({ chatId: id.optional(), format: z.enum(['hearth', 'markdown']) }).strict(),
    output: out<{ filename: string; mime: string; content: string }>(),
  },
  /** Import Hearth JSON, ChatGPT's conversations.json or an Open WebUI export (detected by content). */
  'data.import': {
    input: z.object({ filename: z.string().max(255), content: z.string().max(200_000_000) }).strict(),
    output: out<ImportReport>(),
  },
  'messages.stop': { input: z.object({ messageId: id }).strict(), output: out<{ stopped: boolean }>() },
  /** Sync with PostgreSQL: settings, state, last run. */
  'sync.status': { input: empty, output: out<SyncStatus>() },
  /** Change sync settings (each field optional); secrets are stored encrypted. */
  'sync.configure': {
    input: z
      .object({
        /** null or '' forgets the stored one (DATABASE_URL, when set, wins anyway). */
        url: z.string().max(4096).nullable().optional(),
        schema: z.string().min(1).max(63).optional(),
        enabled: z.boolean().optional(),
        deviceName: z.string().max(100).optional(),
        /** End-to-end encryption; null removes it. */
        passphrase: z.string().min(8, 'use at least 8 characters').max(1024).nullable().optional(),
        maxAttachmentMb: z.number().int().min(0).max(1024).optional(),
        /** Pause background sync (kept across restarts) or resume it. */
        paused: z.boolean().optional(),
      })
      .strict(),
    output: out<SyncStatus>(),
  },
  /** Try a connection string (the stored one when none is given) without changing anything. */
  'sync.test': {
    input: z.object({ url: z.string().max(4096).optional(), schema: z.string().min(1).max(63).optional() }).strict(),
    output: out<
      { ok: true; serverVersion: string; schemaExists: boolean } | { ok: false; reason: string; message: string }
    >(),
  },
  /** Run one sync now; resolves when it is done (null when sync is off). */
  'sync.now': { input: empty, output: out<SyncRunReport | null>() },
  ...imageMethods,
  ...desktopMethods,
  ...backupMethods,
} as const;

const messageRef = { chatId: z.string(), messageId: z.string() };

export const events = {
  /**
   * Coalesced: about one per frame per streaming message. `delta` is text to append at `offset`
   * (the length of the text before it), so a client that also fetched the message can merge both.
   */
  'message.delta': z.object({
    ...messageRef,
    offset: z.number().int(),
    delta: z.string(),
    /** Reasoning text, merged the same way at `thinkingOffset`. */
    thinkingOffset: z.number().int().optional(),
    thinking: z.string().optional(),
  }),
  'message.done': z.object({
    ...messageRef,
    status: z.enum(['done', 'stopped', 'interrupted', 'error']),
    content: z.string(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    stats: z.custom<GenerationStats>().nullable(),
    thinking: z.string().nullable().optional(),
    thinkingMs: z.number().nullable().optional(),
    /** The finished row's version (a fresh one when it could not be stored: what is shown is newest). */
    version: z.string(),
  }),
  /** A message added by any window or command (send, regenerate, edit, import). */
  'message.created': z.object({ message: z.custom<Message>() }),
  /** A message's state changed without new text (an answer continued: streaming again). */
  'message.updated': z.object({ message: z.custom<Message>() }),
  /** Progress of a model download started with models.pull (Ollama's own status lines). */
  'models.pullProgress': z.object({
    model: z.string(),
    status: z.string(),
    /** Bytes of the layer named in status (`pulling <digest>`). */
    completed: z.number().optional(),
    total: z.number().optional(),
    /** Every layer seen so far, and the sums over them (for the overall bar). */
    layers: z.array(z.object({ digest: z.string(), completed: z.number(), total: z.number() })).optional(),
    overallCompleted: z.number().optional(),
    overallTotal: z.number().optional(),
    bytesPerSec: z.number().optional(),
    etaSec: z.number().optional(),
    done: z.boolean(),
    cancelled: z.boolean().optional(),
    error: z.string().optional(),
  }),
  /** A pull or delete changed the models installed on an Ollama server: reload model lists. */
  'models.changed': z.object({ providerId: z.string() }),
  /** The Ollama servers' state changed (starting, running, stopped, error, unavailable). */
  'ollama.status': z.custom<OllamaStatus>(),
  'folders.changed': z.object({}),
  /** Settings were changed (in any window, or from the tray). */
  'settings.changed': z.custom<SettingsView>(),
  'chat.updated': z.object({ chat: z.custom<Chat>() }),
  /** A tombstone: the chat's version when it was deleted. */
  'chat.deleted': z.object({ id: z.string(), version: z.string() }),
  /**
   * A data.import running in the background: reading the file, writing chats (`done` of `total`),
   * then `done` once every chat is in (windows reload their chat list).
   */
  'data.importProgress': z.object({
    filename: z.string(),
    phase: z.enum(['reading', 'writing', 'done']),
    done: z.number().int(),
    total: z.number().int(),
  }),
  /** Sync's state changed (the indicator and Settings → Sync follow it; `seq` orders them). */
  'sync.status': z.custom<SyncStatus>(),
  /** Many rows arrived from other devices at once: windows reload their lists and the open chat. */
  'sync.changed': z.object({ rows: z.number().int() }),
  /**
   * A command from outside the page: the app menu, a tray item, a deep link, the quick prompt.
   * new-chat may carry a prompt and model (hearth://new?prompt=…&model=…): the composer is filled,
   * never sent by itself; open-chat shows a chat (hearth://chat/<id>, or the quick prompt's
   * Ctrl/Cmd+Enter with its unsent draft).
   */
  'app.command': z.discriminatedUnion('command', [
    z.object({
      command: z.literal('new-chat'),
      prompt: z.string().max(1_000_000).optional(),
      model: z.string().max(512).optional(),
    }),
    z.object({ command: z.literal('open-chat'), chatId: z.string(), draft: z.string().max(1_000_000).optional() }),
    z.object({ command: z.enum(['open-settings', 'open-models', 'open-images', 'open-desktop-settings']) }),
  ]),
  ...imageEvents,
  ...desktopEvents,
  ...backupEvents,
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
