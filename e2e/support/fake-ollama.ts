/**
 * A test server that speaks Ollama's HTTP API as documented (docs/api.md): `GET /`, `/api/version`,
 * `/api/tags`, and `POST /api/chat` streaming NDJSON with a final stats chunk (durations in ns),
 * `{"error": …}` bodies with the documented status codes, and an `{"error": …}` line mid-stream with
 * HTTP 200. The model manager's side: `/api/pull` (resumable NDJSON progress per layer, failures),
 * `/api/show`, `DELETE /api/delete`, `/api/ps` (models loaded by chats) and `/api/generate` (load and
 * unload with keep_alive). Tests steer it through `behavior`. Loopback only.
 */
import { createHash } from 'node:crypto';
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
  /** /api/show `capabilities` (default ['completion']); 'vision' also adds projector_info for old servers. */
  capabilities?: string[];
  /** /api/show fields (defaults: no license, no system, empty parameters, `{{ .Prompt }}`). */
  license?: string;
  system?: string;
  parameters?: string;
  template?: string;
  /** Manifest digest (default: derived from the name, so it stays stable when others are deleted). */
  digest?: string;
}

/** A model loaded in memory, as /api/ps lists it. */
export interface FakeLoaded {
  name: string;
  /** ms since epoch; null: kept loaded (keep_alive < 0). */
  expiresAt: number | null;
  contextLength: number;
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
  /** Extra pauses once the streamed answer so far ends with `afterText` (a model slowing mid-answer). */
  pauses: { afterText: string; ms: number }[];
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
  /** Progress lines for the model layer of a pull (each a step of total/pullSteps bytes). */
  pullSteps: number;
  /** Bytes of the model layer of a pulled model (the small template/license/params layers are added). */
  pullSize(name: string): number;
  /** Names the "registry" does not know: the pull fails with "pull model manifest: file does not exist". */
  pullUnknown(name: string): boolean;
  /** After this many progress lines, an `{"error": pullErrorMessage}` line (HTTP 200 already sent). */
  pullErrorAfterLines: number | null;
  /** After this many progress lines, drop the connection (Ollama stopped or crashed mid-pull). */
  pullDropAfterLines: number | null;
  pullErrorMessage: string;
  /** /api/show without `capabilities` (Ollama before 0.6.4): clients must read model_info/projector_info. */
  showWithoutCapabilities: boolean;
}

/** The error line Ollama sends when a download fills the disk. */
export const DISK_FULL_ERROR = 'write /root/.ollama/models/blobs/sha256-partial-0: no space left on device';
/** The error line Ollama sends when the registry stops answering mid-download. */
export const NETWORK_ERROR =
  'max retries exceeded: Get "https://registry.ollama.ai/v2/library/blobs/sha256": dial tcp: lookup registry.ollama.ai: no such host';

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
  pulls: { model?: string; name?: string; stream?: boolean }[];
  /** Bytes on disk per blob digest: a cancelled pull keeps its partial bytes and the next one resumes. */
  blobs: Map<string, number>;
  /** Models in memory (/api/ps): loaded by chats, removed by keep_alive 0 or a delete. */
  loaded: FakeLoaded[];
  /** Model names asked of /api/show, in order. */
  showRequests: string[];
  /** Chat streams currently open. */
  openStreams(): number;
  /**
   * When the last chat stream's final line was handed to the OS, as epoch ms with sub-ms precision
   * (performance.timeOrigin + performance.now(), comparable with the same figure in a page); null before any.
   */
  lastChatEndAt: number | null;
  reset(): void;
  close(): Promise<void>;
}

const NS = 1_000_000;

/** A sha256 digest in Ollama's form, stable for the same seed. */
export function digestOf(seed: string): string {
  return `sha256:${createHash('sha256').update(seed).digest('hex')}`;
}

/** Ollama's keep_alive in ms: a number is seconds, a string a Go duration; default 5 minutes. */
export function keepAliveMs(v: string | number | undefined): number {
  if (v === undefined || v === '') return 5 * 60_000;
  if (typeof v === 'number') return v * 1000;
  const m = /^(-?\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v.trim());
  if (!m) return 5 * 60_000;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * unit;
}

