/**
 * Time to first token: straight to the (fake) Ollama over HTTP, and through Hearth's serve
 * transport (POST /api/call/messages.send, first `message.delta` on the /api/events WebSocket).
 * Both clients use node:http with one keep-alive agent, so client cost is the same on both paths.
 */
import { Agent, request } from 'node:http';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { spawnNode, type Spawned } from './procs';

const agent = new Agent({ keepAlive: true, maxSockets: 8 });
const RUN_TIMEOUT_MS = 10_000;

export function closeAgent(): void {
  agent.destroy();
}

interface PostResult {
  status: number;
  body: string;
}

/** POST JSON; `onChunk` sees the body as it streams (return true to note "first token seen"). */
function postJson(url: string, body: unknown, onChunk?: (text: string) => void): Promise<PostResult> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
          onChunk?.(chunk);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      },
    );
    req.setTimeout(RUN_TIMEOUT_MS, () => req.destroy(new Error(`POST ${url} timed out after ${RUN_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** (a) Direct: request start → first NDJSON line with non-empty message.content. Reads to the end. */
export async function directOnce(fakeUrl: string, model: string): Promise<number> {
  let first: number | null = null;
  let buffer = '';
  let streamError: string | null = null;
  const t0 = performance.now();
  const res = await postJson(
    `${fakeUrl}/api/chat`,
    { model, messages: [{ role: 'user', content: 'bench' }], stream: true },
    (chunk) => {
      if (first !== null) return;
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (!line) continue;
        const obj = JSON.parse(line) as { message?: { content?: string }; error?: string };
        if (obj.error) streamError = obj.error;
        if (obj.message?.content) {
          first = performance.now();
          return;
        }
      }
    },
  );
  if (res.status !== 200) throw new Error(`direct /api/chat answered HTTP ${res.status}: ${res.body.slice(0, 300)}`);
  if (streamError) throw new Error(`direct /api/chat stream error: ${streamError}`);
  if (first === null) throw new Error('direct /api/chat streamed no content');
  return first - t0;
}

interface Envelope {
  event: string;
  payload: { messageId?: string; status?: string; error?: { message: string } | null };
}

/** The Hearth event socket, buffering first-delta times and done events by messageId (they can beat the HTTP reply). */
export class HearthEvents {
  private readonly firstDelta = new Map<string, number>();
  private readonly done = new Map<string, Envelope['payload']>();
  private readonly waiters = new Set<() => void>();
  private closedWith: Error | null = null;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const now = performance.now();
      let env: Envelope;
      try {
        env = JSON.parse(data.toString()) as Envelope;
      } catch {
        return;
      }
      const id = env.payload?.messageId;
      if (!id) return;
      if (env.event === 'message.delta' && !this.firstDelta.has(id)) this.firstDelta.set(id, now);
      else if (env.event === 'message.done') this.done.set(id, env.payload);
      else return;
      for (const w of this.waiters) w();
    });
    ws.on('close', () => {
      this.closedWith ??= new Error('the Hearth event WebSocket closed');
      for (const w of this.waiters) w();
    });
    ws.on('error', (err) => {
      this.closedWith = err;
    });
  }

  /** Connects without an Origin header (the `ws` client sends none unless asked). */
  static connect(baseWs: string): Promise<HearthEvents> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${baseWs}/api/events`, { handshakeTimeout: 5000 });
      ws.once('open', () => resolve(new HearthEvents(ws)));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) =>
        reject(new Error(`WebSocket upgrade refused: HTTP ${res.statusCode}`)),
      );
    });
  }

  /** Resolves when message.done for `id` has arrived; returns the first-delta time (or null) and the done payload. */
  waitDone(
    id: string,
    timeoutMs = RUN_TIMEOUT_MS,
  ): Promise<{ firstDeltaAt: number | null; done: Envelope['payload'] }> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const done = this.done.get(id);
        if (done) {
          finish();
          const firstDeltaAt = this.firstDelta.get(id) ?? null;
          this.done.delete(id);
          this.firstDelta.delete(id);
          resolve({ firstDeltaAt, done });
        } else if (this.closedWith) {
          finish();
          reject(this.closedWith);
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`no message.done for ${id} within ${timeoutMs} ms`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve();
      this.ws.once('close', () => resolve());
      this.ws.close();
      setTimeout(() => {
        this.ws.terminate();
        resolve();
      }, 1000).unref();
    });
  }
}

/** (b) Through Hearth: POST start → first message.delta for the returned assistant message. Waits for message.done. */
export async function hearthOnce(baseHttp: string, events: HearthEvents, model: string): Promise<number> {
  const t0 = performance.now();
  const res = await postJson(`${baseHttp}/api/call/messages.send`, { model, content: 'bench' });
  let parsed: {
    ok: boolean;
    value?: { assistantMessage?: { id?: string } };
    error?: { code: string; message: string };
  };
  try {
    parsed = JSON.parse(res.body) as typeof parsed;
  } catch {
    throw new Error(`messages.send answered HTTP ${res.status} with a non-JSON body: ${res.body.slice(0, 300)}`);
  }
  if (!parsed.ok)
    throw new Error(`messages.send failed (HTTP ${res.status}): ${parsed.error?.code}: ${parsed.error?.message}`);
  const id = parsed.value?.assistantMessage?.id;
  if (!id) throw new Error(`messages.send returned no assistantMessage.id: ${res.body.slice(0, 300)}`);
  const { firstDeltaAt, done } = await events.waitDone(id);
  if (done.status !== 'done')
    throw new Error(`the answer ended with status "${done.status}": ${done.error?.message ?? ''}`);
  if (firstDeltaAt === null) throw new Error(`message.done for ${id} arrived without any message.delta`);
  return firstDeltaAt - t0;
}

/** The test Ollama in its own process (bench/lib/fake-ollama-child.ts); `stop()` it when done. */
export async function startFakeOllamaProcess(tokenDelayMs: number): Promise<{ url: string; sp: Spawned }> {
  const script = join(__dirname, 'fake-ollama-child.ts');
  const sp = spawnNode(['--import', 'tsx', script], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, FAKE_TOKEN_DELAY_MS: String(tokenDelayMs) },
    cwd: dirname(script),
  });
  const deadline = performance.now() + 15_000;
  for (;;) {
    const m = /\{"url":"([^"]+)"\}/.exec(sp.output());
    if (m) return { url: m[1]!, sp };
    if (sp.hasExited()) throw new Error(`the test Ollama process ended at start:\n${sp.output()}`);
    if (performance.now() > deadline) throw new Error(`the test Ollama process did not start:\n${sp.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
