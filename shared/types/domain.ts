/** Domain types shared by services, transports and the renderer. Timestamps are epoch milliseconds. */

export type ProviderKind = 'ollama' | 'openai';

export interface ModelInfo {
  /** Unique across providers: `${providerId}/${name}`. */
  id: string;
  providerId: string;
  providerKind: ProviderKind;
  providerLabel: string;
  name: string;
  sizeBytes?: number;
  family?: string;
  parameterSize?: string;
  quantization?: string;
  modifiedAt?: number;
}

export interface ProviderStatus {
  providerId: string;
  kind: ProviderKind;
  label: string;
  baseUrl: string;
  ok: boolean;
  models: number;
  error?: string;
}

export interface ModelList {
  models: ModelInfo[];
  providers: ProviderStatus[];
  /** When the list was read (a stamp that sorts as text): the newest reply wins (shared/versioned.ts). */
  asOf: string;
}

/** Per-chat generation parameters; unset fields use the model's defaults. */
export interface ChatParams {
  temperature?: number;
  topP?: number;
  topK?: number;
  /** Context window in tokens (Ollama num_ctx). */
  contextLength?: number;
  maxTokens?: number;
  seed?: number;
  /** Ollama keep_alive, e.g. "5m", "0", "-1". */
  keepAlive?: string;
  /** Thinking models: off, on, or a level for models that take one. */
  thinking?: 'off' | 'on' | 'low' | 'medium' | 'high';
}

export interface Chat {
  id: string;
  title: string;
  model: string | null;
  createdAt: number;
  updatedAt: number;
  folderId: string | null;
  pinned: boolean;
  archived: boolean;
  tags: string[];
  systemPrompt: string | null;
  params: ChatParams;
  /** Leaf of the branch on screen; null = the newest leaf. */
  currentLeafId: string | null;
  /** The row's version (hybrid-clock stamp): the newest version wins on screen (shared/versioned.ts). */
  version: string;
}

export interface Folder {
  id: string;
  name: string;
  sort: number;
  chatCount: number;
  version: string;
}

export interface TagCount {
  name: string;
  count: number;
  /** The tag row's version. */
  version: string;
}

export interface Attachment {
  id: string;
  kind: 'image' | 'text';
  name: string;
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
}

/** Search snippets mark matches with these two characters (never HTML). */
export const SNIPPET_START = '\u0002';
export const SNIPPET_END = '\u0003';

export interface SearchHit {
  chatId: string;
  chatTitle: string;
  /** null when the title matched. */
  messageId: string | null;
  role: MessageRole | null;
  snippet: string;
  updatedAt: number;
}

export interface ImportReport {
  format: string;
  chatsImported: number;
  messagesImported: number;
  /** Gallery images written (Hearth JSON from version 4); absent when the file carried none. */
  imagesImported?: number;
  skipped: { what: string; why: string }[];
}

export type MessageRole = 'system' | 'user' | 'assistant';
export type MessageStatus = 'done' | 'streaming' | 'stopped' | 'interrupted' | 'error';

export interface GenerationStats {
  promptTokens?: number;
  completionTokens?: number;
  /** Time to first token, ms, measured by Hearth. */
  ttftMs?: number;
  totalMs?: number;
  tokensPerSecond?: number;
  finishReason?: string;
}

export interface Message {
  id: string;
  chatId: string;
  parentId: string | null;
  role: MessageRole;
  content: string;
  model: string | null;
  status: MessageStatus;
  error: { code: string; message: string } | null;
  stats: GenerationStats | null;
  createdAt: number;
  updatedAt: number;
  /** Reasoning text of thinking models, shown collapsed. */
  thinking: string | null;
  thinkingMs: number | null;
  /** How many earlier messages were left out to fit the context window. */
  trimmed: number;
  attachments: Attachment[];
  /**
   * The row's version. Streamed text changes a message without a new version (deltas carry
   * offsets); its state changes (created, finished, continued) each get one.
   */
  version: string;
}

export interface ChatWithMessages {
  chat: Chat;
  messages: Message[];
}

export type Theme = 'system' | 'light' | 'dark';

/** Settings as the UI sees them: secrets are never sent back, only whether one is set. */
export interface SettingsView {
  ollamaBaseUrl: string;
  openaiBaseUrl: string;
  /** A key is stored and can be read with this machine's secret key. */
  openaiApiKeySet: boolean;
  /** A key is stored but no longer decrypts (WEBUI_SECRET_KEY or the OS key store changed): ask for it again. */
  openaiApiKeyUnreadable: boolean;
  defaultModel: string | null;
  theme: Theme;
  /** Extra OpenAI-compatible endpoints beyond the one above, each its own provider. */
  openaiEndpoints: { id: string; label: string; baseUrl: string; apiKeySet: boolean; apiKeyUnreadable: boolean }[];
  /** Give a chat a short model-written title after its first answer. */
  autoTitle: boolean;
  ollamaMode: OllamaMode;
  /** Stored executable path for the bundled server (null: the shipped one or HEARTH_OLLAMA_PATH). */
  /** The bundled Ollama's program when one is chosen (flag, environment or the desktop's file dialog). */
  ollamaPath: string | null;
  /** True in the desktop app, where ollama.chooseExecutable opens a file dialog; serve names it at start only. */
  ollamaPathChooser: boolean;
  /** Stored models folder for the bundled server (null: the default). */
  ollamaModelsDir: string | null;
  /** Extra Ollama servers, each its own provider (`ollama-<slug>`). */
  ollamaServers: { id: string; label: string; baseUrl: string }[];
  /** Which values are fixed by a flag or environment variable and so cannot be edited here. */
  locked: Partial<Record<'ollamaBaseUrl' | 'openaiBaseUrl' | 'openaiApiKey' | 'ollamaPath', 'flag' | 'env'>>;
}

