/**
 * A leading-edge throttle: work asked for after a quiet interval runs at once (the first streamed
 * token is never held back); asked for sooner, it runs once the interval since the last run has
 * passed, so it runs at most once per interval however often it is asked for. `flush()` runs it now
 * (a stream that ends). The caller keeps what is pending; the throttle only decides when.
 * Used for streamed text on both sides: the services' DeltaCoalescer and the renderer's delta batches.
 */

/** The clock and timers a throttle uses (tests may pass their own). */
export interface ThrottleClock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The host's monotonic clock and timers, looked up at each call (so fake timers installed later apply). */
export const hostClock: ThrottleClock = {
  now: () => globalThis.performance.now(),
  setTimeout: (run, ms) => globalThis.setTimeout(run, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
};

export class LeadingThrottle {
  private timer: { handle: unknown } | null = null;
  private lastRun = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly run: () => void,
    /** The shortest time between two runs; the owner may change it between runs (adaptive pacing). */
    public intervalMs: number,
    private readonly clock: ThrottleClock = hostClock,
  ) {}

  /** Something is pending: run now when the interval since the last run has passed, else once it has. */
  schedule(): void {
    if (this.timer) return;
    const wait = this.lastRun + this.intervalMs - this.clock.now();
    if (wait <= 0) this.flush();
    else this.timer = { handle: this.clock.setTimeout(() => this.flush(), wait) };
  }

  /** Run now, whatever the interval; a run that was waiting is dropped (this one takes its place). */
  flush(): void {
    if (this.timer) {
      this.clock.clearTimeout(this.timer.handle);
      this.timer = null;
    }
    this.lastRun = this.clock.now();
    this.run();
  }
}
