/**
 * Opens Hearth's SQLite file: WAL, foreign keys, numbered migrations (each in a transaction,
 * the file backed up to `backups/` first), and crash recovery of answers left streaming.
 */
import Database from 'better-sqlite3';
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { AppError } from '../../../shared/types/errors';
import { migrations as defaultMigrations, type Migration } from './migrations';
import { uuidv7 } from '../../../shared/uuidv7';
import { BACKUP_NAME } from '../../../shared/backup-contract';

export type Db = Database.Database;

export interface OpenDatabaseOptions {
  /** Path to hearth.db, or ':memory:'. */
  file: string;
  /** Where pre-migration backups go; defaults to `<dir of file>/backups`. */
  backupDir?: string;
  migrations?: Migration[];
  /** Path of a better-sqlite3 addon built for another runtime (Electron). */
  nativeBinding?: string;
  now?: () => number;
}

export interface OpenedDatabase {
  db: Db;
  schemaVersion: number;
  deviceId: string;
  /** Backup written before migrating, if any. */
  backupFile: string | null;
  /** Messages found `streaming` from a previous run and marked `interrupted`. */
  recoveredMessages: number;
}

/** What Hearth itself keeps in its data folder. */
const HEARTH_ENTRIES = new Set([
  'hearth.db',
  'hearth.db-wal',
  'hearth.db-shm',
  'hearth.db-journal',
  'secret.key',
  'secret.key.enc',
  'backups',
  'attachments',
  'logs',
  'models',
  'ollama.pid',
  'window-state.json',
]);

/**
 * Hearth's data folder: created owner-only (0700). An existing one is tightened to 0700 when it is
 * Hearth's own: the app-data folder (Electron's userData), or a folder the user named (--data-dir,
 * HEARTH_DATA_DIR) that holds nothing but Hearth's files (made by an older Hearth with 0755, or just
 * now by the secrets key file). A named folder with anything else in it (a shared folder, the
 * working folder) keeps its mode: there the files Hearth owns are owner-only (hearth.db, its WAL,
 * shm, backups, secret.key). POSIX only.
 */
export function prepareDataDir(dir: string, o: { named: boolean }): void {
  const created = mkdirSync(dir, { recursive: true, mode: 0o700 }) !== undefined;
  if (created || process.platform === 'win32') return;
  try {
    if (o.named && !readdirSync(dir).every((name) => HEARTH_ENTRIES.has(name))) return;
    chmodSync(dir, 0o700);
  } catch {
    // not ours to change (a mounted volume, another owner): leave its mode alone
  }
}

/**
 * One more connection to a hearth.db the app has open (an import worker thread): WAL, foreign keys,
 * no migrations, and it waits up to 10 s for the app's own writes.
 */
