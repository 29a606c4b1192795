import Database from 'better-sqlite3';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../../shared/types/errors';
import type { AppServices } from '../app-services';
import { keyFromFile } from '../secrets/key-sources';
import { makeTempDir, openServices, removeTempDirs } from '../../../e2e/support/services';
import { HybridClock } from '../util/hlc';
import { ChatRepo } from './chat-repo';
import { cacheStatements, openDatabase } from './database';
import { LATEST_SCHEMA_VERSION, migrations, type Migration } from './migrations';

/** The mode each database file had when SQLite opened it (null: SQLite had to create it). */
const modesAtOpen = vi.hoisted(() => new Map<string, number | null>());
vi.mock('better-sqlite3', async (importOriginal) => {
  const { statSync: stat } = await import('node:fs');
  const Original = ((await importOriginal()) as { default: typeof Database }).default;
  class Recorded extends Original {
    constructor(file: string, options?: Database.Options) {
      let mode: number | null = null;
      try {
        mode = stat(file).mode & 0o777;
      } catch {
        // not there yet
      }
      modesAtOpen.set(file, mode);
      super(file, options);
    }
  }
  return { default: Recorded };
});

const openServicesList: AppServices[] = [];
afterEach(async () => {
  for (const s of openServicesList.splice(0)) await s.close();
  removeTempDirs();
  modesAtOpen.clear();
});

const m1 = migrations[0]!;
const m2: Migration = {
  version: 2,
  name: 'chat pins',
  sql: `ALTER TABLE chats ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE tags (name TEXT PRIMARY KEY);`,
};

function dbFile(): string {
  return join(makeTempDir(), 'hearth.db');
}

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

