/** OllamaProvider's model-manager calls against the test Ollama, and pull failures in plain words. */
import { createServer } from 'node:net';
import fc from 'fast-check';
import { Ollama } from 'ollama';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DISK_FULL_ERROR, NETWORK_ERROR, startFakeOllama, type FakeOllama } from '../../../e2e/support/fake-ollama';
import type { AppError } from '../../../shared/types/errors';
import { OllamaProvider, pullError, tokenContent } from './ollama-provider';
import type { PullProgress } from './provider';

let fake: FakeOllama;
beforeAll(async () => {
  fake = await startFakeOllama();
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => fake.reset());

async function pullFails(p: OllamaProvider, model: string): Promise<{ error: AppError; seen: PullProgress[] }> {
  const seen: PullProgress[] = [];
  const error = await p
    .pull(model, (x) => seen.push(x))
    .then(
      () => {
        throw new Error('the pull should have failed');
      },
      (e: unknown) => e as AppError,
    );
  return { error, seen };
}

describe('OllamaProvider pulls', () => {
  it("passes Ollama's lines through: manifest, layers with digest/total/completed, verifying, writing, success", async () => {
    const p = new OllamaProvider({ baseUrl: fake.url });
    const seen: PullProgress[] = [];
    await p.pull('smollm2:135m', (x) => seen.push(x));
    expect(seen[0]).toEqual({ status: 'pulling manifest' });
    expect(seen.slice(-3).map((x) => x.status)).toEqual(['verifying sha256 digest', 'writing manifest', 'success']);
    const layer = seen[1]!;
    expect(layer.status).toMatch(/^pulling [0-9a-f]{12}$/);
    expect(layer.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(layer.status).toBe(`pulling ${layer.digest!.slice(7, 19)}`);
    expect(layer.completed).toBeUndefined(); // Ollama leaves it out until bytes arrive
    expect(seen.filter((x) => x.digest).at(-1)).toMatchObject({ completed: 96, total: 96 });
  });

  it('turns each kind of failure into words that say what to do', async () => {
    const p = new OllamaProvider({ baseUrl: fake.url });
    const unknown = await pullFails(p, 'nosuch:1b');
    expect(unknown.error).toMatchObject({ code: 'model_not_found' });
    expect(unknown.error.message).toMatch(
      /^Ollama has no model called "nosuch:1b"; check the name on ollama\.com\/library/,
    );
    expect(unknown.seen).toEqual([{ status: 'pulling manifest' }]);

    fake.behavior.pullErrorAfterLines = 2;
    fake.behavior.pullErrorMessage = NETWORK_ERROR;
    const net = await pullFails(p, 'phi4');
    expect(net.error.message).toContain('lost its connection to the model registry');
    expect(net.seen.filter((x) => x.digest)).toHaveLength(2);

    fake.behavior.pullErrorMessage = DISK_FULL_ERROR;
    expect((await pullFails(p, 'phi4')).error.message).toMatch(/^The disk is full: Ollama at .* could not save "phi4"/);

    fake.behavior.pullErrorAfterLines = null;
    fake.behavior.pullDropAfterLines = 3;
    expect((await pullFails(p, 'phi4')).error.message).toMatch(
      /^Ollama at .* stopped answering before "phi4" was downloaded\. If it is running again, pull again; it resumes/,
    );

    expect((await pullFails(p, 'Bad Name!')).error).toMatchObject({ code: 'invalid_input' });
  });

  it('says Ollama cannot be reached when nothing answers, and "Stopped." when aborted', async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as { port: number }).port;
    await new Promise((r) => srv.close(r));
    const gone = new OllamaProvider({ baseUrl: `http://127.0.0.1:${port}` });
    expect((await pullFails(gone, 'phi4')).error).toMatchObject({ code: 'backend_unreachable' });

    fake.behavior.pullDelayMs = 50;
    const p = new OllamaProvider({ baseUrl: fake.url });
    const ctl = new AbortController();
    const pulling = p.pull('phi4', () => ctl.abort(), ctl.signal);
    await expect(pulling).rejects.toMatchObject({ code: 'aborted' });
  });

  it('keeps unrecognised messages, prefixed with what failed', () => {
    expect(pullError('x', 'something odd', 'http://h').message).toBe('Ollama could not pull "x": something odd');
  });
});

