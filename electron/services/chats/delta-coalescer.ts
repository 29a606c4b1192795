/**
 * Gathers streamed text (the answer and, for thinking models, the reasoning) and hands it on at
 * most once per interval (about one frame), so a fast model does not turn into thousands of
 * IPC/WebSocket messages a second. Leading edge: text arriving after a quiet interval (the first
 * token above all) goes out at once (shared/leading-throttle.ts decides when). Both channels
 * travel in the same flush.
 */
import { hostClock, LeadingThrottle } from '../../../shared/leading-throttle';

export interface CoalescedDelta {
  content: string;
  thinking: string;
}

export class DeltaCoalescer {
  private pending = '';
  private pendingThinking = '';
  private readonly throttle: LeadingThrottle;

  constructor(
    private readonly flushTo: (delta: CoalescedDelta) => void,
    intervalMs = 16,
    now: () => number = hostClock.now,
  ) {
    this.throttle = new LeadingThrottle(() => this.send(), intervalMs, { ...hostClock, now });
  }

  push(text: string, channel: 'content' | 'thinking' = 'content'): void {
    if (!text) return;
    if (channel === 'thinking') this.pendingThinking += text;
    else this.pending += text;
    this.throttle.schedule();
  }

  /** Send what is pending now (the stream ended); nothing pending, nothing sent. */
  flush(): void {
    if (this.pending || this.pendingThinking) this.throttle.flush();
  }

  private send(): void {
    const delta = { content: this.pending, thinking: this.pendingThinking };
    this.pending = '';
    this.pendingThinking = '';
    this.flushTo(delta);
  }
}
