/**
 * An append-only log file rotated by size (`x.log`, `x.log.1`, `.2`…), read back as a tail for the
 * app and for error messages: the bundled Ollama's output (ollama.log) and Hearth's own log
 * (hearth.log). Files are created owner-only (0600).
 */
import { closeSync, existsSync, fstatSync, openSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';

export interface RotatingLogOptions {
  /** Rotate when the current file would pass this size. */
  maxBytes?: number;
  /** Files kept in all, the current one included. */
  files?: number;
}

export class RotatingLog {
  private fd: number | null = null;
  private size = 0;
  private readonly maxBytes: number;
  private readonly files: number;

  constructor(
    readonly file: string,
    o: RotatingLogOptions = {},
  ) {
    this.maxBytes = o.maxBytes ?? 5 * 1024 * 1024;
    this.files = Math.max(1, o.files ?? 3);
  }

  /** Never throws: a log that cannot be written (disk full, folder removed) must not take the app down. */
  write(chunk: string | Buffer): void {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    try {
      if (this.fd === null) this.open();
      if (this.size > 0 && this.size + buf.length > this.maxBytes) {
        this.rotate();
        this.open();
      }
      writeSync(this.fd!, buf);
      this.size += buf.length;
      this.failed = null;
    } catch (err) {
      this.failed = err as Error;
      try {
        this.close();
      } catch {
        this.fd = null;
      }
    }
  }

  /** The last write error, if the last write failed. */
  failed: Error | null = null;

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private open(): void {
    this.fd = openSync(this.file, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
  }

  private rotate(): void {
    this.close();
    rmSync(`${this.file}.${this.files - 1}`, { force: true });
    for (let i = this.files - 2; i >= 1; i--) {
      if (existsSync(`${this.file}.${i}`)) renameSync(`${this.file}.${i}`, `${this.file}.${i + 1}`);
    }
    if (this.files > 1) renameSync(this.file, `${this.file}.1`);
    else rmSync(this.file, { force: true });
  }
}

/** The last `lines` lines of the log, reaching into the previous file when the current one is short. */
export function tailLog(file: string, lines: number, maxBytes = 1024 * 1024): string {
  const out: string[] = [];
  for (const f of [file, `${file}.1`]) {
    if (out.length >= lines || !existsSync(f)) continue;
    const got = readTail(f, maxBytes).split(/\r?\n/);
    if (got.at(-1) === '') got.pop();
    out.unshift(...got.slice(-(lines - out.length)));
  }
  return out.join('\n');
}

function readTail(file: string, maxBytes: number): string {
  const size = statSync(file).size;
  const len = Math.min(size, maxBytes);
  const buf = Buffer.alloc(len);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buf, 0, len, size - len);
  } finally {
    closeSync(fd);
  }
  let text = buf.toString('utf8');
  // A partial first line (cut by maxBytes) is dropped.
  if (len < size) text = text.slice(text.indexOf('\n') + 1);
  return text;
}