export interface AppInfo {
  name: string;
  version: string;
  host: 'electron' | 'serve' | 'cli';
  dataDir: string;
  schemaVersion: number;
}

/* ─── Ollama runtime and model manager (issue 4) ─── */

/** auto: a reachable external Ollama, else the bundled one, else explain how to get one. */
export type OllamaMode = 'auto' | 'external' | 'bundled';
export type OllamaState = 'starting' | 'running' | 'stopped' | 'error' | 'unavailable';

/** One Ollama server Hearth talks to: the primary (bundled or external) or an extra external one. */
export interface OllamaServerStatus {
  /** The provider id its models carry: 'ollama' for the primary server, `ollama-<slug>` for extra ones. */
  providerId: string;
  label: string;
  kind: 'bundled' | 'external';
  state: OllamaState;
  baseUrl: string | null;
  version: string | null;
  /** For error/unavailable: what went wrong in plain words and what to do. */
  error: string | null;
  pid: number | null;
  /** Restarts after crashes in the current 2-minute window (bundled only). */
  restarts: number;
  /** When the state last changed (ms since epoch). */
  since: number;
}

export interface OllamaStatus {
  mode: OllamaMode;
  /** The primary server first, then the extra external servers from settings. */
  servers: OllamaServerStatus[];
  bundled: {
    /** An executable was found (resources/ollama/<platform>-<arch>/, settings or HEARTH_OLLAMA_PATH). */
    available: boolean;
    path: string | null;
    modelsDir: string;
    logFile: string;
  };
  /**
   * Which version of the status this is: `seq` grows with every change within one run of the app
   * (`run`). Calls and events travel separately, so a reply can arrive after a newer event; the
   * UI keeps the newest.
   */
  run: string;
  seq: number;
}

export type ModelCapability = 'completion' | 'vision' | 'thinking' | 'tools' | 'embedding' | 'insert';

/** An installed Ollama model with what the model manager shows. */
export interface InstalledModel extends ModelInfo {
  digest?: string;
  contextLength?: number;
  capabilities: ModelCapability[];
  /** Model size against free memory: fits, tight (within 20%), or too big. */
  fits?: 'yes' | 'tight' | 'no';
}

export interface ModelDetails {
  id: string;
  name: string;
  family?: string;
  parameterSize?: string;
  quantization?: string;
  contextLength?: number;
  capabilities: ModelCapability[];
  /** Ollama's `parameters` text (one "name value" per line). */
  parameters: string | null;
  template: string | null;
  system: string | null;
  license: string | null;
  /** Selected model_info entries (architecture, context length, embedding length…). */
  modelInfo: Record<string, string | number | boolean>;
  modifiedAt?: number;
}

export interface RunningModel {
  id: string;
  providerId: string;
  name: string;
  sizeBytes: number;
  vramBytes: number;
  /** When Ollama unloads it (ms since epoch); null if kept loaded indefinitely. */
  expiresAt: number | null;
  contextLength?: number;
}

export interface MachineMemory {
  totalBytes: number;
  freeBytes: number;
}

/** Rows moved by one sync, per kind. */
export type SyncCounts = Partial<Record<'folder' | 'tag' | 'chat' | 'message' | 'chat_tag' | 'attachment', number>>;

export interface SyncRunReport {
  at: number;
  up: SyncCounts;
  down: SyncCounts;
  filesUp: number;
  filesDown: number;
  /** Pulled rows set aside as unreadable (damaged, or from a newer Hearth). */
  rejected: number;
  ms: number;
}

/** Sync with PostgreSQL as Settings → Sync and the indicator show it. */
export interface SyncStatus {
  /** off: not enabled; idle: up to date or waiting for the next run; offline: the server cannot be reached. */
  state: 'off' | 'idle' | 'syncing' | 'offline' | 'error';
  enabled: boolean;
  /** Background runs paused by the user (tray or Settings); Sync now still runs once. */
  paused: boolean;
  /** The connection string with its password hidden, or null when none is set. */
  url: string | null;
  /** DATABASE_URL wins over the one stored in Settings (which is then shown read-only). */
  urlSource: 'env' | 'settings' | null;
  schema: string;
  deviceName: string;
  /** A passphrase is set: everything but ids and versions is encrypted before it leaves the device. */
  encrypted: boolean;
  passphraseSource: 'env' | 'settings' | null;
  /** Attachments above this size are not synced (their row is). */
  maxAttachmentMb: number;
  lastSyncAt: number | null;
  lastError: string | null;
  /** Rows written here and not yet sent. */
  pending: number;
  /** Pulled rows waiting for a row they refer to. */
  waiting: number;
  lastReport: SyncRunReport | null;
  /** True while the LISTEN connection is up: other devices' changes arrive within a second or two. */
  live: boolean;
  /** Grows with every change; the UI keeps the newest. */
  seq: number;
}
