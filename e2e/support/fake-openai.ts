/**
 * A test server for OpenAI-compatible endpoints, faithful to OpenAI's wire format:
 * `GET /v1/models`, `POST /v1/chat/completions` (JSON, or SSE `data: {chat.completion.chunk}` lines
 * ending with a usage chunk when `stream_options.include_usage` and `data: [DONE]`), 401 with
 * OpenAI's `invalid_api_key` error body for a wrong key, 404 `model_not_found`, reasoning deltas
 * (`reasoning_content`, as DeepSeek and vLLM send them) and a steerable mid-stream failure.
 * Images: `POST /v1/images/generations` answers with real PNGs (pngjs) the way OpenAI does per model
 * (gpt-image-*: always b64_json, rejects response_format, reports usage; dall-e-3: n=1 only and a
 * revised_prompt; dall-e-2: a URL unless b64_json is asked for, served from `/files/…`), its 400s
 * for bad sizes and parameters, safety refusals, 429s and a steerable failure or delay. Image models
 * are listed by `GET /v1/models` only with `listImageModels` (chat tests count the listed models).
 * Tests steer it through `behavior`. Loopback only.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { PNG } from 'pngjs';
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

export interface OpenAiImageRequestBody {
  model?: string;
  prompt?: string;
  n?: number;
  size?: string;
  quality?: string;
  response_format?: string;
  [key: string]: unknown;
}

export type FakeImageFailure =
  /** 400 content_policy_violation (dall-e) / moderation_blocked (gpt-image). */
  | 'content_policy'
  /** 429 rate_limit_exceeded. */
  | 'rate_limit'
  /** 429 insufficient_quota. */
  | 'quota'
  /** 500 server_error. */
  | 'server_error'
  /** The connection is closed without an answer. */
  | 'drop';

