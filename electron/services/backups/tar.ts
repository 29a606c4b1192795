/**
 * A minimal ustar (POSIX tar) writer and reader for Hearth's backup archives, gzip-compressed. Only
 * regular files, names up to 255 bytes (name + prefix), sizes up to 8 GB — what a backup holds.
 *
 *   createTarWriter(out)            .file(name, size, source) adds one entry from a stream; .end()
 *                                   writes the two zero blocks that close an archive
 *   readTar(input, onEntry)         calls onEntry(header, stream) for each entry in order; the entry's
 *                                   stream must be consumed before the next one is read. Throws
 *                                   TarError on a bad header (checksum), a truncated archive or an
 *                                   entry that is not a regular file.
 */
import type { Readable, Writable } from 'node:stream';
import { once } from 'node:events';

const BLOCK = 512;
export const TAR_MAX_SIZE = 8 * 1024 ** 3 - 1;

export class TarError extends Error {}

export interface TarHeader {
  name: string;
  size: number;
  mtime: number;
}

function octal(value: number, length: number): string {
  return value.toString(8).padStart(length - 1, '0') + '\0';
}

function splitName(name: string): { name: string; prefix: string } {
  const bytes = Buffer.byteLength(name);
  if (bytes <= 100) return { name, prefix: '' };
  // Split at a slash so that the last part fits in 100 bytes and the first in 155.
  for (let i = name.lastIndexOf('/'); i > 0; i = name.lastIndexOf('/', i - 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100) return { name: rest, prefix };
  }
  throw new TarError(`The path ${name} is too long for the archive.`);
}

export function tarHeader(h: TarHeader): Buffer {
  if (!Number.isSafeInteger(h.size) || h.size < 0 || h.size > TAR_MAX_SIZE) {
    throw new TarError(`${h.name} is too large for the archive.`);
  }
  const b = Buffer.alloc(BLOCK);
  const { name, prefix } = splitName(h.name);
  b.write(name, 0, 100, 'utf8');
  b.write(octal(0o600, 8), 100, 'ascii');
  b.write(octal(0, 8), 108, 'ascii');
  b.write(octal(0, 8), 116, 'ascii');
  b.write(octal(h.size, 12), 124, 'ascii');
  b.write(octal(Math.floor(h.mtime / 1000), 12), 136, 'ascii');
  b.write('        ', 148, 'ascii'); // checksum is computed with spaces here
  b.write('0', 156, 'ascii');
  b.write('ustar\0', 257, 'ascii');
  b.write('00', 263, 'ascii');
  b.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(octal(sum, 7) + ' ', 148, 'ascii');
  return b;
}

function parseOctal(b: Buffer, start: number, length: number): number {
  const text = b
    .subarray(start, start + length)
    .toString('ascii')
    .replace(/\0.*$/s, '')
    .trim();
  if (!/^[0-7]*$/.test(text)) throw new TarError('The archive is damaged (a header field is not a number).');
  return text === '' ? 0 : parseInt(text, 8);
}

function parseHeader(b: Buffer): TarHeader | null {
  if (b.every((x) => x === 0)) return null;
  const stored = parseOctal(b, 148, 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : b[i]!;
  if (sum !== stored) throw new TarError('The archive is damaged (a header does not match its checksum).');
  const type = String.fromCharCode(b[156]!);
  const cut = (s: number, l: number) =>
    b
      .subarray(s, s + l)
      .toString('utf8')
      .replace(/\0.*$/s, '');
  const name = cut(0, 100);
  const prefix = b.subarray(257, 262).toString('ascii') === 'ustar' ? cut(345, 155) : '';
  const full = prefix ? `${prefix}/${name}` : name;
  if (type !== '0' && type !== '\0') throw new TarError(`The archive holds ${full}, which is not a plain file.`);
  return { name: full, size: parseOctal(b, 124, 12), mtime: parseOctal(b, 136, 12) * 1000 };
}

export interface TarWriter {
  file(name: string, size: number, source: Readable, mtime?: number): Promise<void>;
  end(): Promise<void>;
}

/** Writes entries to `out` (respecting its back-pressure). */
export function createTarWriter(out: Writable): TarWriter {
  const write = async (chunk: Buffer) => {
    if (!out.write(chunk)) await once(out, 'drain');
  };
  return {
    async file(name, size, source, mtime = Date.now()) {
      await write(tarHeader({ name, size, mtime }));
      let written = 0;
      for await (const chunk of source as AsyncIterable<Buffer>) {
        written += chunk.length;
        if (written > size) throw new TarError(`${name} grew while it was being backed up.`);
        await write(chunk);
      }
      if (written !== size) throw new TarError(`${name} changed while it was being backed up.`);
      const pad = (BLOCK - (size % BLOCK)) % BLOCK;
      if (pad) await write(Buffer.alloc(pad));
    },
    async end() {
      await write(Buffer.alloc(BLOCK * 2));
    },
  };
}

/**
 * Reads a tar stream entry by entry. `onEntry` receives each entry's bytes as an async iterable of
 * chunks and must read it to the end (or throw to stop).
 */
export async function readTar(
  input: AsyncIterable<Buffer>,
  onEntry: (h: TarHeader, body: AsyncIterable<Buffer>) => Promise<void>,
): Promise<void> {
  const it = input[Symbol.asyncIterator]();
  let buf: Buffer = Buffer.alloc(0);
  let ended = false;
  const fill = async (n: number): Promise<boolean> => {
    while (buf.length < n && !ended) {
      const r = await it.next();
      if (r.done) ended = true;
      else buf = buf.length ? Buffer.concat([buf, r.value]) : r.value;
    }
    return buf.length >= n;
  };
  const truncated = () => new TarError('The archive is incomplete (it ends in the middle).');
  for (;;) {
    if (!(await fill(BLOCK))) {
      if (buf.length === 0) throw new TarError('The archive is incomplete (its end marker is missing).');
      throw truncated();
    }
    const header = parseHeader(buf.subarray(0, BLOCK));
    buf = buf.subarray(BLOCK);
    if (!header) return; // the end marker
    let left = header.size;
    async function* body(): AsyncGenerator<Buffer> {
      while (left > 0) {
        if (buf.length === 0 && !(await fill(1))) throw truncated();
        const take = Math.min(left, buf.length);
        const chunk = buf.subarray(0, take);
        buf = buf.subarray(take);
        left -= take;
        yield chunk;
      }
    }
    await onEntry(header, body());
    if (left > 0) throw new TarError(`${header.name} was not read to its end.`);
    const pad = (BLOCK - (header.size % BLOCK)) % BLOCK;
    if (pad) {
      if (!(await fill(pad))) throw truncated();
      buf = buf.subarray(pad);
    }
  }
}
