/** One streaming interface over every backend (Ollama, OpenAI-compatible). */
import type { ChatParams, GenerationStats, ModelInfo, ProviderKind } from '../../../shared/types/domain';

export interface ChatTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
  /** Attached images as base64 (no data: prefix), for vision models. */
  images?: string[];
}

export interface ChatRequest {
  model: string;
  messages: ChatTurn[];
  signal: AbortSignal;
  /** Per-chat parameters (temperature, context length, thinking…); unset fields use the model's defaults. */
  params?: ChatParams;
}

/** Progress of an Ollama model download, as Ollama reports it. */
export interface PullProgress {
  status: string;
  digest?: string;
  completed?: number;
  total?: number;
}

export type StreamChunk =
  { type: 'content'; text: string } | { type: 'thinking'; text: string } | { type: 'done'; stats: GenerationStats };

export interface Provider {
  readonly id: string;
  readonly kind: ProviderKind;
  readonly label: string;
  readonly baseUrl: string;
  listModels(signal?: AbortSignal): Promise<ModelInfo[]>;
  chat(request: ChatRequest): AsyncIterable<StreamChunk>;
  /** One answer, not streamed (titles and other small jobs). */
  complete(request: ChatRequest): Promise<string>;
  /** The model's context window in tokens when the backend reports it (cached per model), else null. */
  contextLength?(model: string, signal?: AbortSignal): Promise<number | null>;
  /** Download a model (Ollama), reporting progress; resolves when it is installed. */
  pull?(model: string, onProgress: (p: PullProgress) => void, signal?: AbortSignal): Promise<void>;
  /** Cheap reachability check; resolves with a version string when the backend reports one. */
  ping(signal?: AbortSignal): Promise<{ version: string | null }>;
}

export type FetchLike = typeof fetch;

/** Split `provider/model` (the model part may itself contain slashes); lives in shared/model-id.ts. */
export { splitModelId } from '../../../shared/model-id';

/** Is this error the kind fetch throws when nothing answers at the address? */
export function isConnectionError(err: unknown): boolean {
  const seen = new Set<unknown>();
  let e: unknown = err;
  while (e && typeof e === 'object' && !seen.has(e)) {
    seen.add(e);
    const code = (e as { code?: string }).code;
    if (
      code &&
      [
        'ECONNREFUSED',
        'ECONNRESET',
        'ENOTFOUND',
        'EHOSTUNREACH',
        'ETIMEDOUT',
        'EAI_AGAIN',
        'UND_ERR_SOCKET',
        'UND_ERR_CONNECT_TIMEOUT',
      ].includes(code)
    )
      return true;
    const msg = (e as { message?: string }).message ?? '';
    if (/fetch failed|ECONNREFUSED|socket hang up|other side closed|terminated/i.test(msg)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

export function isAbortError(err: unknown): boolean {
  const name = (err as { name?: string })?.name;
  return name === 'AbortError' || name === 'APIUserAbortError';
}
