/**
 * Data at rest: the data folder is the owner's only (0700), the database, its WAL and backups
 * 0600; a zero-length hearth.db beside a write-ahead log with data, or beside backups, is reported
 * and left untouched instead of being opened as a new, empty store.
 */
import { mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppError } from '../../../shared/types/errors';
import type { AppServices } from '../app-services';
import { callOk, makeTempDir, openServices, removeTempDirs } from '../../../e2e/support/services';
import { openDatabase } from './database';
import { migrations } from './migrations';

const open: AppServices[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  removeTempDirs();
});

const mode = (f: string) => statSync(f).mode & 0o777;

describe.skipIf(process.platform === 'win32')('file modes', () => {
  it('a new data folder is 0700 and hearth.db, its WAL and shm 0600', async () => {
    const dir = join(makeTempDir(), 'data');
    const s = openServices(dir, { env: { OLLAMA_BASE_URL: 'http://127.0.0.1:9' } });
    open.push(s);
    await callOk(s, 'chats.create', {});
    expect(mode(dir)).toBe(0o700);
    for (const f of ['hearth.db', 'hearth.db-wal', 'hearth.db-shm']) expect(mode(join(dir, f)), f).toBe(0o600);
  });

  it('an existing folder and database made readable by others are tightened', async () => {
    const dir = makeTempDir();
    const { chmodSync } = await import('node:fs');
    chmodSync(dir, 0o755);
    openDatabase({ file: join(dir, 'hearth.db') }).db.close();
    chmodSync(join(dir, 'hearth.db'), 0o644);
    const s = openServices(dir, { env: { OLLAMA_BASE_URL: 'http://127.0.0.1:9' } });
    open.push(s);
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, 'hearth.db'))).toBe(0o600);
  });

  it('a backup written before a migration is 0600', () => {
    const dir = makeTempDir();
    const file = join(dir, 'hearth.db');
    openDatabase({ file, migrations: migrations.slice(0, 1) }).db.close();
    const r = openDatabase({ file, now: () => 42 });
    r.db.close();
    expect(r.backupFile).toBeTruthy();
    expect(mode(r.backupFile!)).toBe(0o600);
    expect(mode(join(dir, 'backups'))).toBe(0o700);
  });
});

describe('a zero-length hearth.db with history beside it', () => {
  function refused(fn: () => unknown): AppError {
    try {
      fn();
    } catch (err) {
      return err as AppError;
    }
    throw new Error('it opened');
  }

  it('beside a write-ahead log with data: reported, nothing changed', () => {
    const dir = makeTempDir();
    const file = join(dir, 'hearth.db');
    writeFileSync(file, '');
    const wal = Buffer.alloc(4096, 7);
    writeFileSync(`${file}-wal`, wal);
    const err = refused(() => openDatabase({ file }));
    expect(err.message).toMatch(/hearth\.db is empty, but its write-ahead log .*hearth\.db-wal holds 4096 bytes/);
    expect(err.message).toMatch(/changed nothing/);
    expect(statSync(file).size).toBe(0);
    expect(readFileSync(`${file}-wal`).equals(wal)).toBe(true);
  });

  it('beside backups: reported with the newest backup to restore', () => {
    const dir = makeTempDir();
    const file = join(dir, 'hearth.db');
    writeFileSync(file, '');
    mkdirSync(join(dir, 'backups'));
    writeFileSync(join(dir, 'backups', 'hearth-v2-1700000000000.db'), 'x');
    writeFileSync(join(dir, 'backups', 'hearth-v3-1800000000000.db'), 'x');
    const err = refused(() => openDatabase({ file }));
    expect(err.message).toContain(`the newest backup is ${join(dir, 'backups', 'hearth-v3-1800000000000.db')}`);
    expect(err.message).toMatch(/copy the newest backup over/);
    expect(statSync(file).size).toBe(0);
  });

  it('beside backup archives: the newest named, with the command that restores it', () => {
    const dir = makeTempDir();
    const file = join(dir, 'hearth.db');
    writeFileSync(file, '');
    mkdirSync(join(dir, 'backups'));
    writeFileSync(join(dir, 'backups', 'hearth-20261201-030000-daily.tar.gz'), 'x');
    const newest = join(dir, 'backups', 'hearth-20261202-030000-daily.tar.gz');
    writeFileSync(newest, 'x');
    utimesSync(newest, new Date(), new Date(Date.now() + 60_000));
    const err = refused(() => openDatabase({ file }));
    expect(err.message).toContain(`the newest backup is ${newest}`);
    expect(err.message).toContain(`run: hearth restore "${newest}"`);
    expect(statSync(file).size).toBe(0);
  });

  it('alone: a fresh start, as before', () => {
    const dir = makeTempDir();
    const file = join(dir, 'hearth.db');
    writeFileSync(file, '');
    const r = openDatabase({ file });
    expect(r.schemaVersion).toBeGreaterThan(0);
    r.db.close();
  });
});
