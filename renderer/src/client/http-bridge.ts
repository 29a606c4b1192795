/**
 * serve mode's bridge: POST /api/call/<method> for calls, one WebSocket at /api/events for events,
 * reconnecting with backoff. Auth rides on the HttpOnly cookie the server set, so no token lives here.
 */
import type { CallResult, EventEnvelope, HearthBridge } from '../../../shared/contract';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export function createHttpBridge(
  base: string = location.origin,
  onConnection: (state: ConnectionState) => void = () => {},
): HearthBridge {
  const listeners = new Set<(e: EventEnvelope) => void>();
  let socket: WebSocket | null = null;
  let attempts = 0;

  const connect = () => {
    onConnection('connecting');
    const url = new URL('/api/events', base);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      attempts = 0;
      onConnection('open');
    };
    ws.onmessage = (m) => {
      let envelope: EventEnvelope;
      try {
        envelope = JSON.parse(String(m.data)) as EventEnvelope;
      } catch {
        return;
      }
      for (const l of listeners) l(envelope);
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      onConnection('closed');
      const delay = Math.min(10_000, 250 * 2 ** attempts++);
      setTimeout(connect, delay);
    };
  };
  connect();

  return {
    async call(method, input): Promise<CallResult<unknown>> {
      let res: Response;
      try {
        res = await fetch(new URL(`/api/call/${encodeURIComponent(method)}`, base), {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(input ?? {}),
          credentials: 'same-origin',
        });
      } catch {
        return {
          ok: false,
          error: { code: 'backend_unreachable', message: 'Hearth is not answering. Is `hearth serve` still running?' },
        };
      }
      try {
        return (await res.json()) as CallResult<unknown>;
      } catch {
        return {
          ok: false,
          error: { code: 'internal', message: `Hearth answered HTTP ${res.status} without a result.` },
        };
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
