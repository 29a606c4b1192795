/** Ollama through the official `ollama` package, pointed at a configurable host. */
import { Ollama, type ChatRequest as OllamaChatRequest, type ChatResponse, type ModelResponse } from 'ollama';
import type { ChatParams, ModelInfo } from '../../../shared/types/domain';
import { AppError } from '../../../shared/types/errors';
import {
  isAbortError,
  isConnectionError,
  type ChatRequest,
  type FetchLike,
  type Provider,
  type PullProgress,
  type StreamChunk,
} from './provider';
import { postStreamed, type StreamedAnswer } from './http-stream';

/** Per-chat params in Ollama's terms: `options`, `keep_alive` and `think`. */
export function ollamaParams(
  params: ChatParams | undefined,
): Pick<OllamaChatRequest, 'options' | 'keep_alive' | 'think'> {
  const p = params ?? {};
  const options: Record<string, number> = {};
  if (p.temperature !== undefined) options.temperature = p.temperature;
  if (p.topP !== undefined) options.top_p = p.topP;
  if (p.topK !== undefined) options.top_k = p.topK;
  if (p.contextLength !== undefined) options.num_ctx = p.contextLength;
  if (p.maxTokens !== undefined) options.num_predict = p.maxTokens;
  if (p.seed !== undefined) options.seed = p.seed;
  const out: Pick<OllamaChatRequest, 'options' | 'keep_alive' | 'think'> = {};
  if (Object.keys(options).length) out.options = options;
  if (p.keepAlive !== undefined)
    out.keep_alive = /^-?\d+(\.\d+)?$/.test(p.keepAlive) ? Number(p.keepAlive) : p.keepAlive;
  if (p.thinking === 'on') out.think = true;
  else if (p.thinking === 'off') out.think = false;
  else if (p.thinking) out.think = p.thinking;
  return out;
}

/** A model as /api/tags lists it. */
export interface OllamaTag {
  name: string;
  model?: string;
  modified_at?: string;
  size: number;
  digest?: string;
  details?: { family?: string; parameter_size?: string; quantization_level?: string };
}

/** /api/show's answer (fields missing on older servers are optional). */
export interface OllamaShow {
  license?: string;
  modelfile?: string;
  parameters?: string;
  template?: string;
  system?: string;
  details?: { family?: string; parameter_size?: string; quantization_level?: string };
  model_info?: Record<string, unknown>;
  projector_info?: Record<string, unknown>;
  capabilities?: string[];
  modified_at?: string;
}

/** A model in memory, as /api/ps lists it. */
export interface OllamaRunning {
  name: string;
  model?: string;
  size: number;
  size_vram?: number;
  digest?: string;
  expires_at?: string;
  context_length?: number;
}

/**
 * A failed pull in plain words: what happened and what to do. Ollama keeps what was downloaded, so
 * the advice for a broken download is to pull again.
 */
export function pullError(model: string, message: string, baseUrl: string): AppError {
  if (/file does not exist|manifest unknown|not found/i.test(message) && /manifest|model/i.test(message)) {
    return new AppError(
      'model_not_found',
      `Ollama has no model called "${model}"; check the name on ollama.com/library (for example llama3.2:3b).`,
    );
  }
  if (/no space left on device|disk full|not enough space/i.test(message)) {
    return new AppError(
      'backend_error',
      `The disk is full: Ollama at ${baseUrl} could not save "${model}". Free some space (or move Ollama's models folder), then pull again; it resumes where it stopped.`,
    );
  }
  if (
    /max retries exceeded|dial tcp|no such host|connection reset|connection refused|i\/o timeout|TLS handshake|network is unreachable|unexpected EOF/i.test(
      message,
    )
  ) {
    return new AppError(
      'backend_error',
      `The download of "${model}" broke off: Ollama at ${baseUrl} lost its connection to the model registry. Check that machine's internet connection, then pull again; it resumes where it stopped.`,
    );
  }
  if (/invalid model name/i.test(message)) {
    return new AppError(
      'invalid_input',
      `"${model}" is not a valid model name; names look like llama3.2 or qwen2.5:7b.`,
    );
  }
  return new AppError('backend_error', `Ollama could not pull "${model}": ${message}`);
}

export interface OllamaProviderOptions {
  id?: string;
  label?: string;
  baseUrl: string;
  fetch?: FetchLike;
}

const NS_PER_MS = 1e6;

/** A non-2xx answer as the ollama package reports it: Ollama's `{"error": …}` message and the status. */
async function responseError(res: StreamedAnswer): Promise<Error & { status_code: number }> {
  let message = `Error ${res.status}: ${res.statusText}`;
  try {
    const body = await res.text();
    try {
      const parsed = JSON.parse(body) as { error?: unknown };
      if (parsed.error !== undefined) message = String(parsed.error);
    } catch {
      if (body) message = body;
    }
  } catch {
    // The body could not be read: the status line says enough.
  }
  return Object.assign(new Error(message), { status_code: res.status });
}

