/**
 * Gathers streamed text and hands it on at most once per interval (about one frame), so a
 * fast model does not turn into thousands of IPC/WebSocket messages a second.
 */
export class DeltaCoalescer {
  private pending = '';
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly flushTo: (text: string) => void,
    private readonly intervalMs = 16,
  ) {}

  push(text: string): void {
    this.pending += text;
    if (!this.timer) this.timer = setTimeout(() => this.flush(), this.intervalMs);
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (!this.pending) return;
    const text = this.pending;
    this.pending = '';
    this.flushTo(text);
  }
}
