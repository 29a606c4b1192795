/**
 * Generation end to end: real services, real SQLite in a temp folder, and the test Ollama server
 * speaking Ollama's HTTP API.
 */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { chunkText, type FakeOllama } from '../../../e2e/support/fake-ollama';
import type { AppServices } from '../app-services';
import {
  applyDeltas,
  callOk,
  makeTempDir,
  openServices,
  recordEvents,
  until,
  useFakeOllama,
} from '../../../e2e/support/services';

let fake: FakeOllama;
const open: AppServices[] = [];
useFakeOllama(open, (f) => (fake = f));

function services(dataDir = makeTempDir(), options: Parameters<typeof openServices>[1] = {}): AppServices {
  const s = openServices(dataDir, { env: { OLLAMA_BASE_URL: fake.url }, ...options });
  open.push(s);
  return s;
}

/** A reply of `words` distinct words, so any prefix can be told apart from any other. */
function longReply(words: number): string {
  return Array.from({ length: words }, (_, i) => `word${i}`).join(' ') + '.';
}

function rowOf(s: AppServices, messageId: string): { content: string; status: string } {
  return s.db.prepare(`SELECT content, status FROM messages WHERE id = ?`).get(messageId) as {
    content: string;
    status: string;
  };
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

describe('models.list', () => {
  it("lists the Ollama server's models as ollama/<name>", async () => {
    const s = services();
    const list = await callOk(s, 'models.list');
    const expected = fake.models.map((m) => `ollama/${m.name}`).sort();
    expect(list.models.map((m) => m.id).sort()).toEqual(expected);
    const first = list.models.find((m) => m.name === fake.models[0]!.name)!;
    expect(first).toMatchObject({
      providerId: 'ollama',
      sizeBytes: fake.models[0]!.size,
      family: fake.models[0]!.family,
      parameterSize: fake.models[0]!.parameterSize,
      quantization: fake.models[0]!.quantization,
    });
    expect(list.providers).toEqual([
      expect.objectContaining({ providerId: 'ollama', ok: true, models: fake.models.length, baseUrl: fake.url }),
    ]);
  });

  it('reports an unreachable Ollama with its URL instead of failing the call', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const s = services(makeTempDir(), { env: { OLLAMA_BASE_URL: url } });
    const list = await callOk(s, 'models.list');
    expect(list.models).toEqual([]);
    expect(list.providers[0]).toMatchObject({ ok: false, baseUrl: url });
    expect(list.providers[0]!.error).toContain(url);
  });
});

