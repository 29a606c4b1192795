/**
 * The one pull state: the Models page and a chat's offer to pull a missing model read the same
 * record; a pull offered under a failed answer answers it again once installed, once; cancel keeps
 * the bytes and Resume continues (with the retry still due); failures in plain words.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventName, EventPayload } from '../../../../shared/contract';

type Listener = (payload: unknown) => void;

const fake = vi.hoisted(() => {
  const state = {
    calls: [] as { method: string; input: unknown }[],
    listeners: new Map<string, Set<Listener>>(),
    fail: null as null | ((method: string) => Error | null),
  };
  class ClientError extends Error {}
  const client = {
    async call(method: string, input: unknown) {
      state.calls.push({ method, input });
      const err = state.fail?.(method);
      if (err) throw err;
      if (method === 'models.pull') return { started: true };
      if (method === 'models.pullCancel') return { cancelled: true };
      // Other replies are not what these tests look at: never answer them.
      return new Promise(() => {});
    },
    on(event: string, listener: Listener) {
      if (!state.listeners.has(event)) state.listeners.set(event, new Set());
      state.listeners.get(event)!.add(listener);
      return () => state.listeners.get(event)!.delete(listener);
    },
  };
  return { state, client, ClientError };
});

vi.mock('../../client', () => ({
  client: fake.client,
  onConnectionChange: () => () => {},
  ClientError: fake.ClientError,
  transport: 'http',
}));

const { createAppStore, wireEvents } = await import('../../app/store');
let store: ReturnType<typeof createAppStore>;

function emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
  for (const l of fake.state.listeners.get(event) ?? []) l(payload);
}
const progress = (p: Partial<EventPayload<'models.pullProgress'>>): EventPayload<'models.pullProgress'> => ({
  model: 'ollama/llama3.2:1b',
  status: 'pulling aaaa',
  done: false,
  ...p,
});
const calls = (method: string) => fake.state.calls.filter((c) => c.method === method).map((c) => c.input);

beforeEach(() => {
  fake.state.calls = [];
  fake.state.listeners.clear();
  fake.state.fail = null;
  store = createAppStore();
  wireEvents(store.getState, fake.client.on as never);
});

describe('one pull state', () => {
  it('a pull offered under a failed answer is on the Models page too, and answers again once installed', async () => {
    await store.getState().pullModel('llama3.2:1b', { providerId: 'ollama', retryMessageId: 'm1' });
    expect(calls('models.pull')).toEqual([{ model: 'ollama/llama3.2:1b' }]);
    expect(store.getState().pullOrder).toEqual(['ollama/llama3.2:1b']);
    expect(store.getState().pulls['ollama/llama3.2:1b']).toMatchObject({ phase: 'starting', done: false });

    emit('models.pullProgress', progress({ overallCompleted: 250, overallTotal: 1000, layers: [] }));
    expect(store.getState().pulls['ollama/llama3.2:1b']).toMatchObject({ completed: 250, total: 1000 });
    expect(calls('messages.regenerate')).toEqual([]);

    emit(
      'models.pullProgress',
      progress({ status: 'success', done: true, overallCompleted: 1000, overallTotal: 1000 }),
    );
    expect(store.getState().pulls['ollama/llama3.2:1b']).toMatchObject({ phase: 'success', done: true });
    expect(calls('messages.regenerate')).toEqual([{ messageId: 'm1' }]);
    expect(calls('models.list')).toHaveLength(1);
    // A second success (the same model pulled again later) does not answer that message again.
    emit('models.pullProgress', progress({ status: 'success', done: true }));
    expect(calls('messages.regenerate')).toHaveLength(1);
  });

  it('a pull started elsewhere is recorded from its events alone', () => {
    emit('models.pullProgress', progress({ model: 'ollama-box/phi4', overallCompleted: 1, overallTotal: 4 }));
    expect(store.getState().pullOrder).toEqual(['ollama-box/phi4']);
    expect(store.getState().pulls['ollama-box/phi4']).toMatchObject({ providerId: 'ollama-box', name: 'phi4' });
  });

  it('cancel installs nothing and retries nothing; Resume keeps the bytes and the retry still due', async () => {
    await store.getState().pullModel('llama3.2:1b', { providerId: 'ollama', retryMessageId: 'm1' });
    emit('models.pullProgress', progress({ overallCompleted: 300, overallTotal: 1000 }));
    await store.getState().cancelPull('ollama/llama3.2:1b');
    emit('models.pullProgress', progress({ status: 'cancelled', done: true, cancelled: true, overallCompleted: 300 }));
    expect(store.getState().pulls['ollama/llama3.2:1b']).toMatchObject({ phase: 'cancelled', completed: 300 });
    expect(calls('messages.regenerate')).toEqual([]);
    expect(calls('models.list')).toEqual([]);

    // Resume from the Models page (no retry given): the bar starts at the kept bytes.
    await store.getState().pullModel('llama3.2:1b', { providerId: 'ollama' });
    expect(store.getState().pulls['ollama/llama3.2:1b']).toMatchObject({
      phase: 'starting',
      completed: 300,
      total: 1000,
    });
    emit('models.pullProgress', progress({ status: 'success', done: true }));
    expect(calls('messages.regenerate')).toEqual([{ messageId: 'm1' }]);
  });

  it('a pull that is running is not started twice', async () => {
    await store.getState().pullModel('llama3.2:1b', { providerId: 'ollama' });
    await store.getState().pullModel('llama3.2:1b', { providerId: 'ollama', retryMessageId: 'm1' });
    expect(calls('models.pull')).toHaveLength(1);
  });

  it('keeps a failure in plain words and as the service said it', async () => {
    await store.getState().pullModel('nosuch', { providerId: 'ollama', retryMessageId: 'm1' });
    const raw = 'Ollama could not pull "nosuch": pull model manifest: file does not exist';
    emit('models.pullProgress', progress({ model: 'ollama/nosuch', status: 'error', done: true, error: raw }));
    expect(store.getState().pulls['ollama/nosuch']).toMatchObject({ phase: 'error', rawError: raw });
    expect(store.getState().pulls['ollama/nosuch']!.error).toContain('“nosuch” is not in the Ollama library');
    expect(calls('messages.regenerate')).toEqual([]);

    fake.state.fail = (m) => (m === 'models.pull' ? new fake.ClientError('Ollama is not running.') : null);
    await store.getState().pullModel('phi4', { providerId: 'ollama' });
    expect(store.getState().pulls['ollama/phi4']).toMatchObject({
      phase: 'error',
      done: true,
      error: 'Ollama is not running.',
      rawError: 'Ollama is not running.',
    });
  });
});
