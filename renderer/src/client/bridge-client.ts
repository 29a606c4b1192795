/** Wraps a raw bridge (IPC or HTTP/WS) into the typed HearthClient the features use. */
import type { EventEnvelope, EventName, EventPayload, HearthBridge, HearthClient } from '../../../shared/contract';
import { ClientError } from './client-error';

export function clientFromBridge(bridge: HearthBridge): HearthClient {
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  bridge.subscribe((envelope: EventEnvelope) => {
    const set = listeners.get(envelope.event);
    if (set) for (const l of set) (l as (p: unknown) => void)(envelope.payload);
  });
  return {
    async call(method, input) {
      const result = await bridge.call(method, input);
      if (!result.ok) throw ClientError.from(result.error);
      return result.value as never;
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: never) => void);
      return () => set!.delete(listener as (payload: never) => void);
    },
  };
}
