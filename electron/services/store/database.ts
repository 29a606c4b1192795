/**
 * Opens Hearth's SQLite file: WAL, foreign keys, numbered migrations (each in a transaction,
 * the file backed up to `backups/` first), and crash recovery of answers left streaming.
 */
import Database from 'better-sqlite3';
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { AppError } from '../../../shared/types/errors';
import { migrations as defaultMigrations, type Migration } from './migrations';
import { uuidv7 } from '../../../shared/uuidv7';

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

export function openDatabase(options: OpenDatabaseOptions): OpenedDatabase {
  const { file, migrations = defaultMigrations, now = Date.now } = options;
  const inMemory = file === ':memory:';
  if (!inMemory) mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const existed = !inMemory && existsSync(file);
  const backupDir = options.backupDir ?? join(dirname(file), 'backups');
  if (existed) refuseEmptyOverHistory(file, backupDir);

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

/**
 * A zero-length hearth.db next to a write-ahead log with data, or next to backups, is a store that
 * lost its file (a crash while copying, a bad sync tool), not a new one: opening it would start
 * empty and could drop the log. Refuse, say what is there, and how to restore.
 */
function refuseEmptyOverHistory(file: string, backupDir: string): void {
  const size = (f: string) => {
    try {
      return statSync(f).size;
    } catch {
      return 0;
    }
  };
  if (size(file) !== 0) return;
  const wal = size(`${file}-wal`);
  let backups: string[] = [];
  try {
    backups = readdirSync(backupDir)
      .filter((f) => f.endsWith('.db') && size(join(backupDir, f)) > 0)
      .sort();
  } catch {
    // no backups folder
  }
  if (!wal && !backups.length) return; // a fresh start
  const found = [
    wal ? `its write-ahead log ${file}-wal holds ${wal} bytes` : null,
    backups.length ? `the newest backup is ${join(backupDir, backups.at(-1)!)}` : null,
  ]
    .filter(Boolean)
    .join(', and ');
  throw new AppError(
    'conflict',
    `${file} is empty, but ${found}. Hearth changed nothing and did not start, so no history is lost. ` +
      (backups.length
        ? `To restore, quit Hearth and copy the newest backup over ${file}` +
          (wal ? ` (keep ${file}-wal aside until your chats are back)` : '')
        : `Keep ${file}-wal somewhere safe: it holds your latest changes`) +
      `; to start afresh instead, move ${file} and the files next to it elsewhere.`,
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
