/**
 * A test server for OpenAI-compatible endpoints, faithful to OpenAI's wire format:
 * `GET /v1/models`, `POST /v1/chat/completions` (JSON, or SSE `data: {chat.completion.chunk}` lines
 * ending with a usage chunk when `stream_options.include_usage` and `data: [DONE]`), 401 with
 * OpenAI's `invalid_api_key` error body for a wrong key, 404 `model_not_found`, reasoning deltas
 * (`reasoning_content`, as DeepSeek and vLLM send them) and a steerable mid-stream failure.
 * Tests steer it through `behavior`. Loopback only.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback, readBody, sleep } from './http-util';

export interface OpenAiRequestBody {
  model?: string;
  messages?: { role: string; content: string }[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  seed?: number;
  reasoning_effort?: string;
}

export interface FakeOpenAiBehavior {
  tokenDelayMs: number;
  reply(body: OpenAiRequestBody): string;
  /** Reasoning streamed as delta.reasoning_content before the answer; null = none. */
  reasoning(body: OpenAiRequestBody): string | null;
  /** After this many content chunks: 'drop' destroys the connection, 'error' sends an SSE error event. */
  failAfterChunks: number | null;
  failKind: 'drop' | 'error';
}

export interface FakeOpenAi {
  url: string;
  /** The base URL a client is configured with (…/v1). */
  baseUrl: string;
  apiKey: string;
  models: string[];
  behavior: FakeOpenAiBehavior;
  /** Every /v1/chat/completions body that passed authentication, in order. */
  requests: OpenAiRequestBody[];
  /** The Authorization header of every request, in order. */
  authHeaders: (string | undefined)[];
  reset(): void;
  close(): Promise<void>;
}

export function defaultOpenAiReply(body: OpenAiRequestBody): string {
  const last = [...(body.messages ?? [])].reverse().find((m) => m.role === 'user');
  return `OpenAI-compatible ${body.model} says: you asked "${last?.content ?? ''}".`;
}

/** Split roughly like a tokenizer: words with their leading space. */
export function openAiChunks(text: string): string[] {
  return text.match(/\s*\S{1,6}|\s+$/g) ?? [text];
}

export async function startFakeOpenAi(
  options: { apiKey?: string; models?: string[]; port?: number } = {},
): Promise<FakeOpenAi> {
  const defaults = (): FakeOpenAiBehavior => ({
    tokenDelayMs: 5,
    reply: defaultOpenAiReply,
    reasoning: () => null,
    failAfterChunks: null,
    failKind: 'drop',
  });
  const fake: FakeOpenAi = {
    url: '',
    baseUrl: '',
    apiKey: options.apiKey ?? 'sk-test-fake-0123456789',
    models: options.models ?? ['gpt-4o-mini', 'gpt-4.1'],
    behavior: defaults(),
    requests: [],
    authHeaders: [],
    reset() {
      fake.behavior = defaults();
      fake.requests.length = 0;
      fake.authHeaders.length = 0;
    },
    close: () => listening.close(),
  };

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, message: string, type: string, code: string | null) =>
    json(res, status, { error: { message, type, param: null, code } });

  const server = createServer((req, res) => {
    void route(req, res).catch(() => {
      if (!res.headersSent)
        error(res, 500, 'The server had an error while processing your request.', 'server_error', null);
      else res.destroy();
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const auth = req.headers.authorization;
    fake.authHeaders.push(auth);
    const given = auth?.replace(/^Bearer\s+/i, '') ?? '';
    if (given !== fake.apiKey) {
      const shown = given ? `${given.slice(0, 6)}${'*'.repeat(Math.max(0, given.length - 10))}${given.slice(-4)}` : '';
      return error(
        res,
        401,
        given
          ? `Incorrect API key provided: ${shown}. You can find your API key at https://platform.openai.com/account/api-keys.`
          : "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
        'invalid_request_error',
        given ? 'invalid_api_key' : null,
      );
    }
    if (req.method === 'GET' && path === '/v1/models') {
      return json(res, 200, {
        object: 'list',
        data: fake.models.map((id, i) => ({ id, object: 'model', created: 1_715_367_049 + i, owned_by: 'system' })),
      });
    }
    if (req.method === 'POST' && path === '/v1/chat/completions') return completions(req, res);
    return error(res, 404, `Invalid URL (${req.method} ${path})`, 'invalid_request_error', null);
  }

  async function completions(req: IncomingMessage, res: ServerResponse) {
    let body: OpenAiRequestBody;
    try {
      body = JSON.parse(await readBody(req)) as OpenAiRequestBody;
    } catch {
      return error(
        res,
        400,
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly.)",
        'invalid_request_error',
        null,
      );
    }
    fake.requests.push(body);
    if (!body.model || !fake.models.includes(body.model)) {
      return error(
        res,
        404,
        `The model \`${body.model}\` does not exist or you do not have access to it.`,
        'invalid_request_error',
        'model_not_found',
      );
    }
    const b = fake.behavior;
    const id = `chatcmpl-${Math.random().toString(36).slice(2, 14)}`;
    const created = Math.floor(Date.now() / 1000);
    const text = b.reply(body);
    const chunks = openAiChunks(text);
    const reasoning = b.reasoning(body);
    const usage = {
      prompt_tokens: JSON.stringify(body.messages ?? []).length >> 2,
      completion_tokens: chunks.length,
      total_tokens: (JSON.stringify(body.messages ?? []).length >> 2) + chunks.length,
    };
    if (!body.stream) {
      return json(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model: body.model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: text, refusal: null },
            logprobs: null,
            finish_reason: 'stop',
          },
        ],
        usage,
        system_fingerprint: 'fp_fake',
      });
    }
    const includeUsage = body.stream_options?.include_usage === true;
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache' });
    let closed = false;
    res.on('close', () => (closed = true));
    const send = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      res.write(
        `data: ${JSON.stringify({
          id,
          object: 'chat.completion.chunk',
          created,
          model: body.model,
          system_fingerprint: 'fp_fake',
          choices,
          ...(includeUsage ? { usage: null } : {}),
          ...extra,
        })}\n\n`,
      );
    const delta = (d: Record<string, unknown>, finish: string | null = null) => [
      { index: 0, delta: d, logprobs: null, finish_reason: finish },
    ];
    send(delta({ role: 'assistant', content: '', refusal: null }));
    for (const r of reasoning ? openAiChunks(reasoning) : []) {
      if (closed) return;
      send(delta({ reasoning_content: r }));
      if (b.tokenDelayMs) await sleep(b.tokenDelayMs);
    }
    for (let i = 0; i < chunks.length; i++) {
      if (closed) return;
      if (b.failAfterChunks !== null && i === b.failAfterChunks) {
        if (b.failKind === 'drop') {
          res.destroy();
        } else {
          res.end(
            `data: ${JSON.stringify({ error: { message: 'The server had an error while processing your request.', type: 'server_error', param: null, code: null } })}\n\n`,
          );
        }
        return;
      }
      send(delta({ content: chunks[i] }));
      if (b.tokenDelayMs) await sleep(b.tokenDelayMs);
    }
    if (closed) return;
    send(delta({}, 'stop'));
    if (includeUsage) send([], { usage });
    res.end('data: [DONE]\n\n');
  }

  const listening = await listenOnLoopback(server, options.port);
  fake.url = `http://127.0.0.1:${listening.port}`;
  fake.baseUrl = `${fake.url}/v1`;
  return fake;
}