export interface FakeOpenAiBehavior {
  tokenDelayMs: number;
  /** How long an image generation takes before answering. */
  imageDelayMs: number;
  /** Make every image generation fail this way; null = succeed. */
  imageFailure: FakeImageFailure | null;
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
  /** Image models /v1/images/generations accepts (listed by /v1/models only with listImageModels). */
  imageModels: string[];
  /** Every /v1/chat/completions body that passed authentication, in order. */
  requests: OpenAiRequestBody[];
  /** Every /v1/images/generations body that passed authentication, in order. */
  imageRequests: OpenAiImageRequestBody[];
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
  options: {
    apiKey?: string;
    models?: string[];
    port?: number;
    imageModels?: string[];
    /** Also list the image models in GET /v1/models (as OpenAI does). */
    listImageModels?: boolean;
  } = {},
): Promise<FakeOpenAi> {
  const defaults = (): FakeOpenAiBehavior => ({
    tokenDelayMs: 5,
    imageDelayMs: 10,
    imageFailure: null,
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
    imageModels: options.imageModels ?? ['gpt-image-1', 'dall-e-3', 'dall-e-2'],
    requests: [],
    imageRequests: [],
    authHeaders: [],
    reset() {
      fake.behavior = defaults();
      fake.requests.length = 0;
      fake.imageRequests.length = 0;
      fake.authHeaders.length = 0;
    },
    close: () => listening.close(),
  };

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const error = (
    res: ServerResponse,
    status: number,
    message: string,
    type: string,
    code: string | null,
    param: string | null = null,
  ) => json(res, status, { error: { message, type, param, code } });

  const server = createServer((req, res) => {
    void route(req, res).catch(() => {
      if (!res.headersSent)
        error(res, 500, 'The server had an error while processing your request.', 'server_error', null);
      else res.destroy();
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    // Image URLs (dall-e's response_format 'url') are signed links: no Authorization header.
    const file = req.method === 'GET' ? /^\/files\/(img-[a-z0-9]+\.png)$/.exec(path) : null;
    if (file) {
      const png = imageFiles.get(file[1]!);
      if (!png) return error(res, 404, 'The specified blob does not exist.', 'not_found', null);
      res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': png.length });
      return res.end(png);
    }
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
        data: [...fake.models, ...(options.listImageModels ? fake.imageModels : [])].map((id, i) => ({
          id,
          object: 'model',
          created: 1_715_367_049 + i,
          owned_by: 'system',
        })),
      });
    }
    if (req.method === 'POST' && path === '/v1/chat/completions') return completions(req, res);
    if (req.method === 'POST' && path === '/v1/images/generations') return images(req, res);
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

  /** PNGs served under /files/ for response_format 'url'. */
  const imageFiles = new Map<string, Buffer>();
  const pngCache = new Map<string, Buffer>();
  let fileCounter = 0;

  /** A real PNG of that size: a diagonal gradient whose colours come from the prompt. */
  function imagePng(width: number, height: number, prompt: string, index: number): Buffer {
    let hash = 2166136261;
    for (const ch of `${prompt}#${index}`) hash = Math.imul(hash ^ ch.charCodeAt(0), 16777619);
    const [r, g, b] = [hash & 255, (hash >>> 8) & 255, (hash >>> 16) & 255];
    const key = `${width}x${height}:${r},${g},${b}`;
    const cached = pngCache.get(key);
    if (cached) return cached;
    const png = new PNG({ width, height });
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const t = (x + y) / (width + height);
        const at = (y * width + x) * 4;
        png.data[at] = r * (1 - t) + 255 * t;
        png.data[at + 1] = g;
        png.data[at + 2] = b * t;
        png.data[at + 3] = 255;
      }
    }
    const out = PNG.sync.write(png, { colorType: 2, deflateLevel: 1 });
    pngCache.set(key, out);
    return out;
  }

  const IMAGE_SIZES: Record<string, string[]> = {
    'dall-e-2': ['256x256', '512x512', '1024x1024'],
    'dall-e-3': ['1024x1024', '1792x1024', '1024x1792'],
    'gpt-image': ['auto', '1024x1024', '1536x1024', '1024x1536'],
  };
  const IMAGE_QUALITIES: Record<string, string[]> = {
    'dall-e-2': ['standard'],
    'dall-e-3': ['standard', 'hd'],
    'gpt-image': ['auto', 'low', 'medium', 'high'],
  };
  const family = (model: string) => (model.startsWith('gpt-image') ? 'gpt-image' : model);
  const listed = (values: string[]) =>
    values.length === 1
      ? `'${values[0]}'`
      : `${values
          .slice(0, -1)
          .map((v) => `'${v}'`)
          .join(', ')}, and '${values[values.length - 1]}'`;

  async function images(req: IncomingMessage, res: ServerResponse) {
    let body: OpenAiImageRequestBody;
    try {
      body = JSON.parse(await readBody(req)) as OpenAiImageRequestBody;
    } catch {
      return error(
        res,
        400,
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly.)",
        'invalid_request_error',
        null,
      );
    }
    fake.imageRequests.push(body);
    const invalid = (message: string, param: string | null, code: string | null) =>
      error(res, 400, message, 'invalid_request_error', code, param);
    if (typeof body.prompt !== 'string' || !body.prompt) {
      return invalid("Missing required parameter: 'prompt'.", 'prompt', 'missing_required_parameter');
    }
    const model = body.model ?? 'dall-e-2';
    if (!fake.imageModels.includes(model)) {
      return error(
        res,
        404,
        `The model \`${model}\` does not exist or you do not have access to it.`,
        'invalid_request_error',
        'model_not_found',
      );
    }
    const fam = family(model);
    if (fam === 'gpt-image' && body.response_format !== undefined) {
      return invalid("Unknown parameter: 'response_format'.", 'response_format', 'unknown_parameter');
    }
    if (body.response_format !== undefined && body.response_format !== 'url' && body.response_format !== 'b64_json') {
      return invalid(
        `Invalid value: '${String(body.response_format)}'. Supported values are: 'url' and 'b64_json'.`,
        'response_format',
        'invalid_value',
      );
    }
    const sizes = IMAGE_SIZES[fam] ?? IMAGE_SIZES['gpt-image']!;
    const size = body.size ?? (fam === 'gpt-image' ? 'auto' : '1024x1024');
    if (!sizes.includes(size)) {
      return invalid(`Invalid value: '${size}'. Supported values are: ${listed(sizes)}.`, 'size', 'invalid_value');
    }
    const qualities = IMAGE_QUALITIES[fam] ?? IMAGE_QUALITIES['gpt-image']!;
    if (body.quality !== undefined && !qualities.includes(body.quality)) {
      return invalid(
        `Invalid value: '${body.quality}'. Supported values are: ${listed(qualities)}.`,
        'quality',
        'invalid_value',
      );
    }
    const n = body.n ?? 1;
    if (!Number.isInteger(n) || n < 1 || n > 10) {
      return invalid(`Invalid 'n': integer must be between 1 and 10, got ${String(n)}.`, 'n', 'integer_out_of_range');
    }
    if (fam === 'dall-e-3' && n !== 1) return invalid('You must provide n=1 for this model.', null, null);

    const b = fake.behavior;
    let closed = false;
    res.on('close', () => (closed = !res.writableFinished));
    if (b.imageDelayMs) await sleep(b.imageDelayMs);
    if (closed) return;
    switch (b.imageFailure) {
      case 'content_policy':
        return fam === 'gpt-image'
          ? error(
              res,
              400,
              'Your request was rejected by the safety system. If you believe this is an error, contact us at help.openai.com and include the request ID req_fake0123456789.',
              'image_generation_user_error',
              'moderation_blocked',
            )
          : error(
              res,
              400,
              'Your request was rejected as a result of our safety system. Your prompt may contain text that is not allowed by our safety system.',
              'invalid_request_error',
              'content_policy_violation',
            );
      case 'rate_limit':
        return error(
          res,
          429,
          `Rate limit reached for ${model} in organization org-fake on images per minute (IPM): Limit 5, Used 5, Requested 1. Please try again in 12s.`,
          'requests',
          'rate_limit_exceeded',
        );
      case 'quota':
        return error(
          res,
          429,
          'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
          'insufficient_quota',
          'insufficient_quota',
        );
      case 'server_error':
        return error(res, 500, 'The server had an error while processing your request.', 'server_error', null);
      case 'drop':
        return res.destroy();
      default:
    }

    const [width, height] = (size === 'auto' ? '1024x1024' : size).split('x').map(Number) as [number, number];
    const created = Math.floor(Date.now() / 1000);
    const data = Array.from({ length: n }, (_, i) => {
      const png = imagePng(width, height, body.prompt!, i);
      const item: { b64_json?: string; url?: string; revised_prompt?: string } = {};
      if (fam === 'gpt-image' || body.response_format === 'b64_json') item.b64_json = png.toString('base64');
      else {
        const name = `img-${(++fileCounter).toString(36)}${Math.random().toString(36).slice(2, 8)}.png`;
        imageFiles.set(name, png);
        item.url = `${fake.url}/files/${name}`;
      }
      if (fam === 'dall-e-3') item.revised_prompt = `A detailed rendering of ${body.prompt}, in soft natural light.`;
      return item;
    });
    if (fam !== 'gpt-image') return json(res, 200, { created, data });
    const textTokens = Math.max(1, Math.ceil(body.prompt.length / 4));
    const outputTokens = { low: 272, medium: 1056, high: 4160 }[body.quality ?? ''] ?? 1056;
    return json(res, 200, {
      created,
      background: 'opaque',
      data,
      output_format: 'png',
      quality: body.quality && body.quality !== 'auto' ? body.quality : 'medium',
      size: `${width}x${height}`,
      usage: {
        input_tokens: textTokens,
        input_tokens_details: { image_tokens: 0, text_tokens: textTokens },
        output_tokens: outputTokens * n,
        total_tokens: textTokens + outputTokens * n,
      },
    });
  }

  const listening = await listenOnLoopback(server, options.port);
  fake.url = `http://127.0.0.1:${listening.port}`;
  fake.baseUrl = `${fake.url}/v1`;
  return fake;
}
