/**
 * Gathers streamed text (the answer and, for thinking models, the reasoning) and hands it on at
 * most once per interval (about one frame), so a fast model does not turn into thousands of
 * IPC/WebSocket messages a second. Leading edge: text arriving after a quiet interval (the first
 * token above all) goes out at once. Both channels travel in the same flush.
 */
export interface CoalescedDelta {
  content: string;
  thinking: string;
}

export class DeltaCoalescer {
  private pending = '';
  private pendingThinking = '';
  private timer: NodeJS.Timeout | null = null;
  private lastFlush = -Infinity;

  constructor(
    private readonly flushTo: (delta: CoalescedDelta) => void,
    private readonly intervalMs = 16,
    private readonly now: () => number = () => performance.now(),
  ) {}

  push(text: string, channel: 'content' | 'thinking' = 'content'): void {
    if (channel === 'thinking') this.pendingThinking += text;
    else this.pending += text;
    if (this.timer) return;
    const wait = this.lastFlush + this.intervalMs - this.now();
    if (wait <= 0) this.flush();
    else this.timer = setTimeout(() => this.flush(), wait);
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (!this.pending && !this.pendingThinking) return;
    const delta = { content: this.pending, thinking: this.pendingThinking };
    this.pending = '';
    this.pendingThinking = '';
    this.lastFlush = this.now();
    this.flushTo(delta);
  }
}
