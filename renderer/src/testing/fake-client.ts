/**
 * Test support (never imported by the app): a fake of renderer/src/client for slice tests. Calls are
 * recorded and answered from `fake.state.replies` (a value, or a function of the input that may
 * throw); a method with no reply never answers. Events are sent with `emit`. Use it with
 *   vi.mock('../../client', async () => (await import('../../testing/fake-client')).fakeClientModule);
 */
import type { EventName, EventPayload } from '../../../shared/contract';

type Listener = (payload: unknown) => void;

class ClientError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const state = {
  calls: [] as { method: string; input: unknown }[],
  listeners: new Map<string, Set<Listener>>(),
  replies: {} as Record<string, unknown>,
};

const client = {
  async call(method: string, input: unknown) {
    state.calls.push({ method, input });
    if (!(method in state.replies)) return new Promise(() => {});
    const r = state.replies[method];
    return typeof r === 'function' ? (r as (i: unknown) => unknown)(input) : r;
  },
  on(event: string, listener: Listener) {
    if (!state.listeners.has(event)) state.listeners.set(event, new Set());
    state.listeners.get(event)!.add(listener);
    return () => state.listeners.get(event)!.delete(listener);
  },
};

export const fake = { state, client, ClientError };

/** What vi.mock puts in place of renderer/src/client. */
export const fakeClientModule = {
  client,
  onConnectionChange: () => () => {},
  ClientError,
  transport: 'http',
};

/** Forget calls, listeners and replies (between tests). */
export function resetFake(): void {
  state.calls = [];
  state.listeners.clear();
  state.replies = {};
}

export function emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
  for (const l of state.listeners.get(event) ?? []) l(payload);
}

/** The inputs of every call to `method`, in order. */
export const calls = (method: string) => state.calls.filter((c) => c.method === method).map((c) => c.input);
