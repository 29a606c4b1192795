/** The typed event hub services publish to; transports subscribe and forward. */
import type { EventEnvelope, EventName, EventPayload } from '../../shared/contract';

export type EventListener = (envelope: EventEnvelope) => void;

export class EventHub {
  private readonly listeners = new Set<EventListener>();

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const envelope = { event, payload } as EventEnvelope;
    for (const listener of this.listeners) {
      try {
        listener(envelope);
      } catch {
        // A broken subscriber must not break the publisher or other subscribers.
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }
}
