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
}

export interface Folder {
  id: string;
  name: string;
  sort: number;
  chatCount: number;
}

export interface TagCount {
  name: string;
  count: number;
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
  openaiApiKeySet: boolean;
  defaultModel: string | null;
  theme: Theme;
  /** Extra OpenAI-compatible endpoints beyond the one above, each its own provider. */
  openaiEndpoints: { id: string; label: string; baseUrl: string; apiKeySet: boolean }[];
  /** Give a chat a short model-written title after its first answer. */
  autoTitle: boolean;
  /** Which values are fixed by a flag or environment variable and so cannot be edited here. */
  locked: Partial<Record<'ollamaBaseUrl' | 'openaiBaseUrl' | 'openaiApiKey', 'flag' | 'env'>>;
}

export interface AppInfo {
  name: string;
  version: string;
  host: 'electron' | 'serve' | 'cli';
  dataDir: string;
  schemaVersion: number;
}