describe('messages.send', () => {
  it('streams coalesced deltas that add up to the stored answer, then done with stats', async () => {
    const reply = longReply(150);
    fake.behavior.reply = () => reply;
    fake.behavior.tokenDelayMs = 0;
    const s = services();
    const rec = recordEvents(s);

    const sent = await callOk(s, 'messages.send', { model: 'ollama/llama3.2:1b', content: 'Tell me a long story' });
    expect(sent.assistantMessage.status).toBe('streaming');
    expect(sent.chat.title).toBe('Tell me a long story');
    const done = await rec.done(sent.assistantMessage.id);

    const deltas = rec.deltas(sent.assistantMessage.id);
    const chunks = chunkText(reply).length;
    expect(deltas.length).toBeGreaterThan(0);
    expect(deltas.length).toBeLessThan(chunks);
    // Offsets are contiguous: each delta starts where the previous text ended.
    let offset = 0;
    for (const d of deltas) {
      expect(d.offset).toBe(offset);
      offset += d.delta.length;
    }
    expect(applyDeltas(deltas)).toBe(reply);
    // Every delta arrives before done.
    const doneIndex = rec.seen.findIndex((e) => e.event === 'message.done');
    expect(rec.seen.slice(doneIndex).some((e) => e.event === 'message.delta')).toBe(false);

    expect(done.status).toBe('done');
    expect(done.error).toBeNull();
    expect(done.content).toBe(reply);
    expect(done.stats?.completionTokens).toBe(chunks);
    expect(done.stats?.tokensPerSecond).toBeGreaterThan(0);

    const { messages } = await callOk(s, 'chats.get', { id: sent.chat.id });
    expect(messages.map((m) => [m.role, m.status, m.content])).toEqual([
      ['user', 'done', 'Tell me a long story'],
      ['assistant', 'done', reply],
    ]);
    expect(messages[1]!.parentId).toBe(messages[0]!.id);
    expect(messages[1]!.stats?.completionTokens).toBe(chunks);
    expect(fake.requests[0]).toMatchObject({ model: 'llama3.2:1b', stream: true });
  });

  it('keeps the conversation across a restart and sends the full history with the next message', async () => {
    const dir = makeTempDir();
    const s = services(dir);
    const rec = recordEvents(s);
    const first = await callOk(s, 'messages.send', { model: 'ollama/qwen2.5:0.5b', content: 'What is a hearth?' });
    const firstAnswer = (await rec.done(first.assistantMessage.id)).content;
    expect(firstAnswer).toContain('What is a hearth?');
    await s.close();

    const again = services(dir);
    const rec2 = recordEvents(again);
    const stored = await callOk(again, 'chats.get', { id: first.chat.id });
    expect(stored.messages.map((m) => m.content)).toEqual(['What is a hearth?', firstAnswer]);
    expect(stored.messages[1]!.status).toBe('done');
    expect((await callOk(again, 'chats.list', {})).chats.map((c) => c.title)).toEqual(['What is a hearth?']);

    const second = await callOk(again, 'messages.send', {
      chatId: first.chat.id,
      model: 'ollama/qwen2.5:0.5b',
      content: 'And a chimney?',
    });
    const secondDone = await rec2.done(second.assistantMessage.id);
    expect(secondDone.status).toBe('done');
    expect(second.userMessage.parentId).toBe(first.assistantMessage.id);
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]!.messages).toEqual([
      { role: 'user', content: 'What is a hearth?' },
      { role: 'assistant', content: firstAnswer },
      { role: 'user', content: 'And a chimney?' },
    ]);
    expect((await callOk(again, 'chats.get', { id: first.chat.id })).messages).toHaveLength(4);
  });

  it('stops mid-stream on messages.stop, storing the partial answer as stopped', async () => {
    const reply = longReply(60);
    fake.behavior.reply = () => reply;
    fake.behavior.tokenDelayMs = 15;
    const s = services();
    const rec = recordEvents(s);
    const sent = await callOk(s, 'messages.send', { model: 'ollama/llama3.2:1b', content: 'go' });
    const id = sent.assistantMessage.id;
    await rec.waitFor((e) => e.event === 'message.delta' && e.payload.messageId === id);

    expect(await callOk(s, 'messages.stop', { messageId: id })).toEqual({ stopped: true });
    const done = await rec.done(id);
    expect(done.status).toBe('stopped');
    expect(done.content.length).toBeGreaterThan(0);
    expect(done.content.length).toBeLessThan(reply.length);
    expect(reply.startsWith(done.content)).toBe(true);
    expect(rowOf(s, id)).toEqual({ content: done.content, status: 'stopped' });
    // The model stops generating: the HTTP stream to Ollama is closed.
    await until(() => fake.openStreams() === 0, 2000, 'Ollama stream to close');
    // Stopping again is harmless.
    expect(await callOk(s, 'messages.stop', { messageId: id })).toEqual({ stopped: false });
  });

  it('asks the backend before writing the rows, and calls the request off when they cannot be written', async () => {
    const reply = longReply(100);
    fake.behavior.reply = () => reply;
    fake.behavior.tokenDelayMs = 0;
    const s = services();
    const rec0 = recordEvents(s);
    const before = await callOk(s, 'messages.send', { model: 'ollama/llama3.2:1b', content: 'first' });
    await rec0.done(before.assistantMessage.id);
    rec0.stop();
    fake.behavior.tokenDelayMs = 30; // a request left running would stream for 3 s
    const count = () => (s.db.prepare(`SELECT count(*) AS n FROM messages`).get() as { n: number }).n;
    const stored = count();
    // A real SQLite failure inside the send's transaction (as a full disk gives).
    s.db.exec(
      `CREATE TEMP TRIGGER refuse BEFORE INSERT ON messages BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`,
    );
    const rec = recordEvents(s);
    const asked = fake.requests.length;
    const r = await s.router.call('messages.send', {
      chatId: before.chat.id,
      model: 'ollama/llama3.2:1b',
      content: 'x',
    });
    expect(r.ok).toBe(false);
    await until(() => fake.requests.length > asked, 2000, 'the request to reach Ollama');
    // Called off at once, not streamed to its end with nobody reading it.
    await until(() => fake.openStreams() === 0, 1000, 'the unwanted stream to close');
    expect(count()).toBe(stored);
    expect(rec.seen.filter((e) => e.event.startsWith('message.') || e.event === 'chat.updated')).toEqual([]);
    rec.stop();

    s.db.exec(`DROP TRIGGER refuse`);
    fake.behavior.tokenDelayMs = 0;
    const again = await callOk(s, 'messages.send', {
      chatId: before.chat.id,
      model: 'ollama/llama3.2:1b',
      content: 'y',
    });
    const rec2 = recordEvents(s);
    expect((await rec2.done(again.assistantMessage.id)).content).toBe(reply);
    rec2.stop();
  });

  it('can stop while the model is still loading', async () => {
    fake.behavior.loadDelayMs = 3000;
    const s = services();
    const rec = recordEvents(s);
    const sent = await callOk(s, 'messages.send', { model: 'ollama/llama3.2:1b', content: 'go' });
    const started = Date.now();
    await callOk(s, 'messages.stop', { messageId: sent.assistantMessage.id });
    const done = await rec.done(sent.assistantMessage.id);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(done.status).toBe('stopped');
    expect(done.content).toBe('');
  });

  it('marks an answer as error when Ollama sends an error line mid-stream, keeping the partial text', async () => {
    const reply = longReply(30);
    fake.behavior.reply = () => reply;
    fake.behavior.errorAfterChunks = 4;
    const s = services();
    const rec = recordEvents(s);
    const sent = await callOk(s, 'messages.send', { model: 'ollama/llama3.2:1b', content: 'go' });
    const done = await rec.done(sent.assistantMessage.id);
    const partial = chunkText(reply).slice(0, 4).join('');

    expect(done.status).toBe('error');
    expect(done.error?.message).toContain(fake.behavior.errorMessage);
    expect(done.content).toBe(partial);
    const stored = (await callOk(s, 'chats.get', { id: sent.chat.id })).messages[1]!;
    expect(stored).toMatchObject({ status: 'error', content: partial, error: done.error });
  });

  it('marks an answer as error with a clear message when the connection drops mid-stream', async () => {
    const reply = longReply(30);
    fake.behavior.reply = () => reply;
    fake.behavior.dropAfterChunks = 5;
    const s = services();
    const rec = recordEvents(s);
    const sent = await callOk(s, 'messages.send', { model: 'ollama/llama3.2:1b', content: 'go' });
    const done = await rec.done(sent.assistantMessage.id);

    expect(done.status).toBe('error');
    expect(done.error?.code).toBe('backend_error');
    // It did reach Ollama, so it must not tell the user to start Ollama.
    expect(done.error?.message).toMatch(/before the answer was finished/);
    expect(done.error?.message).not.toMatch(/Can't reach|Is it running/);
    expect(done.content).toBe(chunkText(reply).slice(0, 5).join(''));
    expect(rowOf(s, sent.assistantMessage.id)).toEqual({ content: done.content, status: 'error' });
  });

  it('reports a crashed model runner (HTTP 500) as a backend error, not as Ollama being down', async () => {
    fake.behavior.fail500 = true;
    const s = services();
    const rec = recordEvents(s);
    const sent = await callOk(s, 'messages.send', { model: 'ollama/llama3.2:1b', content: 'go' });
    const done = await rec.done(sent.assistantMessage.id);
    expect(done.status).toBe('error');
    expect(done.error?.code).toBe('backend_error');
    expect(done.error?.message).toContain('llama runner process has terminated');
  });

  it('tells the user to pull a model that is not installed', async () => {
    const s = services();
    const rec = recordEvents(s);
    const sent = await callOk(s, 'messages.send', { model: 'ollama/mistral:7b', content: 'hi' });
    const done = await rec.done(sent.assistantMessage.id);
    expect(done.status).toBe('error');
    expect(done.error?.code).toBe('model_not_found');
    expect(done.error?.message).toContain('ollama pull mistral:7b');
    expect(rowOf(s, sent.assistantMessage.id).status).toBe('error');
  });

  it('says Ollama is unreachable, with its URL, when nothing listens there', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const s = services(makeTempDir(), { env: { OLLAMA_BASE_URL: url } });
    const rec = recordEvents(s);
    const sent = await callOk(s, 'messages.send', { model: 'ollama/llama3.2:1b', content: 'hi' });
    const done = await rec.done(sent.assistantMessage.id);
    expect(done.status).toBe('error');
    expect(done.error?.code).toBe('backend_unreachable');
    expect(done.error?.message).toContain(url);
    // The question is kept so it can be asked again.
    const { messages } = await callOk(s, 'chats.get', { id: sent.chat.id });
    expect(messages[0]).toMatchObject({ role: 'user', content: 'hi', status: 'done' });
  });

  it('refuses a model id without a known provider', async () => {
    const s = services();
    for (const model of ['llama3.2', 'nosuchprovider/llama3.2']) {
      const r = await s.router.call('messages.send', { model, content: 'hi' });
      expect(r.ok === false && r.error.code).toBe('invalid_input');
      expect(r.ok === false && r.error.message).toContain(model);
    }
    expect((await callOk(s, 'chats.list', {})).chats).toEqual([]);
  });
});

