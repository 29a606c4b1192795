import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppServices } from './app-services';
import { callOk, makeTempDir, openServices, removeTempDirs } from '../../e2e/support/services';
import type { Logger } from './util/logger';

const open: AppServices[] = [];
const servers: Server[] = [];

function services(dataDir = makeTempDir(), options: Parameters<typeof openServices>[1] = {}): AppServices {
  const s = openServices(dataDir, options);
  open.push(s);
  return s;
}

afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  for (const srv of servers.splice(0)) await new Promise((r) => srv.close(r));
  removeTempDirs();
});

/** A minimal OpenAI-compatible /models endpoint that records the Authorization header it receives. */
async function startModelsServer(): Promise<{ url: string; authHeaders: (string | undefined)[] }> {
  const authHeaders: (string | undefined)[] = [];
  const srv = createServer((req, res) => {
    authHeaders.push(req.headers.authorization);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(
      JSON.stringify({ object: 'list', data: [{ id: 'gpt-test', object: 'model', created: 1, owned_by: 'me' }] }),
    );
  });
  servers.push(srv);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/v1`, authHeaders };
}

describe('router: errors', () => {
  it('answers unknown_method for names that are not methods', async () => {
    const s = services();
    for (const name of ['chats.explode', 'toString', '__proto__', 42, null]) {
      const r = await s.router.call(name, {});
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('unknown_method');
    }
  });

  it.each([
    ['chats.create', { model: 'ollama/x', admin: true }, 'admin'],
    ['chats.list', { limit: '10' }, 'limit'],
    ['chats.list', { limit: 0 }, 'limit'],
    ['chats.rename', { id: 'abc', title: 'x'.repeat(201) }, 'title'],
    ['chats.rename', { id: 'x'.repeat(65), title: 'ok' }, 'id'],
    ['messages.send', { model: 'ollama/x', content: '' }, 'content'],
    ['settings.update', { ollamaBaseUrl: 'file:///etc/passwd' }, 'ollamaBaseUrl'],
    ['settings.update', { theme: 'neon' }, 'theme'],
  ])('refuses invalid input for %s %j, naming the field', async (method, input, field) => {
    const s = services();
    const r = await s.router.call(method, input);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('invalid_input');
    expect(r.error.message).toContain(method);
    expect(r.error.message).toContain(field);
  });

  it('does not change anything when input is refused', async () => {
    const s = services();
    const chat = await callOk(s, 'chats.create', {});
    await s.router.call('chats.rename', { id: chat.id, title: '   ' });
    expect((await callOk(s, 'chats.get', { id: chat.id })).chat.title).toBe(chat.title);
  });

  it('turns an unexpected exception into a generic internal error without a stack, and logs the detail', async () => {
    const logged: { msg: string; extra: unknown }[] = [];
    const log: Logger = {
      debug() {},
      info() {},
      warn() {},
      error: (msg, extra) => logged.push({ msg, extra }),
    };
    const s = services(makeTempDir(), { log });
    s.db.close(); // every query now throws a plain TypeError from better-sqlite3
    const r = await s.router.call('chats.list', {});
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('internal');
    expect(r.error.message).toMatch(/Something went wrong inside Hearth/);
    const text = JSON.stringify(r);
    expect(text).not.toMatch(/\bat \S+ \(|\.ts:\d+|database connection/i);
    expect(Object.keys(r.error).sort()).toEqual(['code', 'message', 'requestId']);
    // The user sees a request id; the log has the same id beside the error.
    expect(r.error.message).toContain(`(request ${r.error.requestId})`);
    expect(logged).toHaveLength(1);
    expect(logged[0]!.msg).toContain('chats.list');
    const extra = logged[0]!.extra as { requestId: string; err: Error };
    expect(extra.requestId).toBe(r.error.requestId);
    expect(String(extra.err.message)).toMatch(/database connection is not open/);
  });

  it('passes a service error through with its own code and message', async () => {
    const s = services();
    const r = await s.router.call('chats.get', { id: 'no-such-chat' });
    expect(r).toEqual({ ok: false, error: { code: 'not_found', message: expect.stringMatching(/does not exist/) } });
  });
});

describe('router: chats', () => {
  it('creates, renames, lists and deletes chats', async () => {
    const s = services();
    const a = await callOk(s, 'chats.create', { model: 'ollama/llama3.2:1b' });
    const b = await callOk(s, 'chats.create', {});
    expect(a.title).toBe('New chat');
    expect(a.model).toBe('ollama/llama3.2:1b');
    const renamed = await callOk(s, 'chats.rename', { id: b.id, title: '  Trip plans  ' });
    expect(renamed.title).toBe('Trip plans');
    expect((await callOk(s, 'chats.list', {})).chats.map((c) => c.id)).toEqual([b.id, a.id]);

    await callOk(s, 'chats.delete', { id: b.id });
    const gone = await s.router.call('chats.get', { id: b.id });
    expect(gone.ok === false && gone.error.code).toBe('not_found');
    expect((await callOk(s, 'chats.list', {})).chats.map((c) => c.id)).toEqual([a.id]);
    const again = await s.router.call('chats.delete', { id: b.id });
    expect(again.ok === false && again.error.code).toBe('not_found');
  });

  it('pages chats.list with the before cursor', async () => {
    const s = services();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await callOk(s, 'chats.create', {})).id);
    const first = await callOk(s, 'chats.list', { limit: 4 });
    const last = first.chats[3]!;
    const second = await callOk(s, 'chats.list', { limit: 4, before: { updatedAt: last.updatedAt, id: last.id } });
    expect(first.hasMore).toBe(true);
    expect(second.hasMore).toBe(false);
    expect([...first.chats, ...second.chats].map((c) => c.id)).toEqual([...ids].reverse());
  });
});

describe('router: settings', () => {
  it('stores the OpenAI key encrypted, never returns it, and uses it after a restart', async () => {
    const dir = makeTempDir();
    const key = randomBytes(32);
    const openai = await startModelsServer();
    const plaintext = 'sk-test-' + randomBytes(16).toString('hex');

    const s = services(dir, { secretsKey: key });
    const view = await callOk(s, 'settings.update', { openaiApiKey: plaintext, openaiBaseUrl: openai.url + '/' });
    expect(view.openaiApiKeySet).toBe(true);
    expect(view.openaiBaseUrl).toBe(openai.url);
    expect(JSON.stringify(view)).not.toContain(plaintext);
    expect(JSON.stringify(await callOk(s, 'settings.get'))).not.toContain(plaintext);

    const row = s.db.prepare(`SELECT value FROM settings WHERE key = 'openaiApiKey'`).get() as { value: string };
    expect(row.value).not.toContain(plaintext);
    expect((JSON.parse(row.value) as string).startsWith('enc:v1:')).toBe(true);
    await s.close();

    // After a restart with the same machine key the stored key is decrypted and sent to the endpoint.
    const again = services(dir, { secretsKey: key });
    const models = await callOk(again, 'models.list');
    expect(models.models.map((m) => m.id)).toContain('openai/gpt-test');
    expect(openai.authHeaders).toContain(`Bearer ${plaintext}`);

    // Clearing the key removes it.
    const cleared = await callOk(again, 'settings.update', { openaiApiKey: null });
    expect(cleared.openaiApiKeySet).toBe(false);
    expect(again.db.prepare(`SELECT value FROM settings WHERE key = 'openaiApiKey'`).get()).toBeUndefined();
  });

  it('a stored key that no longer decrypts breaks only its provider, with a message saying what to do', async () => {
    const dir = makeTempDir();
    const openai = await startModelsServer();
    const { startFakeOllama } = await import('../../e2e/support/fake-ollama');
    const ollama = await startFakeOllama();
    try {
      const env = { OLLAMA_BASE_URL: ollama.url };
      const s = services(dir, { secretsKey: randomBytes(32), env });
      await callOk(s, 'settings.update', { openaiApiKey: 'sk-test-abcdefgh', openaiBaseUrl: openai.url });
      await s.close();

      // Another machine key (WEBUI_SECRET_KEY changed): the Ollama models must still be listed.
      const again = services(dir, { secretsKey: randomBytes(32), env });
      const list = await callOk(again, 'models.list');
      expect(list.models.map((m) => m.id)).toContain('ollama/llama3.2:1b');
      const broken = list.providers.find((p) => p.kind === 'openai');
      expect(broken?.ok).toBe(false);
      expect(broken?.error).toContain('Enter the key again in Settings');
      expect(openai.authHeaders).toHaveLength(0);
    } finally {
      await ollama.close();
    }
  });

  it('keeps stored settings across restarts', async () => {
    const dir = makeTempDir();
    const s = services(dir);
    await callOk(s, 'settings.update', {
      theme: 'dark',
      defaultModel: 'ollama/qwen2.5:0.5b',
      ollamaBaseUrl: 'http://10.0.0.5:11434/',
    });
    await s.close();
    const view = await callOk(services(dir), 'settings.get');
    expect(view).toMatchObject({
      theme: 'dark',
      defaultModel: 'ollama/qwen2.5:0.5b',
      ollamaBaseUrl: 'http://10.0.0.5:11434',
      locked: {},
    });
  });

  it('refuses to change a value locked by the environment or a flag (conflict) and keeps it', async () => {
    const s = services(makeTempDir(), {
      env: { OLLAMA_BASE_URL: 'http://env-ollama:11434' },
      flags: { openaiBaseUrl: 'http://flag-openai/v1' },
    });
    const view = await callOk(s, 'settings.get');
    expect(view.locked).toEqual({ ollamaBaseUrl: 'env', openaiBaseUrl: 'flag' });

    const r = await s.router.call('settings.update', { ollamaBaseUrl: 'http://elsewhere:11434', theme: 'light' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('conflict');
    expect(r.error.message).toMatch(/environment variable/);
    const r2 = await s.router.call('settings.update', { openaiBaseUrl: 'http://elsewhere/v1' });
    expect(r2.ok === false && r2.error.code).toBe('conflict');
    expect(r2.ok === false && r2.error.message).toMatch(/command-line flag/);

    const after = await callOk(s, 'settings.get');
    expect(after.ollamaBaseUrl).toBe('http://env-ollama:11434');
    expect(after.openaiBaseUrl).toBe('http://flag-openai/v1');
    expect(after.theme).toBe('system'); // the refused update changed nothing, not even the unlocked part
    // Unlocked settings can still be changed.
    expect((await callOk(s, 'settings.update', { theme: 'light' })).theme).toBe('light');
  });
});

describe('app.info', () => {
  it('reports the host, data dir and schema version', async () => {
    const dir = makeTempDir();
    const info = await callOk(services(dir, { host: 'serve' }), 'app.info');
    expect(info).toMatchObject({ name: 'Hearth', host: 'serve', dataDir: dir });
    expect(info.schemaVersion).toBeGreaterThanOrEqual(1);
  });
});
