/**
 * Hearth's backup archive: a gzip-compressed tar whose first entry is `manifest.json` (what it is,
 * when, which Hearth, the counts, and every file's size and SHA-256), then `hearth.db` (a copy made
 * with SQLite's online backup API, never a file copy of the live database), then the files under
 * `attachments/` and `images/` (thumbnails are left out: they are made again).
 *
 *   collectFiles(dataDir, dbCopy)        the entries to write, with their sizes
 *   writeArchive({ out, entries, … })    hashes every entry, writes `<out>.partial`, flushes it, renames
 *                                        it to `out`: a killed backup leaves only a .partial file
 *   readManifest(file)                   the manifest alone (the first entry; cheap), or a BackupError
 *   verifyArchive(file, stagingDir?)     reads the whole archive: the manifest, then every entry in its
 *                                        order with its size and checksum (no extra, none missing, only
 *                                        safe paths); with stagingDir the files are written there
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGunzip, createGzip, constants as zlib } from 'node:zlib';
import type { BackupCounts, BackupReason } from '../../../shared/types/backups';
import { inside } from '../util/safe-path';
import { createTarWriter, readTar, TarError } from './tar';

export const MANIFEST_NAME = 'manifest.json';
const MANIFEST_MAX = 64 * 1024 * 1024;
export const ARCHIVE_FORMAT = 'hearth-backup';
export const ARCHIVE_VERSION = 1;

export interface ManifestFile {
  path: string;
  size: number;
  sha256: string;
}

export interface BackupManifest {
  format: typeof ARCHIVE_FORMAT;
  version: number;
  createdAt: number;
  reason: BackupReason;
  appVersion: string;
  schemaVersion: number;
  deviceId: string;
  counts: BackupCounts;
  files: ManifestFile[];
}

/** An archive that cannot be used, in plain words. */
export class BackupError extends Error {}

/** `hearth.db`, or a file under attachments/ or images/ with plain names (no `..`, no odd characters). */
const SAFE_PATH = /^(hearth\.db|(attachments|images)(\/[A-Za-z0-9._-]{1,200}){1,6})$/;

export function isSafeEntryPath(p: string): boolean {
  return SAFE_PATH.test(p) && !p.split('/').some((s) => s === '.' || s === '..');
}

export interface ArchiveEntry {
  path: string;
  source: string;
  size: number;
}

function walk(root: string, rel: string, out: ArchiveEntry[], skip: (rel: string) => boolean): void {
  const dir = join(root, rel);
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const name of names) {
    const r = `${rel}/${name}`;
    if (skip(r)) continue;
    const full = join(root, r);
    let st;
    try {
      st = statSync(full);
    } catch {
      continue; // removed meanwhile
    }
    if (st.isDirectory()) walk(root, r, out, skip);
    else if (st.isFile() && isSafeEntryPath(r)) out.push({ path: r, source: full, size: st.size });
  }
}

/** What a backup of `dataDir` holds: the database copy, then attachments and images (no thumbnails or temp files). */
export function collectFiles(dataDir: string, dbCopy: string): ArchiveEntry[] {
  const entries: ArchiveEntry[] = [{ path: 'hearth.db', source: dbCopy, size: statSync(dbCopy).size }];
  const skip = (r: string) => r === 'images/thumbs' || /\.(tmp|partial)$/.test(r) || /\/\.[^/]*$/.test(r);
  walk(dataDir, 'attachments', entries, skip);
  walk(dataDir, 'images', entries, skip);
  return entries;
}