describe('openDatabase', () => {
  it('creates a new database in WAL mode with foreign keys on and the latest schema', () => {
    const file = dbFile();
    const opened = openDatabase({ file });
    try {
      expect(opened.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(opened.db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(opened.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
      expect(opened.db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
      expect(opened.backupFile).toBeNull(); // nothing to back up in a brand-new file
      // Foreign keys are enforced: a message cannot point at a chat that does not exist.
      expect(() =>
        opened.db
          .prepare(
            `INSERT INTO messages (id, chat_id, role, status, created_at, updated_at, version, device_id)
             VALUES ('m', 'no-such-chat', 'user', 'done', 0, 0, 'v', 'd')`,
          )
          .run(),
      ).toThrow(/FOREIGN KEY/);
    } finally {
      opened.db.close();
    }
  });

  it('keeps the same device id across opens', () => {
    const file = dbFile();
    const a = openDatabase({ file });
    a.db.close();
    const b = openDatabase({ file });
    b.db.close();
    expect(b.deviceId).toBe(a.deviceId);
    expect(a.deviceId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('backs the file up before migrating an older schema, then applies the new migration', () => {
    const dir = makeTempDir();
    const file = join(dir, 'hearth.db');
    const first = openDatabase({ file, migrations: [m1] });
    // Rows written the way schema 1 stored them.
    first.db
      .prepare(
        `INSERT INTO chats (id, title, model, created_at, updated_at, version, device_id)
         VALUES ('c1', 'Before the upgrade', 'ollama/llama3.2:1b', 1, 1, 'v', 'd')`,
      )
      .run();
    first.db
      .prepare(
        `INSERT INTO messages (id, chat_id, role, content, status, created_at, updated_at, version, device_id)
         VALUES ('m1', 'c1', 'user', 'keep me', 'done', 1, 1, 'v', 'd')`,
      )
      .run();
    first.db.close();

    const second = openDatabase({ file, migrations: [m1, m2], now: () => 1_700_000_000_000 });
    try {
      expect(second.schemaVersion).toBe(2);
      expect(second.backupFile).not.toBeNull();
      expect(second.backupFile!.startsWith(join(dir, 'backups'))).toBe(true);
      expect(readdirSync(join(dir, 'backups'))).toHaveLength(1);
      // m2 applied, and existing rows kept.
      const cols = (second.db.prepare(`PRAGMA table_info(chats)`).all() as { name: string }[]).map((c) => c.name);
      expect(cols).toContain('pinned');
      expect(second.db.prepare(`SELECT title, pinned FROM chats`).get()).toEqual({
        title: 'Before the upgrade',
        pinned: 0,
      });
    } finally {
      second.db.close();
    }

    // The backup is a readable database at the old schema, holding the data.
    const backup = new Database(second.backupFile!, { readonly: true });
    try {
      expect(backup.pragma('user_version', { simple: true })).toBe(1);
      expect(backup.prepare(`SELECT title FROM chats`).all()).toEqual([{ title: 'Before the upgrade' }]);
      expect(backup.prepare(`SELECT content FROM messages`).all()).toEqual([{ content: 'keep me' }]);
      const cols = (backup.prepare(`PRAGMA table_info(chats)`).all() as { name: string }[]).map((c) => c.name);
      expect(cols).not.toContain('pinned');
    } finally {
      backup.close();
    }
  });

  it('rolls back a migration that fails and leaves user_version (and the data) as they were', () => {
    const file = dbFile();
    const first = openDatabase({ file, migrations: [m1] });
    first.db.prepare(`INSERT INTO settings (key, value, updated_at) VALUES ('theme', '"dark"', 1)`).run();
    first.db.close();

    const broken: Migration = {
      version: 2,
      name: 'broken',
      // The first statement succeeds, the second fails: the first must be undone too.
      sql: `CREATE TABLE half_done (a TEXT); INSERT INTO no_such_table VALUES (1);`,
    };
    const err = catchError(() => openDatabase({ file, migrations: [m1, broken] }));
    expect(err).toBeInstanceOf(AppError);
    expect(err.message).toContain(file);
    expect(err.message).toMatch(/no_such_table/);

    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma('user_version', { simple: true })).toBe(1);
      expect(raw.prepare(`SELECT name FROM sqlite_master WHERE name = 'half_done'`).get()).toBeUndefined();
      expect(raw.prepare(`SELECT value FROM settings WHERE key = 'theme'`).get()).toEqual({ value: '"dark"' });
    } finally {
      raw.close();
    }
    // And the app still opens it with the migrations it knows.
    const again = openDatabase({ file, migrations: [m1] });
    expect(again.schemaVersion).toBe(1);
    again.db.close();
  });

  it('refuses a database from a newer Hearth with a clear message and leaves the file unchanged', () => {
    const file = dbFile();
    const raw = new Database(file);
    raw.exec(`CREATE TABLE future (x TEXT); INSERT INTO future VALUES ('from the future');`);
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`);
    raw.close();
    const before = readFileSync(file);

    const err = catchError(() => openDatabase({ file }));
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('conflict');
    expect(err.message).toContain('newer Hearth');
    expect(err.message).toContain(`schema ${LATEST_SCHEMA_VERSION + 5}`);
    expect(err.message).toContain(file);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('says a non-database file is not a readable Hearth database and does not touch its bytes', () => {
    const file = dbFile();
    const bytes = Buffer.from('These are my notes, not a database.\n'.repeat(200));
    writeFileSync(file, bytes);

    const err = catchError(() => openDatabase({ file }));
    expect(err).toBeInstanceOf(AppError);
    expect(err.message).toContain('not a readable Hearth database');
    expect(err.message).toContain(file);
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(existsSync(join(file, '..', 'backups'))).toBe(false);
  });

  it('marks answers left streaming by a crash as interrupted and keeps their text', () => {
    const file = dbFile();
    const first = openDatabase({ file });
    const repo = new ChatRepo(first.db, new HybridClock(first.deviceId), first.deviceId);
    const chat = repo.createChat({ title: 'Crash', model: null });
    const user = repo.addMessage({
      chatId: chat.id,
      parentId: null,
      role: 'user',
      content: 'q',
      model: null,
      status: 'done',
    });
    const answer = repo.addMessage({
      chatId: chat.id,
      parentId: user.id,
      role: 'assistant',
      content: '',
      model: 'ollama/x',
      status: 'streaming',
    });
    repo.saveProgress(answer.id, 'half an answer');
    first.db.close(); // the "crash": never finished

    const second = openDatabase({ file });
    try {
      expect(second.recoveredMessages).toBe(1);
      const repo2 = new ChatRepo(second.db, new HybridClock(second.deviceId), second.deviceId);
      const recovered = repo2.getMessage(answer.id)!;
      expect(recovered.status).toBe('interrupted');
      expect(recovered.content).toBe('half an answer');
      expect(repo2.getMessage(user.id)!.status).toBe('done');
    } finally {
      second.db.close();
    }
  });
});

const mode = (f: string) => statSync(f).mode & 0o777;

describe.skipIf(process.platform === 'win32')('file modes', () => {
  it('a new hearth.db is 0600 before SQLite opens it, so its WAL and shm are never readable by others', () => {
    const dir = makeTempDir();
    chmodSync(dir, 0o755); // a folder the user named, which Hearth leaves as it is
    const file = join(dir, 'hearth.db');
    const opened = openDatabase({ file });
    opened.db.close();
    expect(modesAtOpen.get(file)).toBe(0o600);
  });

  it('an existing hearth.db, WAL and shm readable by others are tightened before SQLite opens them', () => {
    const dir = makeTempDir();
    const file = join(dir, 'hearth.db');
    const a = openDatabase({ file });
    a.db.pragma('wal_autocheckpoint = 0');
    a.db.prepare(`INSERT INTO meta (key, value) VALUES ('x', 'y')`).run();
    const wal = readFileSync(`${file}-wal`);
    a.db.close();
    writeFileSync(`${file}-wal`, wal); // a WAL left by a crash
    for (const f of [file, `${file}-wal`]) chmodSync(f, 0o644);
    const b = openDatabase({ file });
    try {
      expect(modesAtOpen.get(file)).toBe(0o600);
      expect(mode(`${file}-wal`)).toBe(0o600);
      expect(mode(`${file}-shm`)).toBe(0o600);
    } finally {
      b.db.close();
    }
  });

  it('backups an older Hearth left readable by others (0644 in a 0755 backups folder) are tightened', () => {
    const dir = makeTempDir();
    const file = join(dir, 'hearth.db');
    openDatabase({ file }).db.close();
    const backups = join(dir, 'backups');
    mkdirSync(backups, { mode: 0o755 });
    chmodSync(backups, 0o755);
    copyFileSync(file, join(backups, 'hearth-v1-1700000000000.db'));
    chmodSync(join(backups, 'hearth-v1-1700000000000.db'), 0o644);
    openDatabase({ file }).db.close();
    expect(mode(backups)).toBe(0o700);
    expect(mode(join(backups, 'hearth-v1-1700000000000.db'))).toBe(0o600);
  });

  it("a named data folder with other things in it keeps its mode; one holding only Hearth's files is 0700", () => {
    const env = { OLLAMA_BASE_URL: 'http://127.0.0.1:9' };
    const shared = makeTempDir();
    chmodSync(shared, 0o755);
    writeFileSync(join(shared, 'notes.txt'), "the user's own file");
    openServicesList.push(openServices(shared, { flags: { dataDir: shared }, env }));
    expect(mode(shared)).toBe(0o755); // not Hearth's to change (shared, or the working folder)
    expect(mode(join(shared, 'hearth.db'))).toBe(0o600);

    // What `hearth export --data-dir NEW` does: the secrets key file makes the folder (0755) first.
    const fresh = join(makeTempDir(), 'new', 'data');
    keyFromFile(join(fresh, 'secret.key'));
    openServicesList.push(openServices(fresh, { env: { ...env, HEARTH_DATA_DIR: fresh } }));
    expect(mode(fresh)).toBe(0o700);

    // A folder an older Hearth made 0755, named on the command line.
    const old = makeTempDir();
    openDatabase({ file: join(old, 'hearth.db') }).db.close();
    mkdirSync(join(old, 'attachments'));
    chmodSync(old, 0o755);
    openServicesList.push(openServices(old, { flags: { dataDir: old }, env }));
    expect(mode(old)).toBe(0o700);
  });
});

describe('a hearth.db that lost its contents, with history beside it', () => {
  /** A real store with a chat whose latest changes are still only in the WAL (as after a crash). */
  function storeWithWal(): { dir: string; file: string; wal: Buffer } {
    const dir = makeTempDir();
    const file = join(dir, 'hearth.db');
    const opened = openDatabase({ file });
    opened.db.pragma('wal_autocheckpoint = 0');
    new ChatRepo(opened.db, new HybridClock(opened.deviceId), opened.deviceId).createChat({
      title: 'Kept in the WAL',
      model: null,
    });
    const wal = readFileSync(`${file}-wal`);
    opened.db.close();
    modesAtOpen.clear();
    return { dir, file, wal };
  }

  it('a missing hearth.db beside a WAL with data is refused, and the WAL is left as it was', () => {
    const { file, wal } = storeWithWal();
    writeFileSync(`${file}-wal`, wal);
    unlinkSync(file);
    const err = catchError(() => openDatabase({ file }));
    expect(err).toBeInstanceOf(AppError);
    expect(err.message).toContain(`${file} is missing, but its write-ahead log ${file}-wal holds ${wal.length} bytes`);
    expect(err.message).toMatch(/Hearth changed nothing/);
    expect(existsSync(file)).toBe(false);
    expect(readFileSync(`${file}-wal`).equals(wal)).toBe(true);
  });

  it('names the newest backup by its time (v10 after v9), with its date', () => {
    const dir = makeTempDir();
    const file = join(dir, 'hearth.db');
    writeFileSync(file, '');
    mkdirSync(join(dir, 'backups'));
    writeFileSync(join(dir, 'backups', 'hearth-v9-1700000000000.db'), 'x');
    writeFileSync(join(dir, 'backups', 'hearth-v10-1800000000000.db'), 'x');
    const err = catchError(() => openDatabase({ file }));
    expect(err.message).toContain(
      `the newest backup is ${join(dir, 'backups', 'hearth-v10-1800000000000.db')} (made ${new Date(1_800_000_000_000).toISOString().slice(0, 16).replace('T', ' ')} UTC)`,
    );
    expect(statSync(file).size).toBe(0);
  });

  it('a zero-length hearth.db beside a real WAL is refused before SQLite touches either file', () => {
    const { file, wal } = storeWithWal();
    writeFileSync(`${file}-wal`, wal);
    truncateSync(file, 0);
    const err = catchError(() => openDatabase({ file }));
    expect(err.message).toContain(`${file} is empty, but its write-ahead log ${file}-wal holds ${wal.length} bytes`);
    expect(modesAtOpen.has(file)).toBe(false); // SQLite never opened it
    expect(statSync(file).size).toBe(0);
    expect(readFileSync(`${file}-wal`).equals(wal)).toBe(true);
  });
});

describe('prepared statements are kept by their SQL', () => {
  it('hands the same statement out again, a fresh one while it iterates, and with pluck switched back off', () => {
    const db = new Database(':memory:');
    try {
      cacheStatements(db);
      db.exec('CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1), (2), (3);');
      const sql = 'SELECT n FROM t ORDER BY n';
      const first = db.prepare(sql);
      expect(db.prepare(sql)).toBe(first);
      expect(db.prepare(sql).pluck().all()).toEqual([1, 2, 3]);
      // The next user of the same SQL gets rows as objects again.
      expect(db.prepare(sql).all()).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
      // While one iteration is open, the same SQL elsewhere gets its own statement.
      const rows: unknown[] = [];
      for (const row of first.iterate()) {
        const inner = db.prepare(sql);
        expect(inner).not.toBe(first);
        rows.push(row, inner.get());
      }
      expect(rows).toHaveLength(6);
      // Writes go through kept statements too.
      const insert = db.prepare('INSERT INTO t VALUES (?)');
      insert.run(4);
      db.prepare('INSERT INTO t VALUES (?)').run(5);
      expect(db.prepare('SELECT count(*) AS c FROM t').get()).toEqual({ c: 5 });
    } finally {
      db.close();
    }
  });
});