const TOKEN_HEAD = '"message":{"role":"assistant","content":';
const TOKEN_TAIL = '},"done":false}';

/**
 * The text of a plain token line, read without parsing the whole line, or null for any other line
 * (which is then parsed in full). Ollama writes each token as
 * `{"model":…,"created_at":…,"message":{"role":"assistant","content":"…"},"done":false}`; a fast
 * backend sends tens of thousands a second, and a full parse of each (and collecting the objects it
 * makes) was most of Hearth's work on such a stream. Only a line that ends this way and whose
 * content is one complete JSON string qualifies: reasoning, images or tool calls add fields after
 * the content, and such lines take the full parse.
 */
export function tokenContent(line: string): string | null {
  if (!line.endsWith(TOKEN_TAIL)) return null;
  const at = line.indexOf(TOKEN_HEAD);
  if (at < 0) return null;
  const start = at + TOKEN_HEAD.length;
  const end = line.length - TOKEN_TAIL.length - 1; // the closing quote
  if (end <= start || line.charCodeAt(start) !== 34 || line.charCodeAt(end) !== 34) return null;
  let i = start + 1;
  let escapes = false;
  for (; i < end; i++) {
    const c = line.charCodeAt(i);
    if (c === 92) {
      escapes = true;
      i++; // an escape: the next character is part of it
    } else if (c === 34)
      return null; // a quote ends the string early: more fields follow
    else if (c < 32) return null; // a raw control character: not valid JSON
  }
  if (i !== end) return null; // the closing quote was escaped
  if (!escapes) return line.slice(start + 1, end);
  try {
    return JSON.parse(line.slice(start, end + 1)) as string;
  } catch {
    return null;
  }
}

export class OllamaProvider implements Provider {
  readonly kind = 'ollama' as const;
  readonly id: string;
  readonly label: string;
  readonly baseUrl: string;
  private readonly fetchImpl: FetchLike;
  /** Only when injected (tests): chat streams then go through it instead of node:http. */
  private readonly injectedFetch: FetchLike | undefined;
  private readonly contextLengths = new Map<string, number | null>();

  constructor(options: OllamaProviderOptions) {
    this.id = options.id ?? 'ollama';
    this.label = options.label ?? 'Ollama';
    this.baseUrl = options.baseUrl;
    this.fetchImpl = options.fetch ?? fetch;
    this.injectedFetch = options.fetch;
  }

  /** A client whose every request also ends when `signal` aborts (the package has no signal option). */
  private client(signal?: AbortSignal): Ollama {
    const base = this.fetchImpl;
    const f: FetchLike = (input, init) => {
      const signals = [init?.signal, signal].filter((s): s is AbortSignal => !!s);
      return base(input, { ...init, signal: signals.length ? AbortSignal.any(signals) : undefined });
    };
    return new Ollama({ host: this.baseUrl, fetch: f });
  }

  async ping(signal?: AbortSignal): Promise<{ version: string | null }> {
    try {
      const res = await this.client(signal ?? AbortSignal.timeout(5000)).version();
      return { version: res.version ?? null };
    } catch (err) {
      throw this.translate(err);
    }
  }

  async listModels(signal?: AbortSignal): Promise<ModelInfo[]> {
    let models: ModelResponse[];
    try {
      models = (await this.client(signal ?? AbortSignal.timeout(10_000)).list()).models ?? [];
    } catch (err) {
      throw this.translate(err);
    }
    return models.map((m) => ({
      id: `${this.id}/${m.name}`,
      providerId: this.id,
      providerKind: this.kind,
      providerLabel: this.label,
      name: m.name,
      sizeBytes: m.size,
      family: m.details?.family,
      parameterSize: m.details?.parameter_size,
      quantization: m.details?.quantization_level,
      modifiedAt: m.modified_at ? new Date(m.modified_at).getTime() : undefined,
    }));
  }