async function sha256Of(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

export interface WriteProgress {
  (done: number, total: number): void;
}

/**
 * Writes the archive: first every entry is hashed (the manifest comes first in the archive), then the
 * archive is written to `<out>.partial` (each entry hashed again on the way: a file that changed in
 * between fails the backup instead of making a wrong one), flushed and renamed to `out`.
 */
export async function writeArchive(o: {
  out: string;
  entries: ArchiveEntry[];
  manifest: Omit<BackupManifest, 'files' | 'format' | 'version'>;
  onProgress?: WriteProgress;
}): Promise<BackupManifest> {
  const total = o.entries.reduce((n, e) => n + e.size, 0) * 2;
  let done = 0;
  const files: ManifestFile[] = [];
  for (const e of o.entries) {
    files.push({ path: e.path, size: e.size, sha256: await sha256Of(e.source) });
    done += e.size;
    o.onProgress?.(done, total);
  }
  const manifest: BackupManifest = { format: ARCHIVE_FORMAT, version: ARCHIVE_VERSION, ...o.manifest, files };
  const partial = `${o.out}.partial`;
  mkdirSync(dirname(o.out), { recursive: true, mode: 0o700 });
  const gzip = createGzip({ level: zlib.Z_BEST_SPEED });
  const file = createWriteStream(partial, { mode: 0o600 });
  const written = pipeline(gzip, file);
  try {
    const tar = createTarWriter(gzip);
    const body = Buffer.from(JSON.stringify(manifest));
    await tar.file(MANIFEST_NAME, body.length, Readable.from([body]), manifest.createdAt);
    for (let i = 0; i < o.entries.length; i++) {
      const e = o.entries[i]!;
      const h = createHash('sha256');
      const source = createReadStream(e.source, { highWaterMark: 1024 * 1024 });
      source.on('data', (chunk) => {
        h.update(chunk as Buffer);
        done += (chunk as Buffer).length;
        o.onProgress?.(done, total);
      });
      await tar.file(e.path, e.size, source, manifest.createdAt);
      if (h.digest('hex') !== files[i]!.sha256)
        throw new BackupError(`${e.path} changed while it was being backed up.`);
    }
    await tar.end();
    gzip.end();
    await written;
    // On disk before it gets its real name: a crash never leaves a complete-looking archive that is not.
    const fh = await open(partial, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    renameSync(partial, o.out);
    return manifest;
  } catch (err) {
    gzip.destroy();
    await written.catch(() => {});
    rmSync(partial, { force: true });
    throw err;
  }
}

function describe(err: unknown): BackupError {
  if (err instanceof BackupError) return err;
  if (err instanceof TarError) return new BackupError(err.message);
  const code = (err as { code?: string })?.code;
  if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR' || /incorrect header check|unexpected end/i.test(String(err))) {
    return new BackupError('The file is not a Hearth backup, or it is damaged (it is not a readable archive).');
  }
  if (code === 'ENOENT') return new BackupError('The backup file is not there any more.');
  return new BackupError(`The backup could not be read: ${err instanceof Error ? err.message : String(err)}`);
}

class Stop extends Error {}

async function collect(body: AsyncIterable<Buffer>, max: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const c of body) {
    n += c.length;
    if (n > max) throw new BackupError('The file is not a Hearth backup (its first entry is too large).');
    parts.push(c);
  }
  return Buffer.concat(parts);
}

function parseManifest(buf: Buffer): BackupManifest {
  let m: Partial<BackupManifest>;
  try {
    m = JSON.parse(buf.toString('utf8')) as Partial<BackupManifest>;
  } catch {
    throw new BackupError('The file is not a Hearth backup (its manifest is not readable).');
  }
  if (m?.format !== ARCHIVE_FORMAT) throw new BackupError('The file is not a Hearth backup.');
  if (m.version !== ARCHIVE_VERSION) {
    throw new BackupError(
      `This backup was made by a newer Hearth (format ${String(m.version)}); update Hearth to restore it.`,
    );
  }
  const num = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
  const c = m.counts;
  if (
    !num(m.createdAt) ||
    !num(m.schemaVersion) ||
    typeof m.appVersion !== 'string' ||
    typeof m.deviceId !== 'string' ||
    !['daily', 'manual', 'pre-migration'].includes(m.reason as string) ||
    !c ||
    ![c.chats, c.messages, c.attachments, c.images].every(num) ||
    !Array.isArray(m.files) ||
    m.files.length === 0 ||
    m.files[0]?.path !== 'hearth.db'
  ) {
    throw new BackupError('The backup’s manifest is incomplete or damaged.');
  }
  const seen = new Set<string>();
  for (const f of m.files) {
    if (!f || typeof f.path !== 'string' || !isSafeEntryPath(f.path) || seen.has(f.path)) {
      throw new BackupError('The backup’s manifest names a file Hearth would not write.');
    }
    if (!num(f.size) || typeof f.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(f.sha256)) {
      throw new BackupError('The backup’s manifest is incomplete or damaged.');
    }
    seen.add(f.path);
  }
  return m as BackupManifest;
}