describe('nothing lost while streaming', () => {
  it('writes partial text to SQLite while the answer streams', async () => {
    fake.behavior.reply = () => longReply(60);
    fake.behavior.tokenDelayMs = 15;
    const s = services(makeTempDir(), { generation: { persistEveryMs: 20 } });
    const rec = recordEvents(s);
    const sent = await callOk(s, 'messages.send', { model: 'ollama/llama3.2:1b', content: 'go' });
    const id = sent.assistantMessage.id;

    const midway = await until(
      () => {
        const row = rowOf(s, id);
        return row.content.length > 0 && row.status === 'streaming' ? row : null;
      },
      3000,
      'partial text in SQLite',
    );
    expect(longReply(60).startsWith(midway.content)).toBe(true);
    await callOk(s, 'messages.stop', { messageId: id });
    expect((await rec.done(id)).status).toBe('stopped');
  });

  it('chats.get shows the live text of a streaming answer before it is written to SQLite', async () => {
    const reply = longReply(60);
    fake.behavior.reply = () => reply;
    fake.behavior.tokenDelayMs = 15;
    const s = services(makeTempDir(), { generation: { persistEveryMs: 60_000 } });
    const rec = recordEvents(s);
    const sent = await callOk(s, 'messages.send', { model: 'ollama/llama3.2:1b', content: 'go' });
    const id = sent.assistantMessage.id;
    await rec.waitFor((e) => e.event === 'message.delta' && e.payload.messageId === id);

    const live = (await callOk(s, 'chats.get', { id: sent.chat.id })).messages[1]!;
    expect(live.status).toBe('streaming');
    expect(live.content.length).toBeGreaterThan(0);
    expect(reply.startsWith(live.content)).toBe(true);
    expect(rowOf(s, id)).toEqual({ content: '', status: 'streaming' });
    await callOk(s, 'messages.stop', { messageId: id });
  });

  it('close() while streaming marks the answer interrupted and keeps its text', async () => {
    const reply = longReply(80);
    fake.behavior.reply = () => reply;
    fake.behavior.tokenDelayMs = 15;
    const dir = makeTempDir();
    const s = openServices(dir, { env: { OLLAMA_BASE_URL: fake.url } });
    const rec = recordEvents(s);
    const sent = await callOk(s, 'messages.send', { model: 'ollama/llama3.2:1b', content: 'go' });
    const id = sent.assistantMessage.id;
    await rec.waitFor((e) => e.event === 'message.delta' && e.payload.messageId === id && e.payload.offset > 0);

    await s.close();
    const done = await rec.done(id, 100); // emitted before close() resolved
    expect(done.status).toBe('interrupted');
    expect(done.content.length).toBeGreaterThan(0);

    const again = services(dir);
    const stored = (await callOk(again, 'chats.get', { id: sent.chat.id })).messages[1]!;
    expect(stored.status).toBe('interrupted');
    expect(stored.content).toBe(done.content);
    expect(reply.startsWith(stored.content)).toBe(true);
  });
});
