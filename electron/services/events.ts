/** The typed event hub services publish to; transports subscribe and forward. */
import type { EventEnvelope, EventName, EventPayload } from '../../shared/contract';

export type EventListener = (envelope: EventEnvelope) => void;

export class EventHub {
  private readonly listeners = new Set<EventListener>();
  /** Events held while `atomic` runs: sent once it returns, dropped if it throws. */
  private held: EventEnvelope[] | null = null;

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const envelope = { event, payload } as EventEnvelope;
    if (this.held) this.held.push(envelope);
    else this.deliver(envelope);
  }

  /**
   * Run `write` (a database transaction) holding the events it emits: they go out only when it
   * succeeds, so a write rolled back (a full disk, say) never shows rows that were not stored.
   */
  atomic<T>(write: () => T): T {
    if (this.held) return write(); // nested: the outer call decides
    const held: EventEnvelope[] = (this.held = []);
    let result: T;
    try {
      result = write();
    } finally {
      this.held = null;
    }
    for (const envelope of held) this.deliver(envelope);
    return result;
  }

  private deliver(envelope: EventEnvelope): void {
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
