/**
 * Gathers streamed text and hands it on at most once per interval (about one frame), so a
 * fast model does not turn into thousands of IPC/WebSocket messages a second. Leading edge: text
 * arriving after a quiet interval (the first token above all) goes out at once.
 */
export class DeltaCoalescer {
  private pending = '';
  private timer: NodeJS.Timeout | null = null;
  private lastFlush = -Infinity;

  constructor(
    private readonly flushTo: (text: string) => void,
    private readonly intervalMs = 16,
    private readonly now: () => number = () => performance.now(),
  ) {}

  push(text: string): void {
    this.pending += text;
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
    if (!this.pending) return;
    const text = this.pending;
    this.pending = '';
    this.lastFlush = this.now();
    this.flushTo(text);
  }
}
