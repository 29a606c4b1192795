/** Any OpenAI-compatible endpoint (OpenAI, LM Studio, llama.cpp, vLLM, OpenRouter…) via the `openai` package. */
import OpenAI, { APIError } from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { sniffBase64Image } from '../attachments/file-kind';
import type { ChatParams, ModelInfo } from '../../../shared/types/domain';
import { AppError } from '../../../shared/types/errors';
import {
  isAbortError,
  isConnectionError,
  type ChatRequest,
  type ChatTurn,
  type FetchLike,
  type Provider,
  type StreamChunk,
} from './provider';

/** Per-chat params in OpenAI's terms (top_k, context length and keep-alive have no equivalent). */
export function openAiParams(params: ChatParams | undefined): {
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  seed?: number;
  reasoning_effort?: 'low' | 'medium' | 'high';
} {
  const p = params ?? {};
  const out: ReturnType<typeof openAiParams> = {};
  if (p.temperature !== undefined) out.temperature = p.temperature;
  if (p.topP !== undefined) out.top_p = p.topP;
  if (p.maxTokens !== undefined) out.max_tokens = p.maxTokens;
  if (p.seed !== undefined) out.seed = p.seed;
  if (p.thinking === 'low' || p.thinking === 'medium' || p.thinking === 'high') out.reasoning_effort = p.thinking;
  return out;
}

export interface OpenAiProviderOptions {
  id?: string;
  label?: string;
  baseUrl: string;
  apiKey: string | null;
  /** Set when the stored key could not be decrypted: every request fails with it. */
  keyError?: AppError;
  fetch?: FetchLike;
}

export class OpenAiProvider implements Provider {
  readonly kind = 'openai' as const;
  readonly id: string;
  readonly label: string;
  readonly baseUrl: string;
  private readonly client: OpenAI;
  private readonly keyError?: AppError;

  constructor(options: OpenAiProviderOptions) {
    this.keyError = options.keyError;
    this.id = options.id ?? 'openai';
    this.label = options.label ?? labelFor(options.baseUrl);
    this.baseUrl = options.baseUrl;
    this.client = new OpenAI({
      baseURL: options.baseUrl,
      // Local servers (LM Studio, llama.cpp) need no key, but the package insists on one.
      apiKey: options.apiKey || 'no-key',
      maxRetries: 0,
      timeout: 10 * 60_000,
      fetch: options.fetch,
    });
  }

  async ping(signal?: AbortSignal): Promise<{ version: string | null }> {
    await this.listModels(signal ?? AbortSignal.timeout(5000));
    return { version: null };
  }

  async listModels(signal?: AbortSignal): Promise<ModelInfo[]> {
    if (this.keyError) throw this.keyError;
    try {
      const page = await this.client.models.list({ signal: signal ?? AbortSignal.timeout(10_000) });
      return page.data
        .map((m) => ({
          id: `${this.id}/${m.id}`,
          providerId: this.id,
          providerKind: this.kind,
          providerLabel: this.label,
          name: m.id,
          modifiedAt: typeof m.created === 'number' ? m.created * 1000 : undefined,
        }))
        .sort((a, b) => a.name.localeCompare(b.name));
    } catch (err) {
      throw this.translate(err);
    }
  }