export function openConnection(file: string, nativeBinding?: string): Db {
  const db = new Database(file, nativeBinding ? { nativeBinding } : {});
  try {
    db.pragma('busy_timeout = 10000');
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

export function openDatabase(options: OpenDatabaseOptions): OpenedDatabase {
  const { file, migrations = defaultMigrations, now = Date.now } = options;
  const inMemory = file === ':memory:';
  if (!inMemory) mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const existed = !inMemory && existsSync(file);
  const backupDir = options.backupDir ?? join(dirname(file), 'backups');
  if (!inMemory) {
    // Before SQLite sees anything: it could start empty over a store that lost its file, or drop a WAL.
    refuseEmptyOverHistory(file, backupDir, existed);
    // Owner-only before SQLite opens them: SQLite gives a new WAL and shm the database's own mode.
    if (!existed) createOwnerOnly(file);
    ownerOnly(file, `${file}-wal`, `${file}-shm`);
    tightenBackups(backupDir);
  }

  let db: Db | undefined;
  let current: number;
  try {
    db = new Database(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
    db.pragma('busy_timeout = 5000');
    // Read the schema version before anything writes: switching to WAL rewrites the file header.
    current = db.pragma('user_version', { simple: true }) as number;
  } catch (err) {
    db?.close();
    throw describeOpenError(file, err);
  }
  try {
    const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
    if (current > latest) {
      throw new AppError(
        'conflict',
        `${file} was written by a newer Hearth (schema ${current}; this one knows ${latest}). ` +
          `Update Hearth, or point it at another data directory. The file was not changed.`,
      );
    }
    db.pragma('journal_mode = WAL');
    if (!inMemory) ownerOnly(file, `${file}-wal`, `${file}-shm`);
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    const pending = migrations.filter((m) => m.version > current).sort((a, b) => a.version - b.version);
    let backupFile: string | null = null;
    if (pending.length > 0 && existed && current > 0) {
      mkdirSync(backupDir, { recursive: true, mode: 0o700 });
      backupFile = join(backupDir, `hearth-v${current}-${now()}.db`);
      db.prepare('VACUUM INTO ?').run(backupFile);
      ownerOnly(backupFile);
    }
    for (const m of pending) {
      db.transaction(() => {
        db.exec(m.sql);
        db.pragma(`user_version = ${m.version}`);
      })();
    }

    const deviceId = ensureDeviceId(db);
    const recovered = db
      .prepare(`UPDATE messages SET status = 'interrupted', updated_at = ? WHERE status = 'streaming'`)
      .run(now()).changes;

    cacheStatements(db);
    return {
      db,
      schemaVersion: db.pragma('user_version', { simple: true }) as number,
      deviceId,
      backupFile,
      recoveredMessages: recovered,
    };
  } catch (err) {
    db.close();
    if (err instanceof AppError) throw err;
    throw describeOpenError(file, err);
  }
}

/** Distinct SQL texts kept prepared; past this the cache starts over (SQL built with values in it). */
const STATEMENT_CACHE_MAX = 500;

/**
 * The repositories prepare their SQL where they use it; preparing costs ~0.1 ms a statement, about
 * a millisecond of every message sent. So `prepare` on the app's connection keeps each statement
 * by its SQL text and hands it out again, unless it is busy (an iteration still open), and with
 * pluck/raw/expand switched back off for statements that return rows.
 */
export function cacheStatements(db: Db): void {
  const cache = new Map<string, Database.Statement>();
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    const kept = cache.get(sql);
    if (kept && !kept.busy) {
      if (kept.reader) kept.pluck(false).expand(false).raw(false);
      return kept;
    }
    const fresh = prepare(sql);
    if (!kept) {
      if (cache.size >= STATEMENT_CACHE_MAX) cache.clear();
      cache.set(sql, fresh);
    }
    return fresh;
  }) as Db['prepare'];
}

/** The database, its WAL and backups hold every chat: readable by their owner only (POSIX). */
function ownerOnly(...files: string[]): void {
  if (process.platform === 'win32') return;
  for (const f of files) {
    try {
      chmodSync(f, 0o600);
    } catch {
      // not there (yet): SQLite creates -wal and -shm with the database's own mode
    }
  }
}

/** A new hearth.db, made 0600 before SQLite opens it (SQLite would make it 0644 under the usual umask). */
function createOwnerOnly(file: string): void {
  if (process.platform === 'win32') return;
  try {
    writeFileSync(file, '', { flag: 'wx', mode: 0o600 });
  } catch {
    // made meanwhile, or the folder is not writable: SQLite's open says what is wrong
  }
}

/** Backups an older Hearth wrote readable by others (0755 folder, 0644 files) are tightened. */
function tightenBackups(backupDir: string): void {
  if (process.platform === 'win32' || !existsSync(backupDir)) return;
  try {
    chmodSync(backupDir, 0o700);
    ownerOnly(...readdirSync(backupDir).map((f) => join(backupDir, f)));
  } catch {
    // not ours to change
  }
}

/** The newest backup (by the time in its name, hearth-v<schema>-<ms>.db, else its mtime) with its date. */
function newestBackup(backupDir: string): { file: string; made: string } | null {
  let newest: { file: string; at: number } | null = null;
  let names: string[] = [];
  try {
    names = readdirSync(backupDir);
  } catch {
    return null; // no backups folder
  }
  for (const name of names) {
    if (!name.endsWith('.db') && !BACKUP_NAME.test(name)) continue;
    const f = join(backupDir, name);
    try {
      const st = statSync(f);
      if (!st.isFile() || st.size === 0) continue;
      const at = Number(/-(\d{10,})\.db$/.exec(name)?.[1] ?? st.mtimeMs);
      if (!newest || at > newest.at) newest = { file: f, at };
    } catch {
      // vanished meanwhile
    }
  }
  if (!newest) return null;
  return { file: newest.file, made: `${new Date(newest.at).toISOString().slice(0, 16).replace('T', ' ')} UTC` };
}

/**
 * A zero-length hearth.db next to a write-ahead log with data, or next to backups, is a store that
 * lost its file (a crash while copying, a bad sync tool), not a new one: opening it would start
 * empty and could drop the log. So is a missing hearth.db next to a WAL with data (a missing one
 * beside backups only is a fresh start: the user may have moved it aside to begin again). Refuse,
 * say what is there, and how to restore.
 */
function refuseEmptyOverHistory(file: string, backupDir: string, existed: boolean): void {
  const size = (f: string) => {
    try {
      return statSync(f).size;
    } catch {
      return 0;
    }
  };
  if (existed && size(file) !== 0) return;
  const wal = size(`${file}-wal`);
  const backup = existed ? newestBackup(backupDir) : null;
  if (!wal && !backup) return; // a fresh start
  const found = [
    wal ? `its write-ahead log ${file}-wal holds ${wal} bytes` : null,
    backup ? `the newest backup is ${backup.file} (made ${backup.made})` : null,
  ]
    .filter(Boolean)
    .join(', and ');
  const state = existed ? 'empty' : 'missing';
  const aside = wal ? `move ${file}-wal and ${file}-shm aside (keep them: they hold your latest changes), then ` : '';
  throw new AppError(
    'conflict',
    `${file} is ${state}, but ${found}. Hearth changed nothing and did not start, so no history is lost. ` +
      (backup
        ? backup.file.endsWith('.db')
          ? `To restore, quit Hearth, ${aside}copy the newest backup over ${file}`
          : `To restore, quit Hearth, ${aside}run: hearth restore "${backup.file}"`
        : `Keep ${file}-wal somewhere safe: it holds your latest changes`) +
      `; to start afresh instead, move ${existed ? `${file} and the files next to it` : `${file}-wal and ${file}-shm`} elsewhere.`,
  );
}

function ensureDeviceId(db: Db): string {
  const row = db.prepare(`SELECT value FROM meta WHERE key = 'device_id'`).get() as { value: string } | undefined;
  if (row) return row.value;
  const id = uuidv7();
  db.prepare(`INSERT INTO meta (key, value) VALUES ('device_id', ?)`).run(id);
  return id;
}

function describeOpenError(file: string, err: unknown): AppError {
  const code = (err as { code?: string }).code ?? '';
  const msg = err instanceof Error ? err.message : String(err);
  if (code === 'SQLITE_NOTADB' || /not a database/i.test(msg)) {
    return new AppError(
      'internal',
      `${file} is not a readable Hearth database (it may be damaged). Hearth left it untouched: ` +
        `move it aside or restore a copy from the backups folder next to it, then start again.`,
    );
  }
  if (code === 'SQLITE_FULL' || /disk is full|ENOSPC/i.test(msg)) {
    return new AppError('internal', `The disk holding ${file} is full. Free some space and start again.`);
  }
  if (code === 'SQLITE_CANTOPEN' || /EACCES|unable to open/i.test(msg)) {
    return new AppError('internal', `Cannot open ${file}: check that the folder exists and is writable.`);
  }
  return new AppError('internal', `Cannot open the database ${file}: ${msg}`);
}
