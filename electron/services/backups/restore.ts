/**
 * Restore a backup archive into a data folder whose database is closed (the CLI, or a host that
 * closed its services first). Nothing is touched until the whole archive has been checked:
 *
 *   1. verifyArchive into `<data>/.restore-<stamp>/` (manifest, sizes, checksums, safe paths), then the
 *      database there: PRAGMA integrity_check, a schema this Hearth can open, the manifest's counts
 *   2. the current hearth.db (+ -wal, -shm), attachments/ and images/ are moved to
 *      `<data>/before-restore-<stamp>/` (kept: nothing is deleted)
 *   3. the checked files are moved into place; if that fails, the moved-aside data is put back
 *
 * A damaged, truncated or foreign file is refused with a BackupError in plain words and the current
 * data stays exactly as it was.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { BackupError, verifyArchive, type BackupManifest, type WriteProgress } from './archive';
import { migrations } from '../store/migrations';
import { countRows } from './counts';

const MOVED = ['hearth.db', 'hearth.db-wal', 'hearth.db-shm', 'attachments', 'images'] as const;

/** `yyyymmdd-hhmmss` (UTC): archive and folder names. */
export function stamp(now: number): string {
  return new Date(now).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

function freeName(dir: string, base: string): string {
  let name = base;
  for (let n = 2; existsSync(join(dir, name)); n++) name = `${base}-${n}`;
  return join(dir, name);
}

/** What a database check finds (inline, or in the backup worker). */
export interface DatabaseFacts {
  integrity?: string;
  schemaVersion: number;
  counts: { chats: number; messages: number };
}

/** The staged database read-only: integrity, schema version, counts (on this thread). */
function inspectInline(file: string, nativeBinding?: string): DatabaseFacts {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
  } catch {
    throw new BackupError('The database in the backup cannot be opened.');
  }
  try {
    let integrity: string;
    try {
      integrity = String(db.pragma('integrity_check', { simple: true }));
    } catch {
      throw new BackupError('The database in the backup is damaged (it is not a readable database).');
    }
    return {
      integrity,
      schemaVersion: db.pragma('user_version', { simple: true }) as number,
      counts: integrity === 'ok' ? countRows(db) : { chats: 0, messages: 0 },
    };
  } finally {
    db.close();
  }
}

/** Whether the facts fit a database Hearth can restore from this manifest; throws BackupError. */
function judge(f: DatabaseFacts, manifest: BackupManifest): void {
  if (f.integrity !== 'ok')
    throw new BackupError('The database in the backup is damaged (its integrity check failed).');
  const newest = migrations.at(-1)?.version ?? 0;
  if (f.schemaVersion > newest)
    throw new BackupError('This backup comes from a newer Hearth; update Hearth to restore it.');
  if (f.schemaVersion !== manifest.schemaVersion) {
    throw new BackupError('The database in the backup does not match its manifest.');
  }
  if (f.counts.chats !== manifest.counts.chats || f.counts.messages !== manifest.counts.messages) {
    throw new BackupError('The database in the backup does not match its manifest (its counts differ).');
  }
}

export interface Staged {
  dataDir: string;
  staging: string;
  manifest: BackupManifest;
}

/** Step 1: the archive checked whole and unpacked beside the data; nothing of the current data touched. */
export async function stageArchive(o: {
  dataDir: string;
  file: string;
  nativeBinding?: string;
  now?: number;
  onProgress?: WriteProgress;
  /** How the staged database is inspected (the app: in a worker); default: on this thread. */
  inspect?: (file: string) => Promise<DatabaseFacts>;
}): Promise<Staged> {
  const staging = freeName(o.dataDir, `.restore-${stamp(o.now ?? Date.now())}`);
  try {
    const manifest = await verifyArchive(o.file, staging, o.onProgress);
    const db = join(staging, 'hearth.db');
    let facts: DatabaseFacts;
    try {
      facts = o.inspect ? await o.inspect(db) : inspectInline(db, o.nativeBinding);
    } catch (err) {
      if (err instanceof BackupError) throw err;
      throw new BackupError('The database in the backup is damaged (it is not a readable database).');
    }
    judge(facts, manifest);
    return { dataDir: o.dataDir, staging, manifest };
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    if (err instanceof BackupError) throw err;
    throw new BackupError(`The backup could not be checked: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Steps 2 and 3, with the database closed: the current data aside, the staged data in place. */
export async function swapIn(s: Staged, now = Date.now()): Promise<{ movedAside: string }> {
  const aside = freeName(s.dataDir, `before-restore-${stamp(now)}`);
  mkdirSync(aside, { mode: 0o700 });
  const moved: string[] = [];
  const placed: string[] = [];
  try {
    for (const name of MOVED) {
      if (!existsSync(join(s.dataDir, name))) continue;
      renameSync(join(s.dataDir, name), join(aside, name));
      moved.push(name);
    }
    for (const name of ['hearth.db', 'attachments', 'images']) {
      if (!existsSync(join(s.staging, name))) continue;
      renameSync(join(s.staging, name), join(s.dataDir, name));
      placed.push(name);
    }
  } catch (err) {
    // Put everything back as it was.
    for (const name of placed) rmSync(join(s.dataDir, name), { recursive: true, force: true });
    for (const name of moved) renameSync(join(aside, name), join(s.dataDir, name));
    rmSync(aside, { recursive: true, force: true });
    rmSync(s.staging, { recursive: true, force: true });
    throw new BackupError(
      `The backup could not be put in place (${err instanceof Error ? err.message : String(err)}); your data is unchanged.`,
    );
  }
  rmSync(s.staging, { recursive: true, force: true });
  // Read by Settings → Data after the app opens again (the desktop app relaunches, so no reply reaches it).
  try {
    writeFileSync(join(s.dataDir, LAST_RESTORE_FILE), JSON.stringify({ at: now, movedAside: aside }), { mode: 0o600 });
  } catch {
    // Only a note; the restore itself is done.
  }
  return { movedAside: aside };
}

export const LAST_RESTORE_FILE = 'last-restore.json';

/** The note swapIn left, or null. */
export function readLastRestore(dataDir: string): { at: number; movedAside: string } | null {
  try {
    const v = JSON.parse(readFileSync(join(dataDir, LAST_RESTORE_FILE), 'utf8')) as {
      at?: unknown;
      movedAside?: unknown;
    };
    return typeof v.at === 'number' && typeof v.movedAside === 'string' ? { at: v.at, movedAside: v.movedAside } : null;
  } catch {
    return null;
  }
}

/** Both steps: for the CLI, with no Hearth running on the data folder. */
export async function restoreArchive(o: {
  dataDir: string;
  file: string;
  nativeBinding?: string;
  now?: number;
  onProgress?: WriteProgress;
}): Promise<{ movedAside: string; manifest: BackupManifest }> {
  const staged = await stageArchive(o);
  const { movedAside } = await swapIn(staged, o.now);
  return { movedAside, manifest: staged.manifest };
}
