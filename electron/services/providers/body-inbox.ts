/**
 * What the two streamed-answer readers (http1.ts for plain http, http-stream.ts's node:https path)
 * share: the body bytes waiting for the reader, handed over all at once and decoded as UTF-8 once
 * per read, and the idle watch that fails a request when nothing arrives.
 */

/** Something that can be read to its end in pieces. */
export interface Readable {
  read(): Promise<{ done: boolean; text: string }>;
}

/** The rest of an answer as one string (error bodies). */
export async function readRest(answer: Readable): Promise<string> {
  let all = '';
  for (;;) {
    const { done, text } = await answer.read();
    all += text;
    if (done) return all;
  }
}

/** How many bytes of `b` end on a character boundary (a UTF-8 sequence cut at the end is left out). */
export function wholeCharacters(b: Uint8Array): number {
  const end = b.length;
  let i = end - 1;
  let continuation = 0;
  while (i >= 0 && continuation < 3 && (b[i]! & 0xc0) === 0x80) {
    i--;
    continuation++;
  }
  if (i < 0) return end;
  const lead = b[i]!;
  const length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return length > continuation + 1 ? i : end;
}

/** Body bytes arrived since the last read, and how the body ended. */
export class BodyInbox implements Readable {
  private pending: Buffer[] = [];
  private bytes = 0;
  /** The start of a character whose last bytes are still to come. */
  private carry: Buffer | null = null;
  private endedFlag = false;
  private error: Error | null = null;
  private discarded = false;
  private wake: (() => void) | null = null;

  /** `taken`: a read took what was waiting (a paused source may go on). */
  constructor(private readonly taken: () => void) {}

  get size(): number {
    return this.bytes;
  }

  get ended(): boolean {
    return this.endedFlag;
  }

  /** Ended or failed: nothing more comes. */
  get settled(): boolean {
    return this.endedFlag || this.error !== null;
  }

  push(b: Buffer): void {
    if (this.discarded || b.length === 0) return;
    this.pending.push(b);
    this.bytes += b.length;
    this.notify();
  }

  /** The body is complete; false if it had already ended or failed. */
  end(): boolean {
    if (this.settled) return false;
    this.endedFlag = true;
    this.notify();
    return true;
  }

  /** The body broke off; false if it had already ended or failed. */
  fail(err: Error): boolean {
    if (this.settled) return false;
    this.error = err;
    this.notify();
    return true;
  }

  /** The reader stopped: what waits and what comes is dropped. */
  discard(): void {
    this.discarded = true;
    this.pending = [];
    this.bytes = 0;
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  async read(): Promise<{ done: boolean; text: string }> {
    while (!this.bytes && !this.settled) {
      await new Promise<void>((r) => (this.wake = r));
    }
    if (this.bytes) {
      if (this.carry) this.pending.unshift(this.carry);
      const bytes = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
      this.pending = [];
      this.bytes = 0;
      this.taken();
      const whole = wholeCharacters(bytes);
      this.carry = whole < bytes.length ? Buffer.from(bytes.subarray(whole)) : null;
      return { done: false, text: bytes.toString('utf8', 0, whole) };
    }
    if (this.error) throw this.error;
    const rest = this.carry;
    this.carry = null;
    return { done: true, text: rest ? rest.toString('utf8') : '' };
  }
}

/**
 * Fails a request when no byte came for `ms`. Checked five times per `ms`, so each piece of data
 * costs one assignment rather than a timer reset (a fast backend sends thousands a second).
 */
export class IdleWatch {
  private quiet = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(ms: number, onIdle: () => void) {
    this.timer = setInterval(() => {
      if (++this.quiet > 4) {
        this.stop();
        onIdle();
      }
    }, ms / 4);
    this.timer.unref();
  }

  seen(): void {
    this.quiet = 0;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