  async *chat(request: ChatRequest): AsyncIterable<StreamChunk> {
    const started = performance.now();
    let firstTokenAt: number | null = null;
    let finishReason: string | undefined;
    let usage: { prompt_tokens?: number; completion_tokens?: number } | undefined;
    if (this.keyError) throw this.keyError;
    try {
      const stream = await this.client.chat.completions.create(
        {
          model: request.model,
          messages: toOpenAiMessages(request.messages),
          stream: true,
          stream_options: { include_usage: true },
          ...openAiParams(request.params),
        },
        { signal: request.signal },
      );
      for await (const chunk of stream) {
        if (chunk.usage) usage = chunk.usage;
        const choice = chunk.choices?.[0];
        if (!choice) continue;
        const delta = choice.delta as { content?: string | null; reasoning_content?: string; reasoning?: string };
        const thinking = delta.reasoning_content ?? delta.reasoning;
        if (thinking) yield { type: 'thinking', text: thinking };
        if (delta.content) {
          firstTokenAt ??= performance.now();
          yield { type: 'content', text: delta.content };
        }
        if (choice.finish_reason) finishReason = choice.finish_reason;
      }
    } catch (err) {
      throw this.translate(err, request.model);
    }
    if (!finishReason) {
      throw new AppError('backend_error', `${this.label} stopped sending before the answer was finished.`);
    }
    const totalMs = performance.now() - started;
    const genMs = firstTokenAt === null ? totalMs : performance.now() - firstTokenAt;
    yield {
      type: 'done',
      stats: {
        promptTokens: usage?.prompt_tokens,
        completionTokens: usage?.completion_tokens,
        ttftMs: firstTokenAt === null ? undefined : Math.round(firstTokenAt - started),
        totalMs: Math.round(totalMs),
        tokensPerSecond:
          usage?.completion_tokens && genMs > 0
            ? Math.round((usage.completion_tokens / genMs) * 1000 * 10) / 10
            : undefined,
        finishReason,
      },
    };
  }

  async complete(request: ChatRequest): Promise<string> {
    if (this.keyError) throw this.keyError;
    try {
      const res = await this.client.chat.completions.create(
        {
          model: request.model,
          messages: toOpenAiMessages(request.messages),
          stream: false,
          ...openAiParams(request.params),
        },
        { signal: request.signal },
      );
      return res.choices?.[0]?.message?.content ?? '';
    } catch (err) {
      throw this.translate(err, request.model);
    }
  }

  translate(err: unknown, model?: string): Error {
    if (err instanceof AppError) return err;
    if (isAbortError(err)) return new AppError('aborted', 'Stopped.');
    if (err instanceof APIError && err.status !== undefined) {
      const detail = err.message.replace(/^\d{3}\s*/, '');
      if (err.status === 401 || err.status === 403) {
        return new AppError(
          'unauthorized',
          `${this.label} refused the API key (HTTP ${err.status}). Check the key in Settings (or OPENAI_API_KEY).`,
        );
      }
      if (err.status === 404 && model) {
        return new AppError('model_not_found', `${this.label} has no model "${model}": ${detail}`);
      }
      return new AppError('backend_error', `${this.label} answered HTTP ${err.status}: ${detail}`);
    }
    if (isConnectionError(err) || (err as Error)?.name === 'APIConnectionError') {
      return new AppError(
        'backend_unreachable',
        `Can't reach ${this.label} at ${this.baseUrl}. Check the address in Settings (or OPENAI_API_BASE_URL) and your connection.`,
      );
    }
    return new AppError('backend_error', `${this.label}: ${(err as Error)?.message ?? String(err)}`);
  }
}

function labelFor(baseUrl: string): string {
  try {
    const host = new URL(baseUrl).hostname;
    if (host === 'api.openai.com') return 'OpenAI';
    return `OpenAI-compatible (${host})`;
  } catch {
    return 'OpenAI-compatible';
  }
}

/** Turns as OpenAI messages; a user turn with images becomes content parts with data: URLs. */
function toOpenAiMessages(turns: ChatTurn[]): ChatCompletionMessageParam[] {
  return turns.map((t): ChatCompletionMessageParam => {
    if (t.role !== 'user' || !t.images?.length) return { role: t.role, content: t.content };
    return {
      role: 'user',
      content: [
        { type: 'text', text: t.content },
        ...t.images.map((b64) => ({
          type: 'image_url' as const,
          image_url: { url: `data:${sniffBase64Image(b64) ?? 'image/png'};base64,${b64}` },
        })),
      ],
    };
  });
}
