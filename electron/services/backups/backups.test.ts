/**
 * Backups and restore on real services over real files: a backup taken while an answer streams, a
 * restore that brings back a deleted chat with its attachment, damaged and foreign archives refused
 * with nothing changed, retention over simulated days, and a backup killed half-way.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOllama, type FakeOllama } from '../../../e2e/support/fake-ollama';
import { callOk, makeTempDir, openServices, recordEvents, removeTempDirs, sleep } from '../../../e2e/support/services';
import { tinyPng } from '../../../e2e/support/images';
import type { AppServices, AppServicesOptions } from '../app-services';
import { readManifest, verifyArchive } from './archive';
import { backupName, DAY_MS } from './backup-service';
import { restoreArchive } from './restore';
import { backupsToDelete } from './retention';
import { tarHeader } from './tar';

const MODEL = 'ollama/llama3.2:1b';
let fake: FakeOllama;
const open: AppServices[] = [];

beforeAll(async () => {
  fake = await startFakeOllama();
});
afterAll(async () => {
  await fake.close();
});
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  removeTempDirs();
  fake.behavior.tokenDelayMs = 0;
});

function services(dir = makeTempDir(), o: Partial<AppServicesOptions> = {}): AppServices {
  const s = openServices(dir, { env: { OLLAMA_BASE_URL: fake.url }, ...o });
  open.push(s);
  return s;
}

async function closeOne(s: AppServices) {
  await s.close();
  open.splice(open.indexOf(s), 1);
}

async function chatWithImage(s: AppServices, words: string) {
  const chat = await callOk(s, 'chats.create', { model: MODEL });
  const att = await callOk(s, 'attachments.add', {
    chatId: chat.id,
    name: 'dot.png',
    mime: 'image/png',
    dataBase64: tinyPng(3, 3).toString('base64'),
  });
  const rec = recordEvents(s);
  const r = await callOk(s, 'messages.send', {
    chatId: chat.id,
    model: MODEL,
    content: words,
    attachmentIds: [att.id],
  });
  await rec.done(r.assistantMessage.id);
  rec.stop();
  return { chatId: chat.id, attachmentId: att.id };
}

describe('a backup', () => {
  it('taken while a long answer streams: the answer completes, and the backup opens with it up to that moment', async () => {
    const dir = makeTempDir();
    const s = services(dir);
    await chatWithImage(s, 'first question');
    fake.behavior.tokenDelayMs = 15;
    fake.behavior.reply = () => 'word '.repeat(200);
    const rec = recordEvents(s);
    const r = await callOk(s, 'messages.send', { model: MODEL, content: 'a long answer please' });
    await rec.waitFor((e) => e.event === 'message.delta' && e.payload.messageId === r.assistantMessage.id);
    const info = await callOk(s, 'backups.create');
    const done = await rec.done(r.assistantMessage.id, 20_000);
    expect(done.status).toBe('done');
    expect(done.content).toBe('word '.repeat(200));

    expect(info).toMatchObject({ reason: 'manual', counts: { chats: 2, messages: 4, attachments: 1 } });
    const file = join(dir, 'backups', info.name);
    const staging = join(makeTempDir(), 'x');
    const m = await verifyArchive(file, staging);
    expect(m.files.map((f) => f.path)).toEqual(['hearth.db', expect.stringMatching(/^attachments\//)]);
    const db = new Database(join(staging, 'hearth.db'), { readonly: true });
    const row = db.prepare('SELECT content, status FROM messages WHERE id = ?').get(r.assistantMessage.id) as {
      content: string;
      status: string;
    };
    db.close();
    // Part of the answer, as far as it had been saved when the backup was taken.
    expect('word '.repeat(200).startsWith(row.content)).toBe(true);
    expect(row.content.length).toBeLessThan(1000);
    const listed = await callOk(s, 'backups.list');
    expect(listed.backups.map((b) => b.name)).toEqual([info.name]);
    expect(listed.folder).toBe(join(dir, 'backups'));
  });

  it('restored from the CLI path brings back a deleted chat with its attachment; the data that was there is kept', async () => {
    const dir = makeTempDir();
    let s = services(dir);
    const { chatId, attachmentId } = await chatWithImage(s, 'keep me');
    const info = await callOk(s, 'backups.create');
    await callOk(s, 'chats.delete', { id: chatId });
    await callOk(s, 'chats.purgeDeleted', { olderThanDays: 0 });
    expect((await s.router.call('chats.get', { id: chatId })).ok).toBe(false);
    await closeOne(s);

    const { movedAside, manifest } = await restoreArchive({ dataDir: dir, file: join(dir, 'backups', info.name) });
    expect(manifest.counts.chats).toBe(1);
    expect(existsSync(join(movedAside, 'hearth.db'))).toBe(true);
    s = services(dir);
    const chat = await callOk(s, 'chats.get', { id: chatId });
    expect(chat.messages.map((m) => m.content)).toContain('keep me');
    const { dataUrl } = await callOk(s, 'attachments.get', { id: attachmentId });
    expect(Buffer.from(dataUrl.split(',')[1]!, 'base64').equals(tinyPng(3, 3))).toBe(true);
  });

  it('restored through the router with a host: checked first, the swap handed over, and a damaged one refused with nothing changed', async () => {
    const dir = makeTempDir();
    let swapped: { movedAside: string } | null = null;
    const s = services(dir, {
      reopen: async (swap) => {
        await s.close();
        open.splice(open.indexOf(s), 1);
        swapped = await swap();
        return swapped;
      },
    });
    await chatWithImage(s, 'one');
    const info = await callOk(s, 'backups.create');
    // A damaged copy beside it: listed as unreadable? No — its manifest is intact, its body is not.
    const file = join(dir, 'backups', info.name);
    const damaged = backupName(info.createdAt + 1000, 'manual');
    const bytes = readFileSync(file);
    writeFileSync(join(dir, 'backups', damaged), bytes.subarray(0, Math.floor(bytes.length * 0.8)));
    const before = readFileSync(join(dir, 'hearth.db'));
    const bad = await s.router.call('backups.restore', { name: damaged });
    expect(bad.ok ? null : bad.error).toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/incomplete|damaged|not a Hearth backup/),
    });
    expect(readFileSync(join(dir, 'hearth.db')).equals(before)).toBe(true);
    expect(readdirSync(dir).filter((n) => n.startsWith('.restore') || n.startsWith('before-restore'))).toEqual([]);
    const outside = await s.router.call('backups.restore', { name: '../hearth.db' });
    expect(outside.ok).toBe(false);
    // The list already tells the truncated copy from the good one (its end does not match its manifest).
    const listed = await callOk(s, 'backups.list');
    expect(listed.backups.map((b) => b.name)).toEqual([info.name]);
    expect(listed.unreadable).toEqual([damaged]);

    const good = await callOk(s, 'backups.restore', { name: info.name });
    expect(good.backup.counts.chats).toBe(1);
    expect(swapped).toEqual({ movedAside: good.movedAside });
    expect(existsSync(join(good.movedAside, 'attachments'))).toBe(true);
    // Told again after the app opens on the restored data (the desktop app relaunches).
    const after = services(dir);
    expect((await callOk(after, 'backups.list')).lastRestore).toEqual({
      at: expect.any(Number),
      movedAside: good.movedAside,
    });
  });
});

describe('archives that are not good backups are refused, and nothing changes', () => {
  async function setUp() {
    const dir = makeTempDir();
    const s = services(dir);
    await chatWithImage(s, 'mine');
    const info = await callOk(s, 'backups.create');
    await closeOne(s);
    const file = join(dir, 'backups', info.name);
    const snapshot = () =>
      readdirSync(dir)
        .sort()
        .map((n) => `${n}:${statSync(join(dir, n)).isFile() ? readFileSync(join(dir, n)).length : 'dir'}`);
    return { dir, file, snapshot };
  }

  it.each([
    [
      'truncated',
      (f: string, out: string) => writeFileSync(out, readFileSync(f).subarray(0, 200)),
      /incomplete|not a Hearth backup|damaged/,
    ],
    ['random bytes', (_f: string, out: string) => writeFileSync(out, Buffer.alloc(5000, 7)), /not a Hearth backup/],
    [
      'a foreign tar.gz',
      (_f: string, out: string) =>
        writeFileSync(
          out,
          gzipSync(Buffer.concat([tarHeader({ name: 'notes.txt', size: 0, mtime: 0 }), Buffer.alloc(1024)])),
        ),
      /not a Hearth backup/,
    ],
    [
      'one byte changed inside',
      (f: string, out: string) => {
        // Recompress with a flipped byte in the database's bytes: the checksum catches it.
        const raw = gunzipSync(readFileSync(f));
        raw[raw.length - 3000]! ^= 0xff;
        writeFileSync(out, gzipSync(raw));
      },
      /damaged|checksum/,
    ],
  ])('%s', async (_what, make, message) => {
    const { dir, file, snapshot } = await setUp();
    const out = join(makeTempDir(), 'bad.tar.gz');
    make(file, out);
    const before = snapshot();
    await expect(restoreArchive({ dataDir: dir, file: out })).rejects.toThrow(message);
    expect(snapshot()).toEqual(before);
  });

  it('a database that fails its integrity check', async () => {
    const { dir, file, snapshot } = await setUp();
    // The same manifest and checksums, written for a damaged database: only the integrity check can tell.
    const m = await readManifest(file);
    expect(m.schemaVersion).toBeGreaterThan(0);
    const before = snapshot();
    const staging = join(makeTempDir(), 's');
    await verifyArchive(file, staging);
    const db = readFileSync(join(staging, 'hearth.db'));
    db.fill(0x41, 4096, 8192); // garbage over the second page
    const { writeArchive } = await import('./archive');
    const damagedDb = join(makeTempDir(), 'hearth.db');
    writeFileSync(damagedDb, db);
    const out = join(makeTempDir(), 'damaged.tar.gz');
    await writeArchive({
      out,
      entries: [{ path: 'hearth.db', source: damagedDb, size: db.length }],
      manifest: { ...m },
    });
    await expect(restoreArchive({ dataDir: dir, file: out })).rejects.toThrow(/damaged|integrity|cannot be opened/);
    expect(snapshot()).toEqual(before);
  });
});

describe('retention', () => {
  it('after 60 simulated days of daily backups keeps the newest of each of the last 7 days and of the last 4 weeks', async () => {
    const dir = makeTempDir();
    let now = Date.UTC(2026, 0, 1, 12); // a Thursday
    const s = services(dir, { backups: { now: () => now } });
    await callOk(s, 'chats.create', { model: MODEL });
    for (let day = 0; day < 60; day++) {
      await s.backups.create('daily');
      now += DAY_MS;
    }
    const names = (await callOk(s, 'backups.list')).backups.map((b) =>
      new Date(b.createdAt).toISOString().slice(0, 10),
    );
    // Last backup: 2026-03-01 (a Sunday). Daily: Feb 23 … Mar 1. Weekly (Mon–Sun weeks): Mar 1, Feb 22, Feb 15, Feb 8.
    expect(names).toEqual([
      '2026-03-01',
      '2026-02-28',
      '2026-02-27',
      '2026-02-26',
      '2026-02-25',
      '2026-02-24',
      '2026-02-23',
      '2026-02-22',
      '2026-02-15',
      '2026-02-08',
    ]);
    // Fewer kept when asked.
    const view = await callOk(s, 'backups.configure', { keepDaily: 2, keepWeekly: 1 });
    expect(view.settings).toMatchObject({ keepDaily: 2, keepWeekly: 1 });
    await s.backups.prune();
    expect((await callOk(s, 'backups.list')).backups).toHaveLength(2);
  });

  it('keeps backups made by the user for 30 days: a second Back up now the same day keeps the first', async () => {
    const dir = makeTempDir();
    let now = Date.UTC(2026, 3, 1, 9);
    const s = services(dir, { backups: { now: () => now } });
    const first = await callOk(s, 'backups.create');
    now += 60_000;
    const second = await callOk(s, 'backups.create');
    expect((await callOk(s, 'backups.list')).backups.map((b) => b.name)).toEqual([second.name, first.name]);
    now += 31 * DAY_MS;
    const daily = await s.backups.create('daily');
    // A month on, the first went; the second stays as its week's newest.
    expect((await callOk(s, 'backups.list')).backups.map((b) => b.name)).toEqual([daily.name, second.name]);
  });

  it('keeps a backup made before a migration for 30 days, and always the newest', () => {
    const t0 = Date.UTC(2026, 5, 1);
    const b = (d: number, reason: 'daily' | 'pre-migration' = 'daily') => ({
      name: `${d}-${reason}`,
      createdAt: t0 + d * DAY_MS,
      reason,
    });
    const list = [b(0, 'pre-migration'), b(1), b(2), b(3)];
    expect(backupsToDelete(list, { keepDaily: 1, keepWeekly: 0 }, t0 + 10 * DAY_MS)).toEqual(['2-daily', '1-daily']);
    expect(backupsToDelete(list, { keepDaily: 1, keepWeekly: 0 }, t0 + 40 * DAY_MS)).toEqual([
      '2-daily',
      '1-daily',
      '0-pre-migration',
    ]);
  });
});

describe('automatic backups', () => {
  it('at start when none is newer than a day; the copy taken before a migration becomes a full backup', async () => {
    const dir = makeTempDir();
    const s = services(dir, { host: 'serve', backups: { firstCheckMs: 10, checkEveryMs: 50 } });
    await callOk(s, 'chats.create', { model: MODEL });
    const rec = recordEvents(s);
    await rec.waitFor(
      (e) => e.event === 'backups.changed' && e.payload.backups.some((b) => b.reason === 'daily'),
      10_000,
    );
    await sleep(300); // more checks: still one, the newest is not a day old
    expect((await callOk(s, 'backups.list')).backups.map((b) => b.reason)).toEqual(['daily']);
    await closeOne(s);

    // An old store (schema 1) opened by this Hearth: migrated, and the copy made first becomes an archive.
    const old = makeTempDir();
    const db = new Database(join(old, 'hearth.db'));
    const { migrations } = await import('../store/migrations');
    db.exec(migrations[0]!.sql);
    db.pragma('user_version = 1');
    db.close();
    const migrated = services(old, { host: 'serve', backups: { firstCheckMs: 60_000 } });
    const rec2 = recordEvents(migrated);
    await rec2.waitFor(
      (e) => e.event === 'backups.changed' && e.payload.backups.some((b) => b.reason === 'pre-migration'),
      10_000,
    );
    const listed = (await callOk(migrated, 'backups.list')).backups;
    expect(listed[0]).toMatchObject({ reason: 'pre-migration', schemaVersion: 1 });
    // The loose copy goes once the archive holds it.
    for (let i = 0; i < 100 && readdirSync(join(old, 'backups')).some((n) => n.endsWith('.db')); i++) await sleep(20);
    expect(readdirSync(join(old, 'backups')).filter((n) => n.endsWith('.db'))).toEqual([]);
  });
});

describe('a killed backup', () => {
  it('leaves no file that looks like a backup, and the next start clears what it left', async () => {
    const dir = makeTempDir();
    const s = services(dir);
    await chatWithImage(s, 'something');
    await closeOne(s);
    // Big files that do not compress, so the archive takes a while to write.
    const { randomBytes } = await import('node:crypto');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'attachments', 'zz'), { recursive: true });
    for (let i = 0; i < 8; i++)
      writeFileSync(join(dir, 'attachments', 'zz', `noise-${i}.bin`), randomBytes(8 * 1024 * 1024));
    // A separate process makes the backup and is killed with SIGKILL while the archive is being written.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(process.cwd(), 'electron/services/backups/backup-child.test-support.ts'), dir],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    const folder = join(dir, 'backups');
    for (
      let i = 0;
      i < 400 && !(existsSync(folder) && readdirSync(folder).some((n) => n.endsWith('.tar.gz.partial')));
      i++
    ) {
      await sleep(25);
    }
    const exited = child.exitCode !== null || child.signalCode !== null;
    child.kill('SIGKILL');
    if (!exited) await new Promise((r) => child.once('exit', r));
    expect(exited).toBe(false); // killed mid-way, not finished
    const left = readdirSync(folder);
    expect(left.some((n) => n.endsWith('.partial'))).toBe(true);
    expect(left.filter((n) => n.endsWith('.tar.gz'))).toEqual([]);
    // Even opened as if it were one, the partial file is refused.
    const partial = join(
      folder,
      left.find((n) => n.endsWith('.tar.gz.partial'))!,
    );
    await expect(verifyArchive(partial)).rejects.toThrow();
    void out;
    const again = services(dir, { host: 'serve', backups: { firstCheckMs: 60_000 } });
    expect((await callOk(again, 'backups.list')).backups).toEqual([]);
    expect(readdirSync(folder).filter((n) => n.endsWith('.partial'))).toEqual([]);
  });
});
