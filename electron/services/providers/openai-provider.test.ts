/** The OpenAI-compatible provider against a server speaking OpenAI's wire format. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openAiChunks, startFakeOpenAi, type FakeOpenAi } from '../../../e2e/support/fake-openai';
import type { AppServices } from '../app-services';
import { callOk, makeTempDir, openServices, recordEvents, removeTempDirs } from '../../../e2e/support/services';
import { OpenAiProvider } from './openai-provider';
import type { StreamChunk } from './provider';

let fake: FakeOpenAi;
beforeAll(async () => {
  fake = await startFakeOpenAi();
});
afterAll(async () => {
  await fake.close();
});
const open: AppServices[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  fake.reset();
  removeTempDirs();
});

async function collect(p: OpenAiProvider, model = 'gpt-4o-mini'): Promise<StreamChunk[]> {
  const out: StreamChunk[] = [];
  for await (const c of p.chat({
    model,
    messages: [{ role: 'user', content: 'hello there' }],
    signal: new AbortController().signal,
  }))
    out.push(c);
  return out;
}

describe('OpenAiProvider', () => {
  const provider = (apiKey = fake.apiKey) => new OpenAiProvider({ baseUrl: fake.baseUrl, apiKey, label: 'Fake' });

  it('lists models and streams content with usage stats up to [DONE]', async () => {
    expect((await provider().listModels()).map((m) => m.name)).toEqual(['gpt-4.1', 'gpt-4o-mini']);
    const reply = 'Streaming works over server-sent events, chunk by chunk.';
    fake.behavior.reply = () => reply;
    const chunks = await collect(provider());
    const text = chunks.flatMap((c) => (c.type === 'content' ? [c.text] : [])).join('');
    expect(text).toBe(reply);
    const done = chunks.at(-1)!;
    expect(done.type).toBe('done');
    if (done.type !== 'done') return;
    expect(done.stats.completionTokens).toBe(openAiChunks(reply).length);
    expect(done.stats.promptTokens).toBeGreaterThan(0);
    expect(done.stats.finishReason).toBe('stop');
    expect(done.stats.ttftMs).toBeGreaterThanOrEqual(0);
    expect(fake.requests.at(-1)).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(fake.authHeaders.at(-1)).toBe(`Bearer ${fake.apiKey}`);
  });

  it('turns a wrong key (401 invalid_api_key) into an unauthorized error that says where to fix it', async () => {
    await expect(provider('sk-wrong-key-000000').listModels()).rejects.toMatchObject({
      code: 'unauthorized',
      message: expect.stringContaining('refused the API key (HTTP 401)'),
    });
    await expect(collect(provider('sk-wrong-key-000000'))).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('reports an unknown model (404 model_not_found)', async () => {
    await expect(collect(provider(), 'gpt-9')).rejects.toMatchObject({
      code: 'model_not_found',
      message: expect.stringContaining('gpt-9'),
    });
  });

  it('fails clearly when the stream breaks before [DONE] or carries an error event', async () => {
    fake.behavior.reply = () => 'one two three four five six seven eight';
    fake.behavior.failAfterChunks = 3;
    fake.behavior.failKind = 'drop';
    await expect(collect(provider())).rejects.toMatchObject({ code: expect.stringMatching(/backend_/) });
    fake.behavior.failKind = 'error';
    await expect(collect(provider())).rejects.toMatchObject({
      message: expect.stringContaining('error while processing'),
    });
  });

  it('answers a non-streamed request', async () => {
    fake.behavior.reply = () => 'Short Title';
    const text = await provider().complete({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'x' }],
      signal: new AbortController().signal,
    });
    expect(text).toBe('Short Title');
    expect(fake.requests.at(-1)!.stream).toBeFalsy();
  });
});

describe('extra OpenAI-compatible endpoints in settings', () => {
  it('each endpoint is its own provider, keys are stored encrypted and never shown, answers stream', async () => {
    const s = openServices(makeTempDir(), { env: {} });
    open.push(s);
    const view = await callOk(s, 'settings.update', {
      openaiEndpoints: [{ label: 'Local LM', baseUrl: fake.baseUrl + '/', apiKey: fake.apiKey }],
    });
    expect(view.openaiEndpoints).toEqual([
      { id: 'oai-local-lm', label: 'Local LM', baseUrl: fake.baseUrl, apiKeySet: true, apiKeyUnreadable: false },
    ]);
    expect(JSON.stringify(view)).not.toContain(fake.apiKey);
    const stored = s.db.prepare(`SELECT value FROM settings WHERE key = 'openaiEndpoints'`).get() as { value: string };
    expect(stored.value).not.toContain(fake.apiKey);

    const list = await callOk(s, 'models.list');
    expect(list.providers.map((p) => [p.providerId, p.label, p.ok])).toEqual([
      ['ollama', 'Ollama', false],
      ['oai-local-lm', 'Local LM', true],
    ]);
    expect(list.models.map((m) => m.id)).toEqual(['oai-local-lm/gpt-4.1', 'oai-local-lm/gpt-4o-mini']);

    const rec = recordEvents(s);
    const r = await callOk(s, 'messages.send', { model: 'oai-local-lm/gpt-4o-mini', content: 'ping' });
    const done = await rec.done(r.assistantMessage.id);
    expect(done.status).toBe('done');
    expect(done.content).toContain('you asked "ping"');
    expect(done.stats?.completionTokens).toBeGreaterThan(0);

    // Editing keeps the stored key when none is given; a second endpoint gets its own id.
    const v2 = await callOk(s, 'settings.update', {
      openaiEndpoints: [
        { id: 'oai-local-lm', label: 'Local LM', baseUrl: fake.baseUrl },
        { label: 'Local LM', baseUrl: fake.baseUrl, apiKey: 'sk-wrong-key-123456' },
      ],
    });
    expect(v2.openaiEndpoints.map((e) => [e.id, e.apiKeySet])).toEqual([
      ['oai-local-lm', true],
      ['oai-local-lm-2', true],
    ]);
    const bad = await callOk(s, 'messages.send', { model: 'oai-local-lm-2/gpt-4o-mini', content: 'ping' });
    const failed = await rec.done(bad.assistantMessage.id);
    expect(failed.status).toBe('error');
    expect(failed.error).toMatchObject({ code: 'unauthorized' });
    expect(failed.error!.message).toContain('Local LM refused the API key (HTTP 401)');

    const v3 = await callOk(s, 'settings.update', { openaiEndpoints: [] });
    expect(v3.openaiEndpoints).toEqual([]);
  });
});
