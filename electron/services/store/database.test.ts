import Database from 'better-sqlite3';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/types/errors';
import { makeTempDir, removeTempDirs } from '../test-helpers';
import { HybridClock } from '../util/hlc';
import { ChatRepo } from './chat-repo';
import { openDatabase } from './database';
import { LATEST_SCHEMA_VERSION, migrations, type Migration } from './migrations';

afterEach(removeTempDirs);

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