export async function startFakeOllama(options: { port?: number; models?: FakeModel[] } = {}): Promise<FakeOllama> {
  const defaults = (): FakeOllamaBehavior => ({
    tokenDelayMs: 5,
    pauses: [],
    loadDelayMs: 0,
    reply: defaultReply,
    errorAfterChunks: null,
    errorMessage: 'an error was encountered while running the model: unexpected EOF',
    dropAfterChunks: null,
    fail500: false,
    thinking: () => null,
    titleReply: defaultTitleReply,
    pullDelayMs: 20,
    pullSteps: 4,
    pullSize: () => 2_019_393_189,
    pullUnknown: (name) => name.startsWith('nosuch'),
    pullErrorAfterLines: null,
    pullDropAfterLines: null,
    pullErrorMessage: NETWORK_ERROR,
    showWithoutCapabilities: false,
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
    blobs: new Map(),
    loaded: [],
    showRequests: [],
    openStreams: () => streams,
    lastChatEndAt: null,
    reset() {
      fake.behavior = defaults();
      fake.requests.length = 0;
      fake.titleRequests.length = 0;
      fake.pulls.length = 0;
      fake.models = options.models ?? [...DEFAULT_MODELS];
      fake.blobs.clear();
      fake.loaded.length = 0;
      fake.showRequests.length = 0;
      fake.lastChatEndAt = null;
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
          digest: m.digest ?? digestOf(`manifest ${m.name}`).slice(7),
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
    if (req.method === 'DELETE' && path === '/api/delete') return remove(req, res);
    if (req.method === 'GET' && path === '/api/ps') return ps(res);
    if (req.method === 'POST' && path === '/api/generate') return generate(req, res);
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
    load(
      fake.models.find((m) => m.name === body.model || m.name === `${body.model}:latest`)!,
      body,
    );
    if (Array.isArray(body.messages) && body.messages.length === 0) {
      // Documented: no messages loads the model; with keep_alive 0 it unloads it.
      const reason = keepAliveMs(body.keep_alive) === 0 ? 'unload' : 'load';
      const created_at = new Date().toISOString();
      const message = { role: 'assistant', content: '' };
      return json(res, 200, { model: body.model, created_at, message, done_reason: reason, done: true });
    }
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
      let sent = '';
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
        sent += chunks[i];
        const pause = b.pauses.find((p) => sent.endsWith(p.afterText));
        if (pause) await sleep(pause.ms);
        if (b.tokenDelayMs) await sleep(b.tokenDelayMs);
      }
      if (!closed) {
        // 'finish': the last byte has been handed to the operating system (writes queue up in
        // Node while the reader is slower than an unpaced stream).
        res.end(JSON.stringify(final(Number(process.hrtime.bigint() - evalStart))) + '\n', () => {
          fake.lastChatEndAt = performance.timeOrigin + performance.now();
        });
      }
    } finally {
      streams--;
    }
  }

  const findModel = (name: string | undefined) =>
    fake.models.find((x) => x.name === name || x.name === `${name}:latest`);

  /** POST /api/show: details, model_info with "<family>.context_length", capabilities, as Ollama answers. */
  async function show(req: IncomingMessage, res: ServerResponse) {
    const body = JSON.parse((await readBody(req)) || '{}') as { model?: string; name?: string };
    const name = body.model ?? body.name;
    fake.showRequests.push(name ?? '');
    const m = findModel(name);
    if (!m) return json(res, 404, { error: `model '${name}' not found` });
    const caps = m.capabilities ?? ['completion'];
    const legacy = fake.behavior.showWithoutCapabilities;
    const template =
      m.template ??
      (caps.includes('tools') ? '{{ if .Tools }}{{ json .Tools }}{{ end }}{{ .Prompt }}' : '{{ .Prompt }}');
    return json(res, 200, {
      ...(m.license !== undefined ? { license: m.license } : {}),
      modelfile: `FROM ${m.name}`,
      parameters: m.parameters ?? '',
      template,
      ...(m.system !== undefined ? { system: m.system } : {}),
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
        'general.file_type': 15,
        'general.parameter_count': 1_235_814_432,
        'general.quantization_version': 2,
        [`${m.family}.context_length`]: m.contextLength ?? 131072,
        [`${m.family}.embedding_length`]: 2048,
        [`${m.family}.block_count`]: 16,
        'tokenizer.ggml.model': 'gpt2',
        'tokenizer.ggml.tokens': null,
      },
      // Before 0.6.4 Ollama sent no capabilities; a vision model's projector came as projector_info.
      ...(legacy && caps.includes('vision')
        ? { projector_info: { 'clip.has_vision_encoder': true, 'clip.vision.image_size': 560 } }
        : {}),
      ...(legacy ? {} : { capabilities: caps }),
      modified_at: new Date(Date.UTC(2025, 0, 10)).toISOString(),
    });
  }

  /**
   * POST /api/pull as Ollama streams it: "pulling manifest", "pulling <digest>" lines with total and
   * completed per layer, "verifying sha256 digest", "writing manifest", "success". Bytes of each blob
   * are kept across a cancelled pull, so pulling again resumes from them. `stream: false` answers once:
   * `{"status":"success"}`, or HTTP 500 with `{"error": …}`.
   */
  async function pull(req: IncomingMessage, res: ServerResponse) {
    const body = JSON.parse((await readBody(req)) || '{}') as { model?: string; name?: string; stream?: boolean };
    fake.pulls.push(body);
    const name = body.model ?? body.name ?? '';
    if (!/^[a-z0-9][a-z0-9._/-]*(:[a-z0-9._-]+)?$/i.test(name)) return json(res, 400, { error: 'invalid model name' });
    const b = fake.behavior;
    const stream = body.stream !== false;
    const full = name.includes(':') ? name : `${name}:latest`;
    const layers = [
      { digest: digestOf(`model ${full}`), total: b.pullSize(full), steps: Math.max(1, b.pullSteps) },
      { digest: digestOf(`template ${full}`), total: 1_429, steps: 1 },
      { digest: digestOf(`license ${full}`), total: 7_711, steps: 1 },
      { digest: digestOf(`params ${full}`), total: 96, steps: 1 },
    ];
    let failure: string | null = null;
    let closed = false;
    res.on('close', () => {
      closed = true;
    });
    if (stream) res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
    const send = async (line: object) => {
      if (stream) res.write(JSON.stringify(line) + '\n');
      await sleep(b.pullDelayMs);
    };
    let progressLines = 0;
    await send({ status: 'pulling manifest' });
    if (b.pullUnknown(name)) failure = 'pull model manifest: file does not exist';
    for (const layer of failure ? [] : layers) {
      const have = Math.min(fake.blobs.get(layer.digest) ?? 0, layer.total);
      const points = have >= layer.total ? [layer.total] : [have];
      for (let k = 1; have < layer.total && k <= layer.steps; k++) {
        points.push(Math.round(have + ((layer.total - have) * k) / layer.steps));
      }
      for (const completed of points) {
        if (closed) return;
        if (b.pullDropAfterLines !== null && progressLines >= b.pullDropAfterLines) {
          res.destroy();
          return;
        }
        if (b.pullErrorAfterLines !== null && progressLines >= b.pullErrorAfterLines) {
          failure = b.pullErrorMessage;
          break;
        }
        fake.blobs.set(layer.digest, completed);
        progressLines++;
        const line = { status: `pulling ${layer.digest.slice(7, 19)}`, digest: layer.digest, total: layer.total };
        // As in Ollama, `completed` is left out until some bytes of the layer are there.
        await send(completed > 0 ? { ...line, completed } : line);
      }
      if (failure) break;
    }
    if (closed) return;
    if (failure) {
      if (stream) res.end(JSON.stringify({ error: failure }) + '\n');
      else json(res, 500, { error: failure });
      return;
    }
    await send({ status: 'verifying sha256 digest' });
    await send({ status: 'writing manifest' });
    if (closed) return;
    // As in Ollama, the model is installed (manifest written) before "success" is sent.
    if (!fake.models.some((m) => m.name === full)) {
      const size = layers.reduce((n, l) => n + l.total, 0);
      fake.models.push({ name: full, size, family: 'llama', parameterSize: '7B', quantization: 'Q4_K_M' });
    }
    if (stream) res.end(JSON.stringify({ status: 'success' }) + '\n');
    else json(res, 200, { status: 'success' });
  }

  /** DELETE /api/delete: 200 with an empty body, or 404 `{"error":"model 'x' not found"}`. */
  async function remove(req: IncomingMessage, res: ServerResponse) {
    const body = JSON.parse((await readBody(req)) || '{}') as { model?: string; name?: string };
    const name = body.model ?? body.name;
    const m = findModel(name);
    if (!m) return json(res, 404, { error: `model '${name}' not found` });
    fake.models = fake.models.filter((x) => x !== m);
    fake.loaded = fake.loaded.filter((l) => l.name !== m.name);
    res.writeHead(200);
    res.end();
  }

  /** Load a model for a request (keep_alive: default 5m; 0 unloads; negative keeps it loaded). */
  function load(m: FakeModel, body: { keep_alive?: string | number; options?: Record<string, unknown> }) {
    fake.loaded = fake.loaded.filter((l) => l.name !== m.name);
    const ms = keepAliveMs(body.keep_alive);
    if (ms === 0) return;
    const ctx = Number(body.options?.num_ctx) || 4096;
    fake.loaded.push({ name: m.name, expiresAt: ms < 0 ? null : Date.now() + ms, contextLength: ctx });
  }

  /** GET /api/ps: models in memory with size, size_vram, expires_at and context_length. */
  function ps(res: ServerResponse) {
    const now = Date.now();
    fake.loaded = fake.loaded.filter((l) => l.expiresAt === null || l.expiresAt > now);
    return json(res, 200, {
      models: fake.loaded.map((l) => {
        const m = findModel(l.name);
        const size = Math.round((m?.size ?? 0) * 1.25);
        return {
          name: l.name,
          model: l.name,
          size,
          digest: m?.digest ?? digestOf(`manifest ${l.name}`).slice(7),
          details: {
            parent_model: '',
            format: 'gguf',
            family: m?.family ?? '',
            families: [m?.family ?? ''],
            parameter_size: m?.parameterSize ?? '',
            quantization_level: m?.quantization ?? '',
          },
          // Ollama reports "kept loaded" as a date far in the future.
          expires_at: new Date(l.expiresAt ?? Date.UTC(2318, 0, 1)).toISOString(),
          size_vram: size,
          context_length: l.contextLength,
        };
      }),
    });
  }

  /** POST /api/generate: an empty prompt loads the model, with keep_alive 0 unloads it (done_reason). */
  async function generate(req: IncomingMessage, res: ServerResponse) {
    const body = JSON.parse((await readBody(req)) || '{}') as {
      model?: string;
      prompt?: string;
      stream?: boolean;
      keep_alive?: string | number;
      options?: Record<string, unknown>;
    };
    const m = findModel(body.model);
    if (!m) return json(res, 404, { error: `model "${body.model}" not found, try pulling it first` });
    load(m, body);
    const base = { model: body.model, created_at: new Date().toISOString() };
    if (!body.prompt) {
      const reason = keepAliveMs(body.keep_alive) === 0 ? 'unload' : 'load';
      return json(res, 200, { ...base, response: '', done: true, done_reason: reason });
    }
    const text = fake.behavior.reply({ model: body.model, messages: [{ role: 'user', content: body.prompt }] });
    if (body.stream === false) return json(res, 200, { ...base, response: text, done: true, done_reason: 'stop' });
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
    for (const t of chunkText(text)) res.write(JSON.stringify({ ...base, response: t, done: false }) + '\n');
    res.end(JSON.stringify({ ...base, response: '', done: true, done_reason: 'stop' }) + '\n');
  }

  const listening = await listenOnLoopback(server, options.port);
  fake.port = listening.port;
  fake.url = `http://127.0.0.1:${fake.port}`;
  return fake;
}
