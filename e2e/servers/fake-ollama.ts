/**
 * A test server that speaks Ollama's HTTP API as documented (docs/api.md): `GET /`, `/api/version`,
 * `/api/tags`, and `POST /api/chat` streaming NDJSON with a final stats chunk (durations in ns),
 * `{"error": …}` bodies with the documented status codes, and an `{"error": …}` line mid-stream with
 * HTTP 200. Tests steer it through `behavior`. Loopback only.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback, readBody, sleep } from './http-util';

export interface FakeModel {
  name: string;
  size: number;
  family: string;
  parameterSize: string;
  quantization: string;
  /** Reported by /api/show as model_info["<family>.context_length"]. */
  contextLength?: number;
}

export interface ChatRequestBody {
  model?: string;
  messages?: { role: string; content: string }[];
  stream?: boolean;
  options?: Record<string, unknown>;
  keep_alive?: string | number;
  think?: boolean | string;
}

export interface FakeOllamaBehavior {
  /** Delay between streamed chunks. */
  tokenDelayMs: number;
  /** Delay before the response headers (model load time). */
  loadDelayMs: number;
  /** The answer for a request, split into chunks by `chunk`. */
  reply(body: ChatRequestBody): string;
  /** After this many chunks, send `{"error": errorMessage}` and end (HTTP 200 already sent). */
  errorAfterChunks: number | null;
  errorMessage: string;
  /** After this many chunks, destroy the connection without a final chunk. */
  dropAfterChunks: number | null;
  /** Answer every request with HTTP 500 (a crashed runner). */
  fail500: boolean;
  /** Reasoning streamed as message.thinking before the answer (thinking models); null = none. */
  thinking(body: ChatRequestBody): string | null;
  /** The reply to a title request (last user message starts with "Write a title"). */
  titleReply(body: ChatRequestBody): string;
  /** Delay between /api/pull progress lines. */
  pullDelayMs: number;
}

/** A title request from Hearth's auto-title: its last user message starts with this. */
export const TITLE_REQUEST_PREFIX = 'Write a title';

export function isTitleRequest(body: ChatRequestBody): boolean {
  const last = body.messages?.at(-1);
  return last?.role === 'user' && last.content.startsWith(TITLE_REQUEST_PREFIX);
}

/** By default the title repeats the first question, wrapped the way models do, so chats keep their names. */
export function defaultTitleReply(body: ChatRequestBody): string {
  const first = body.messages?.find((m) => m.role === 'user')?.content ?? '';
  return `Title: "${first.replace(/\s+/g, ' ').trim()}"`;
}

export const DEFAULT_MODELS: FakeModel[] = [
  { name: 'llama3.2:1b', size: 1_321_098_329, family: 'llama', parameterSize: '1.2B', quantization: 'Q8_0' },
  { name: 'qwen2.5:0.5b', size: 397_821_319, family: 'qwen2', parameterSize: '494.03M', quantization: 'Q4_K_M' },
];

export function defaultReply(body: ChatRequestBody): string {
  const last = [...(body.messages ?? [])].reverse().find((m) => m.role === 'user');
  const turns = (body.messages ?? []).filter((m) => m.role === 'user').length;
  return `You said: ${last?.content ?? ''}. This is answer number ${turns} from ${body.model}.`;
}

/** Split like a tokenizer roughly would: words with their leading space, long words in pieces. */
export function chunkText(text: string): string[] {
  const parts = text.match(/\s*\S{1,6}|\s+$/g) ?? [];
  return parts.length ? parts : [text];
}

export interface FakeOllama {
  url: string;
  port: number;
  models: FakeModel[];
  behavior: FakeOllamaBehavior;
  /** Every /api/chat request body received, in order. */
  requests: ChatRequestBody[];
  /** Auto-title requests (kept apart from `requests` so tests counting chat turns are not disturbed). */
  titleRequests: ChatRequestBody[];
  /** Every /api/pull request body. */
  pulls: { model?: string; name?: string }[];
  /** Chat streams currently open. */
  openStreams(): number;
  reset(): void;
  close(): Promise<void>;
}

const NS = 1_000_000;