describe('OllamaProvider model manager calls', () => {
  it('tags, show, delete (404 is not_found), ps and unload', async () => {
    const p = new OllamaProvider({ id: 'ollama-box', baseUrl: fake.url });
    const tags = await p.tags();
    expect(tags.map((t) => t.name)).toEqual(['llama3.2:1b', 'qwen2.5:0.5b']);
    expect(tags[0]!.digest).toMatch(/^[0-9a-f]{64}$/);
    const show = await p.show('llama3.2:1b');
    expect(show.capabilities).toEqual(['completion']);
    expect(show.model_info?.['llama.context_length']).toBe(131072);
    await expect(p.show('nope')).rejects.toMatchObject({ code: 'not_found' });

    await p.deleteModel('qwen2.5:0.5b');
    await expect(p.deleteModel('qwen2.5:0.5b')).rejects.toMatchObject({
      code: 'not_found',
      message: `Ollama at ${fake.url} has no model called "qwen2.5:0.5b", so there was nothing to delete.`,
    });

    fake.loaded.push({ name: 'llama3.2:1b', expiresAt: Date.now() + 60_000, contextLength: 2048 });
    const ps = await p.running();
    expect(ps).toMatchObject([{ name: 'llama3.2:1b', context_length: 2048 }]);
    expect(new Date(ps[0]!.expires_at!).getTime()).toBeGreaterThan(Date.now());
    await p.unload('llama3.2:1b');
    expect(await p.running()).toEqual([]);

    // The documented chat form does the same: no messages loads, keep_alive 0 unloads.
    const client = new Ollama({ host: fake.url });
    expect(await client.chat({ model: 'llama3.2:1b', messages: [] })).toMatchObject({ done_reason: 'load' });
    expect((await p.running()).map((m) => m.name)).toEqual(['llama3.2:1b']);
    const unloaded = await client.chat({ model: 'llama3.2:1b', messages: [], keep_alive: 0 });
    expect(unloaded).toMatchObject({ done_reason: 'unload', done: true, message: { content: '' } });
    expect(await p.running()).toEqual([]);
  });
});