function gunzipped(file: string): AsyncIterable<Buffer> & { destroy(): void } {
  const src = createReadStream(file, { highWaterMark: 1024 * 1024 });
  const gunzip = createGunzip();
  src.on('error', (e) => gunzip.destroy(e));
  src.pipe(gunzip);
  return {
    [Symbol.asyncIterator]: () => (gunzip as AsyncIterable<Buffer>)[Symbol.asyncIterator](),
    destroy() {
      src.destroy();
      gunzip.destroy();
    },
  };
}

const padded = (n: number) => Math.ceil(n / 512) * 512;

/** The archive's tar stream length, from its manifest (the manifest entry as written, every file, the end blocks). */
export function tarLength(m: BackupManifest): number {
  const manifestBytes = Buffer.byteLength(JSON.stringify(m));
  return 512 + padded(manifestBytes) + m.files.reduce((n, f) => n + 512 + padded(f.size), 0) + 1024;
}

/**
 * Whether the file ends as a whole archive does: gzip's last four bytes hold the length of what it
 * compressed (mod 2^32), which must be the tar length the manifest implies. Catches a copy cut short
 * without reading it all (the full check is verifyArchive's).
 */
export async function endsWhole(file: string, m: BackupManifest): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    if (size < 18) return false;
    const tail = Buffer.alloc(4);
    await fh.read(tail, 0, 4, size - 4);
    return tail.readUInt32LE(0) === tarLength(m) % 2 ** 32;
  } finally {
    await fh.close();
  }
}

/** The manifest alone: the first entry, without reading the rest. */
export async function readManifest(file: string): Promise<BackupManifest> {
  const input = gunzipped(file);
  let manifest: BackupManifest | null = null;
  try {
    await readTar(input, async (h, body) => {
      if (h.name !== MANIFEST_NAME) throw new BackupError('The file is not a Hearth backup (no manifest first).');
      manifest = parseManifest(await collect(body, MANIFEST_MAX));
      throw new Stop();
    });
  } catch (err) {
    if (!(err instanceof Stop)) throw describe(err);
  } finally {
    input.destroy();
  }
  if (!manifest) throw new BackupError('The file is not a Hearth backup (it is empty).');
  return manifest;
}

/**
 * Reads the whole archive and checks it against its manifest; with `stagingDir`, writes the files
 * there (the folder must not exist yet; it is left for the caller). Resolves with the manifest.
 */
export async function verifyArchive(
  file: string,
  stagingDir?: string,
  onProgress?: WriteProgress,
): Promise<BackupManifest> {
  const input = gunzipped(file);
  let manifest: BackupManifest | null = null;
  let index = 0;
  let done = 0;
  try {
    if (stagingDir) mkdirSync(stagingDir, { recursive: false, mode: 0o700 });
    await readTar(input, async (h, body) => {
      if (!manifest) {
        if (h.name !== MANIFEST_NAME) throw new BackupError('The file is not a Hearth backup (no manifest first).');
        manifest = parseManifest(await collect(body, MANIFEST_MAX));
        return;
      }
      const expected = manifest.files[index];
      if (!expected || h.name !== expected.path) {
        throw new BackupError(`The backup holds ${h.name.slice(0, 200)}, which its manifest does not list there.`);
      }
      if (h.size !== expected.size)
        throw new BackupError(`${h.name} in the backup does not have the size its manifest gives.`);
      const total = manifest.files.reduce((n, f) => n + f.size, 0);
      const hash = createHash('sha256');
      let target: string | null = null;
      if (stagingDir) {
        target = inside(stagingDir, ...h.name.split('/'));
        if (!target) throw new BackupError('The backup names a file outside its folder.');
        mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
      }
      const counted = async function* () {
        for await (const c of body) {
          hash.update(c);
          done += c.length;
          onProgress?.(done, total);
          yield c;
        }
      };
      if (target) await pipeline(Readable.from(counted()), createWriteStream(target, { mode: 0o600 }));
      else for await (const _ of counted()) void _;
      if (hash.digest('hex') !== expected.sha256) {
        throw new BackupError(`${h.name} in the backup is damaged (its checksum does not match).`);
      }
      index += 1;
    });
  } catch (err) {
    throw describe(err);
  } finally {
    input.destroy();
  }
  const m = manifest as BackupManifest | null;
  if (!m) throw new BackupError('The file is not a Hearth backup (it is empty).');
  if (index !== m.files.length)
    throw new BackupError('The backup is incomplete: files its manifest lists are missing.');
  return m;
}