export async function startFakeOllama(options: { port?: number; models?: FakeModel[] } = {}): Promise<FakeOllama> {
  const defaults = (): FakeOllamaBehavior => ({
    tokenDelayMs: 5,
    loadDelayMs: 0,
    reply: defaultReply,
    errorAfterChunks: null,
    errorMessage: 'an error was encountered while running the model: unexpected EOF',
    dropAfterChunks: null,
    fail500: false,
    thinking: () => null,
    titleReply: defaultTitleReply,
    pullDelayMs: 20,
  });
  let streams = 0;
  const fake: FakeOllama = {
    url: '',
    port: 0,
    models: options.models ?? [...DEFAULT_MODELS],
    behavior: defaults(),
    requests: [],
    titleRequests: [],
    pulls: [],
    openStreams: () => streams,
    reset() {
      fake.behavior = defaults();
      fake.requests.length = 0;
      fake.titleRequests.length = 0;
      fake.pulls.length = 0;
      fake.models = options.models ?? [...DEFAULT_MODELS];
    },
    close: () => listening.close(),
  };

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };

  const server = createServer((req, res) => {
    void route(req, res).catch(() => {
      if (!res.headersSent) json(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'GET' && path === '/') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Ollama is running');
      return;
    }
    if (req.method === 'GET' && path === '/api/version') return json(res, 200, { version: '0.12.6' });
    if (req.method === 'GET' && path === '/api/tags') {
      return json(res, 200, {
        models: fake.models.map((m, i) => ({
          name: m.name,
          model: m.name,
          modified_at: new Date(Date.UTC(2025, 0, 10 + i)).toISOString(),
          size: m.size,
          digest: `${(i + 1).toString(16).padStart(2, '0')}${'ab'.repeat(31)}`,
          details: {
            parent_model: '',
            format: 'gguf',
            family: m.family,
            families: [m.family],
            parameter_size: m.parameterSize,
            quantization_level: m.quantization,
          },
        })),
      });
    }
    if (req.method === 'POST' && path === '/api/chat') return chat(req, res);
    if (req.method === 'POST' && path === '/api/show') return show(req, res);
    if (req.method === 'POST' && path === '/api/pull') return pull(req, res);
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('404 page not found');
  }

  async function chat(req: IncomingMessage, res: ServerResponse) {
    let body: ChatRequestBody;
    try {
      body = JSON.parse(await readBody(req)) as ChatRequestBody;
    } catch {
      return json(res, 400, { error: 'invalid character looking for beginning of value' });
    }
    const title = isTitleRequest(body);
    (title ? fake.titleRequests : fake.requests).push(body);
    const b = fake.behavior;
    if (!body.model) return json(res, 400, { error: 'model is required' });
    if (!fake.models.some((m) => m.name === body.model || m.name === `${body.model}:latest`)) {
      return json(res, 404, { error: `model "${body.model}" not found, try pulling it first` });
    }
    if (b.fail500) return json(res, 500, { error: 'llama runner process has terminated: exit status 2' });
    const started = process.hrtime.bigint();
    if (b.loadDelayMs) await sleep(b.loadDelayMs);
    const chunks = chunkText(title ? b.titleReply(body) : b.reply(body));
    const thought = title || body.think === false ? null : b.thinking(body);
    const thoughts = thought ? chunkText(thought) : [];
    const promptTokens = JSON.stringify(body.messages ?? []).length >> 2;
    const base = { model: body.model };
    const final = (evalNs: number) => ({
      ...base,
      created_at: new Date().toISOString(),
      message: { role: 'assistant', content: '' },
      done_reason: 'stop',
      done: true,
      total_duration: Number(process.hrtime.bigint() - started),
      load_duration: b.loadDelayMs * NS,
      prompt_eval_count: promptTokens,
      prompt_eval_duration: 12 * NS,
      eval_count: chunks.length,
      eval_duration: evalNs,
    });

    if (body.stream === false) {
      const evalStart = process.hrtime.bigint();
      await sleep(b.tokenDelayMs * chunks.length);
      const f = final(Number(process.hrtime.bigint() - evalStart));
      return json(res, 200, { ...f, message: { role: 'assistant', content: chunks.join('') } });
    }

    res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
    streams++;
    let closed = false;
    res.on('close', () => {
      closed = true;
    });
    try {
      const evalStart = process.hrtime.bigint();
      for (const t of thoughts) {
        if (closed) return;
        res.write(
          JSON.stringify({
            ...base,
            created_at: new Date().toISOString(),
            message: { role: 'assistant', content: '', thinking: t },
            done: false,
          }) + '\n',
        );
        if (b.tokenDelayMs) await sleep(b.tokenDelayMs);
      }
      for (let i = 0; i < chunks.length; i++) {
        if (closed) return;
        if (b.errorAfterChunks !== null && i === b.errorAfterChunks) {
          res.end(JSON.stringify({ error: b.errorMessage }) + '\n');
          return;
        }
        if (b.dropAfterChunks !== null && i === b.dropAfterChunks) {
          res.destroy();
          return;
        }
        res.write(
          JSON.stringify({
            ...base,
            created_at: new Date().toISOString(),
            message: { role: 'assistant', content: chunks[i] },
            done: false,
          }) + '\n',
        );
        if (b.tokenDelayMs) await sleep(b.tokenDelayMs);
      }
      if (!closed) res.end(JSON.stringify(final(Number(process.hrtime.bigint() - evalStart))) + '\n');
    } finally {
      streams--;
    }
  }

  /** POST /api/show: details and model_info with "<family>.context_length", as Ollama answers. */
  async function show(req: IncomingMessage, res: ServerResponse) {
    const body = JSON.parse((await readBody(req)) || '{}') as { model?: string; name?: string };
    const name = body.model ?? body.name;
    const m = fake.models.find((x) => x.name === name || x.name === `${name}:latest`);
    if (!m) return json(res, 404, { error: `model '${name}' not found` });
    return json(res, 200, {
      modelfile: `FROM ${m.name}`,
      parameters: '',
      template: '{{ .Prompt }}',
      details: {
        parent_model: '',
        format: 'gguf',
        family: m.family,
        families: [m.family],
        parameter_size: m.parameterSize,
        quantization_level: m.quantization,
      },
      model_info: {
        'general.architecture': m.family,
        'general.parameter_count': 1_235_814_432,
        [`${m.family}.context_length`]: m.contextLength ?? 131072,
        [`${m.family}.embedding_length`]: 2048,
      },
      capabilities: ['completion'],
      modified_at: new Date(Date.UTC(2025, 0, 10)).toISOString(),
    });
  }

  /** POST /api/pull: Ollama's NDJSON progress lines, then the model is listed by /api/tags. */
  async function pull(req: IncomingMessage, res: ServerResponse) {
    const body = JSON.parse((await readBody(req)) || '{}') as { model?: string; name?: string; stream?: boolean };
    fake.pulls.push(body);
    const name = body.model ?? body.name ?? '';
    if (!/^[a-z0-9][a-z0-9._-]*(:[a-z0-9._-]+)?$/i.test(name) || name.startsWith('nosuch')) {
      return json(res, 500, { error: 'pull model manifest: file does not exist' });
    }
    const digest = `sha256:${'c0ffee'.repeat(10)}${'ab'.repeat(2)}`;
    const total = 2_019_393_189;
    const lines: object[] = [{ status: 'pulling manifest' }];
    for (const f of [0, 0.25, 0.5, 0.75, 1]) {
      lines.push({ status: `pulling ${digest.slice(7, 19)}`, digest, total, completed: Math.round(total * f) });
    }
    lines.push({ status: 'verifying sha256 digest' }, { status: 'writing manifest' }, { status: 'success' });
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
    const [base, tag] = name.includes(':') ? name.split(':') : [name, 'latest'];
    const full = `${base}:${tag}`;
    for (const line of lines) {
      if (res.destroyed) return;
      // As in Ollama, the model is installed (manifest written) before "success" is sent.
      if ((line as { status: string }).status === 'success' && !fake.models.some((m) => m.name === full)) {
        fake.models.push({ name: full, size: total, family: 'llama', parameterSize: '7B', quantization: 'Q4_K_M' });
      }
      res.write(JSON.stringify(line) + '\n');
      await sleep(fake.behavior.pullDelayMs);
    }
    res.end();
  }

  const listening = await listenOnLoopback(server, options.port);
  fake.port = listening.port;
  fake.url = `http://127.0.0.1:${fake.port}`;
  return fake;
}