  /**
   * POST /api/chat with `stream: true`, read as NDJSON here rather than through the package's
   * iterator: a fast backend sends thousands of lines per network read, and the package hands them
   * on one at a time through three async generators (about half of Hearth's work per token). Here
   * the text of all lines in one read goes on as one chunk. Same wire rules as the package: an
   * `{"error": …}` line (HTTP 200 already sent) ends the stream with that message, after the text
   * before it; a stream that ends without `done` is an error; a line that is not JSON is skipped.
   */
  async *chat(request: ChatRequest): AsyncIterable<StreamChunk> {
    const started = performance.now();
    let firstTokenAt: number | null = null;
    let res: StreamedAnswer;
    try {
      res = await postStreamed(
        `${this.baseUrl.replace(/\/+$/, '')}/api/chat`,
        JSON.stringify({
          model: request.model,
          messages: request.messages,
          stream: true,
          ...ollamaParams(request.params),
        }),
        {
          headers: { 'Content-Type': 'application/json', Accept: 'application/x-ndjson' },
          signal: request.signal,
          fetch: this.injectedFetch,
        },
      );
      if (res.status < 200 || res.status > 299) throw await responseError(res);
    } catch (err) {
      throw this.translate(err, request.model);
    }
    let buffer = '';
    try {
      for (;;) {
        const { done, text: arrived } = await res.read();
        buffer += arrived;
        const lines = buffer.split('\n');
        buffer = done ? '' : (lines.pop() ?? '');
        let thinking = '';
        let text = '';
        for (const line of lines) {
          const token = tokenContent(line);
          if (token !== null) {
            if (token) {
              firstTokenAt ??= performance.now();
              text += token;
            }
            continue;
          }
          if (!line.trim()) continue;
          let part: ChatResponse & { error?: string };
          try {
            part = JSON.parse(line) as ChatResponse & { error?: string };
          } catch {
            continue;
          }
          if (part.error !== undefined) {
            if (thinking) yield { type: 'thinking', text: thinking };
            if (text) yield { type: 'content', text };
            // Ollama's own words after its HTTP 200 (not a cut connection, whatever they say).
            throw Object.assign(new Error(String(part.error)), { status_code: 200 });
          }
          if (part.message?.thinking) thinking += part.message.thinking;
          if (part.message?.content) {
            firstTokenAt ??= performance.now();
            text += part.message.content;
          }
          if (part.done) {
            if (thinking) yield { type: 'thinking', text: thinking };
            if (text) yield { type: 'content', text };
            const evalMs = part.eval_duration ? part.eval_duration / NS_PER_MS : undefined;
            yield {
              type: 'done',
              stats: {
                promptTokens: part.prompt_eval_count,
                completionTokens: part.eval_count,
                ttftMs: firstTokenAt === null ? undefined : Math.round(firstTokenAt - started),
                totalMs: part.total_duration
                  ? Math.round(part.total_duration / NS_PER_MS)
                  : Math.round(performance.now() - started),
                tokensPerSecond:
                  evalMs && part.eval_count ? Math.round((part.eval_count / evalMs) * 1000 * 10) / 10 : undefined,
                finishReason: part.done_reason,
              },
            };
            return;
          }
        }
        if (thinking) yield { type: 'thinking', text: thinking };
        if (text) yield { type: 'content', text };
        if (done) throw new Error('Did not receive done or success response in stream.');
      }
    } catch (err) {
      // The answer had started, so a cut connection is a broken stream, not an unreachable server.
      const fromOllama = (err as { status_code?: number }).status_code !== undefined;
      if (!fromOllama && !isAbortError(err) && isConnectionError(err)) {
        throw new AppError('backend_error', 'Ollama closed the connection before the answer was finished.');
      }
      throw this.translate(err, request.model);
    } finally {
      // Done, or stopped early (Stop, an error above, the consumer gone): release the connection.
      res.close();
    }
  }

  async complete(request: ChatRequest): Promise<string> {
    try {
      const res = await this.client(request.signal).chat({
        model: request.model,
        messages: request.messages,
        stream: false,
        ...ollamaParams(request.params),
      });
      return res.message?.content ?? '';
    } catch (err) {
      throw this.translate(err, request.model);
    }
  }

  /** From /api/show: `model_info["<family>.context_length"]`, cached per model (also when unknown). */
  async contextLength(model: string, signal?: AbortSignal): Promise<number | null> {
    if (this.contextLengths.has(model)) return this.contextLengths.get(model)!;
    let found: number | null = null;
    try {
      const show = await this.client(signal ?? AbortSignal.timeout(3000)).show({ model });
      const info = (show.model_info ?? {}) as unknown as Record<string, unknown>;
      const family = typeof info['general.architecture'] === 'string' ? info['general.architecture'] : undefined;
      const key =
        (family && `${family}.context_length` in info && `${family}.context_length`) ||
        Object.keys(info).find((k) => k.endsWith('.context_length'));
      const n = key ? Number(info[key]) : NaN;
      found = Number.isFinite(n) && n > 0 ? n : null;
    } catch {
      // Not known (an old Ollama, a missing model): the caller falls back to a safe default.
      return null;
    }
    this.contextLengths.set(model, found);
    return found;
  }