describe('OllamaProvider chat streams (read as NDJSON by Hearth)', () => {
  /** A server answering /api/chat with exactly `lines` (each written as its own write, or all at once). */
  async function rawServer(
    lines: string[],
    opts: { status?: number; drop?: boolean; oneWrite?: boolean } = {},
  ): Promise<{ url: string; close: () => Promise<void> }> {
    const { createServer: http } = await import('node:http');
    const server = http((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(opts.status ?? 200, { 'Content-Type': 'application/x-ndjson' });
        if (opts.oneWrite) res.write(lines.join(''));
        else for (const l of lines) res.write(l);
        // A drop comes once the lines are out (destroying at once would discard them unsent).
        if (opts.drop) setTimeout(() => res.socket?.destroy(), 30);
        else res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
  }
  const line = (o: object) => JSON.stringify(o) + '\n';
  const part = (content: string) => line({ model: 'm', message: { role: 'assistant', content }, done: false });
  const done = line({
    model: 'm',
    message: { role: 'assistant', content: '' },
    done: true,
    eval_count: 3,
    eval_duration: 3e6,
  });

  async function collect(url: string) {
    const p = new OllamaProvider({ baseUrl: url });
    let text = '';
    let chunks = 0;
    let stats: unknown = null;
    try {
      for await (const c of p.chat({
        model: 'm',
        messages: [{ role: 'user', content: 'hi' }],
        signal: new AbortController().signal,
      })) {
        if (c.type === 'content') {
          text += c.text;
          chunks++;
        } else if (c.type === 'done') stats = c.stats;
      }
      return { text, chunks, stats, error: null as AppError | null };
    } catch (err) {
      return { text, chunks, stats, error: err as AppError };
    }
  }

  it('many lines in one read become one chunk, text whole and in order, with the final stats', async () => {
    const words = Array.from({ length: 2000 }, (_, i) => `w${i} `);
    const s = await rawServer([...words.map(part), done], { oneWrite: true });
    try {
      const r = await collect(s.url);
      expect(r.error).toBeNull();
      expect(r.text).toBe(words.join(''));
      expect(r.chunks).toBeLessThan(words.length / 10);
      expect(r.stats).toMatchObject({ completionTokens: 3, tokensPerSecond: 1000 });
    } finally {
      await s.close();
    }
  });

  it('a line split across reads and a multi-byte character split across reads arrive whole', async () => {
    const json = part('héllo wörld ✓');
    const bytes = Buffer.from(json + done);
    const cut = bytes.indexOf(Buffer.from('ö')) + 1; // inside the two bytes of ö
    // The two halves as separate writes, 20 ms apart, so they arrive as two reads.
    const { createServer: http } = await import('node:http');
    const server = http((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
        res.write(bytes.subarray(0, cut));
        setTimeout(() => res.end(bytes.subarray(cut)), 20);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const r = await collect(`http://127.0.0.1:${(server.address() as { port: number }).port}`);
      expect(r.error).toBeNull();
      expect(r.text).toBe('héllo wörld ✓');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('an error line mid-stream (HTTP 200) keeps the text before it and ends with its message', async () => {
    const s = await rawServer(
      [part('Partial '), part('answer'), line({ error: 'llama runner process has terminated' })],
      {
        oneWrite: true,
      },
    );
    try {
      const r = await collect(s.url);
      expect(r.text).toBe('Partial answer');
      expect(r.error?.code).toBe('backend_error');
      expect(r.error?.message).toContain('llama runner process has terminated');
    } finally {
      await s.close();
    }
  });

  it('a line that is not JSON is skipped; a stream without done is an error; a cut connection says so', async () => {
    const skipped = await rawServer([part('a'), '{"oops": \n', part('b'), done]);
    const noDone = await rawServer([part('a'), part('b')]);
    const cut = await rawServer([part('a'), part('b')], { drop: true });
    try {
      const a = await collect(skipped.url);
      expect(a.error?.message ?? null).toBeNull();
      expect(a.text).toBe('ab');
      const b = await collect(noDone.url);
      expect(b.text).toBe('ab');
      expect(b.error?.message).toBe('Ollama stopped sending before the answer was finished.');
      const c = await collect(cut.url);
      expect(c.text).toBe('ab');
      expect(c.error?.message).toBe('Ollama closed the connection before the answer was finished.');
    } finally {
      await Promise.all([skipped.close(), noDone.close(), cut.close()]);
    }
  });

  it("HTTP errors are read from the body: 404 is a missing model, others keep Ollama's words", async () => {
    const missing = await rawServer([line({ error: 'model "m" not found, try pulling it first' })], { status: 404 });
    const crashed = await rawServer([line({ error: 'llama runner process has terminated: exit status 2' })], {
      status: 500,
    });
    try {
      expect((await collect(missing.url)).error?.code).toBe('model_not_found');
      const e = (await collect(crashed.url)).error;
      expect(e?.code).toBe('backend_error');
      expect(e?.message).toContain('exit status 2');
    } finally {
      await Promise.all([missing.close(), crashed.close()]);
    }
  });
});

describe('tokenContent (the quick read of a plain token line)', () => {
  const tokenLine = (content: string, model = 'llama3.2:1b') =>
    JSON.stringify({
      model,
      created_at: '2026-12-04T16:00:00.000000Z',
      message: { role: 'assistant', content },
      done: false,
    });

  it('reads exactly what a full parse reads, for any text and model name', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string(), (content, model) => {
        expect(tokenContent(tokenLine(content, model))).toBe(content);
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves every other line to the full parse: reasoning, images, tool calls, done, errors, damage', () => {
    const msg = (message: object, done = false) =>
      JSON.stringify({ model: 'm', created_at: 't', message: { role: 'assistant', ...message }, done });
    const others = [
      msg({ content: '', thinking: 'hmm' }),
      msg({ content: 'a","thinking":"b' }, true),
      msg({ content: 'x', images: ['aGk='] }),
      msg({ content: '', tool_calls: [{ function: { name: 'f', arguments: {} } }] }),
      msg({ content: '' }, true),
      JSON.stringify({ error: 'model runner has unexpectedly stopped' }),
      '{"model":"m","message":{"role":"assistant","content":"cut\\"},"done":false}'.slice(0, -3),
      '{"model":"m","message":{"role":"assistant","content":"bad \\q"},"done":false}',
      '{"model":"m","message":{"role":"assistant","content":"open\\"},"done":false}',
      '{"model":"m","message":{"role":"assistant","content":"raw\ttab"},"done":false}',
      '',
    ];
    for (const line of others) expect(tokenContent(line), line).toBeNull();
    // A content that looks like more fields is still one string.
    expect(tokenContent(tokenLine('a","thinking":"b'))).toBe('a","thinking":"b');
    expect(tokenContent(tokenLine('\\"'))).toBe('\\"');
  });
});
