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

export interface Chat {
  id: string;
  title: string;
  model: string | null;
  createdAt: number;
  updatedAt: number;
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