  async pull(model: string, onProgress: (p: PullProgress) => void, signal?: AbortSignal): Promise<void> {
    try {
      const stream = await this.client(signal).pull({ model, stream: true });
      for await (const part of stream) {
        onProgress({
          status: part.status,
          digest: part.digest || undefined,
          completed: part.completed ?? undefined,
          total: part.total ?? undefined,
        });
      }
    } catch (err) {
      if (isAbortError(err) || signal?.aborted) throw new AppError('aborted', 'Stopped.');
      const status = (err as { status_code?: number }).status_code;
      const message = (err as Error)?.message ?? String(err);
      if (/Did not receive done|terminated|other side closed/i.test(message)) {
        throw new AppError(
          'backend_error',
          `Ollama at ${this.baseUrl} stopped answering before "${model}" was downloaded. If it is running again, pull again; it resumes where it stopped.`,
        );
      }
      if (status === undefined && isConnectionError(err)) throw this.translate(err);
      throw pullError(model, message, this.baseUrl);
    }
    this.contextLengths.delete(model);
  }

  /** GET /api/tags as Ollama answers it (digest and details included). */
  async tags(signal?: AbortSignal): Promise<OllamaTag[]> {
    try {
      const res = (await this.client(signal ?? AbortSignal.timeout(10_000)).list()) as unknown as {
        models?: OllamaTag[];
      };
      return res.models ?? [];
    } catch (err) {
      throw this.translate(err);
    }
  }

  /** POST /api/show; an unknown model is a not_found error. */
  async show(model: string, signal?: AbortSignal): Promise<OllamaShow> {
    try {
      return (await this.client(signal ?? AbortSignal.timeout(10_000)).show({ model })) as unknown as OllamaShow;
    } catch (err) {
      throw this.notFound(err, model, '') ?? this.translate(err, model);
    }
  }

  /** DELETE /api/delete; an unknown model is a not_found error. */
  async deleteModel(model: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.client(signal ?? AbortSignal.timeout(30_000)).delete({ model });
    } catch (err) {
      throw this.notFound(err, model, ', so there was nothing to delete') ?? this.translate(err, model);
    }
    this.contextLengths.delete(model);
  }

  /** GET /api/ps: the models in memory. */
  async running(signal?: AbortSignal): Promise<OllamaRunning[]> {
    try {
      const res = (await this.client(signal ?? AbortSignal.timeout(10_000)).ps()) as unknown as {
        models?: OllamaRunning[];
      };
      return res.models ?? [];
    } catch (err) {
      throw this.translate(err);
    }
  }

  /** Unload a model from memory: a generate request with no prompt and keep_alive 0, as Ollama documents. */
  async unload(model: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.client(signal ?? AbortSignal.timeout(30_000)).generate({
        model,
        prompt: '',
        keep_alive: 0,
        stream: false,
      });
    } catch (err) {
      throw this.notFound(err, model, '') ?? this.translate(err, model);
    }
  }

  private notFound(err: unknown, model: string, consequence: string): AppError | null {
    const status = (err as { status_code?: number }).status_code;
    if (status !== 404) return null;
    return new AppError('not_found', `Ollama at ${this.baseUrl} has no model called "${model}"${consequence}.`);
  }

  translate(err: unknown, model?: string): Error {
    if (err instanceof AppError) return err;
    if (isAbortError(err) || (err as Error)?.name === 'TimeoutError') {
      if ((err as Error)?.name === 'TimeoutError')
        return new AppError('backend_unreachable', `Ollama at ${this.baseUrl} did not answer in time.`);
      return new AppError('aborted', 'Stopped.');
    }
    const status = (err as { status_code?: number }).status_code;
    const message = (err as Error)?.message ?? String(err);
    // An HTTP status means Ollama answered; its message may still say "terminated" (a crashed runner).
    if (status === undefined && isConnectionError(err)) {
      return new AppError(
        'backend_unreachable',
        `Can't reach Ollama at ${this.baseUrl}. Is it running? Start it with "ollama serve", or set its address in Settings (or OLLAMA_BASE_URL).`,
      );
    }
    if (status === 404 || /not found/i.test(message)) {
      const name = model ?? 'that model';
      return new AppError(
        'model_not_found',
        `Model "${name}" is not installed in Ollama at ${this.baseUrl}. Pull it with "ollama pull ${name}" or pick another model.`,
      );
    }
    if (/Did not receive done/i.test(message)) {
      return new AppError('backend_error', 'Ollama stopped sending before the answer was finished.');
    }
    if (status === 401 || status === 403) {
      return new AppError('unauthorized', `Ollama at ${this.baseUrl} refused the request (HTTP ${status}).`);
    }
    return new AppError('backend_error', `Ollama: ${message}`);
  }
}
