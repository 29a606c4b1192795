/** models.pull: Ollama's /api/pull progress becomes 'models.pullProgress' events; then the model answers. */
import { describe, expect, it } from 'vitest';
import { type FakeOllama } from '../../../e2e/support/fake-ollama';
import type { EventPayload } from '../../../shared/contract';
import type { AppServices } from '../app-services';
import { callOk, makeTempDir, openServices, recordEvents, useFakeOllama } from '../../../e2e/support/services';

let fake: FakeOllama;
const open: AppServices[] = [];
useFakeOllama(open, (f) => (fake = f));

describe('models.pull', () => {
  it('streams progress, adds the model, and a regenerate of the failed answer then works', async () => {
    const s = openServices(makeTempDir(), { env: { OLLAMA_BASE_URL: fake.url } });
    open.push(s);
    const rec = recordEvents(s);
    const sent = await callOk(s, 'messages.send', { model: 'ollama/mistral:7b', content: 'hi' });
    expect((await rec.done(sent.assistantMessage.id)).error?.code).toBe('model_not_found');

    expect(await callOk(s, 'models.pull', { model: 'ollama/mistral:7b' })).toEqual({ started: true });
    const last = await rec.waitFor((e) => e.event === 'models.pullProgress' && e.payload.done);
    expect(last.payload).toMatchObject({ model: 'ollama/mistral:7b', status: 'success', done: true });
    const progress = rec.seen.flatMap((e) =>
      e.event === 'models.pullProgress' ? [e.payload as EventPayload<'models.pullProgress'>] : [],
    );
    expect(progress[0]!.status).toBe('pulling manifest');
    const bytes = progress.filter((p) => p.total);
    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes.at(-1)!.completed).toBe(bytes.at(-1)!.total);
    expect(fake.pulls.map((p) => p.model ?? p.name)).toEqual(['mistral:7b']);
    expect((await callOk(s, 'models.list')).models.map((m) => m.id)).toContain('ollama/mistral:7b');

    const again = await callOk(s, 'messages.regenerate', { messageId: sent.assistantMessage.id });
    expect((await rec.done(again.assistantMessage.id)).status).toBe('done');
  });

  it('reports a failed pull in the last event', async () => {
    const s = openServices(makeTempDir(), { env: { OLLAMA_BASE_URL: fake.url } });
    open.push(s);
    const rec = recordEvents(s);
    await callOk(s, 'models.pull', { model: 'ollama/nosuchmodel' });
    const last = await rec.waitFor((e) => e.event === 'models.pullProgress' && e.payload.done);
    expect(last.payload).toMatchObject({ status: 'error', done: true });
    expect((last.payload as { error?: string }).error).toMatch(/^Ollama has no model called "nosuchmodel"; check/);
    const r = await s.router.call('models.pull', { model: 'openai/gpt-4o' });
    expect(r.ok).toBe(true); // falls back to the Ollama provider for a name without a known provider
  });
});
