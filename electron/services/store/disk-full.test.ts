/**
 * A full disk, for real: the data folder lives on a small tmpfs that the test fills up. Every write
 * (create a chat, send, settings, attach a file) answers with a clear "disk is full" error, stores
 * nothing half-way and sends no event for rows that were not stored; an answer streaming when the
 * disk fills is still shown whole and says it was not saved. Needs root on Linux to mount the tmpfs;
 * skipped elsewhere (the error mapping itself is covered in disk-full-mapping below).
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOllama, type FakeOllama } from '../../../e2e/support/fake-ollama';
import type { AppServices } from '../app-services';
import { tinyPng } from '../../../e2e/support/images';
import { callOk, openServices, recordEvents } from '../../../e2e/support/services';
import { diskFullError, isDiskFull } from '../util/disk-full';

function canMount(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  const probe = mkdtempSync(join(tmpdir(), 'hearth-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

describe('disk-full mapping', () => {
  it('SQLite and file-system forms of a full disk become one disk_full error', () => {
    expect(isDiskFull(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }))).toBe(true);
    expect(isDiskFull(Object.assign(new Error('write failed'), { code: 'ENOSPC' }))).toBe(true);
    expect(isDiskFull(Object.assign(new Error('quota'), { code: 'EDQUOT' }))).toBe(true);
    expect(isDiskFull(Object.assign(new Error('locked'), { code: 'SQLITE_BUSY' }))).toBe(false);
    expect(diskFullError(new Error('database or disk is full'))?.code).toBe('disk_full');
  });
});

describe.skipIf(!canMount())('a full disk (tmpfs)', () => {
  let mountPoint: string;
  let fake: FakeOllama;
  let s: AppServices;
  let filler = 0;

  beforeAll(async () => {
    mountPoint = mkdtempSync(join(tmpdir(), 'hearth-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', mountPoint]);
    fake = await startFakeOllama();
    s = openServices(join(mountPoint, 'data'), { env: { OLLAMA_BASE_URL: fake.url } });
  });

  afterAll(async () => {
    await s?.close();
    await fake?.close();
    try {
      execFileSync('umount', [mountPoint]);
    } finally {
      rmSync(mountPoint, { recursive: true, force: true });
    }
  });

  /** Fill the file system to the last byte; returns a function that frees it again. */
  function fill(): () => void {
    const file = join(mountPoint, `filler-${filler++}`);
    const fd = openSync(file, 'w');
    const block = Buffer.alloc(64 * 1024, 1);
    try {
      for (let size = block.length; size >= 1; size = Math.floor(size / 2)) {
        for (;;) {
          try {
            writeSync(fd, block, 0, size);
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
            throw err;
          }
        }
      }
    } finally {
      closeSync(fd);
    }
    return () => rmSync(file, { force: true });
  }

  const count = (table: string) => (s.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

  it('every write says the disk is full, stores nothing half-way, and works again once space is free', async () => {
    fake.behavior.tokenDelayMs = 0;
    const first = await callOk(s, 'messages.send', { model: 'ollama/llama3.2:1b', content: 'before the disk fills' });
    const rec0 = recordEvents(s);
    await rec0.done(first.assistantMessage.id);
    rec0.stop();
    const before = { chats: count('chats'), messages: count('messages'), settings: count('settings') };
    // The write-ahead log emptied, so the next write needs new blocks (as after any checkpoint).
    s.db.pragma('wal_checkpoint(TRUNCATE)');
    const free = fill();
    const rec = recordEvents(s);

    const attempts: [string, unknown][] = [
      ['chats.create', {}],
      ['messages.send', { model: 'ollama/llama3.2:1b', content: 'x'.repeat(20_000) }],
      ['messages.send', { chatId: first.chat.id, model: 'ollama/llama3.2:1b', content: 'y'.repeat(20_000) }],
      ['settings.update', { theme: 'dark', autoTitle: false, defaultModel: 'ollama/qwen2.5:0.5b' }],
      [
        'attachments.add',
        { chatId: first.chat.id, name: 'dot.png', mime: 'image/png', dataBase64: tinyPng(64, 64).toString('base64') },
      ],
    ];
    for (const [method, input] of attempts) {
      const r = await s.router.call(method, input);
      expect(r.ok, method).toBe(false);
      if (!r.ok) {
        expect(r.error.code, method).toBe('disk_full');
        expect(r.error.message, method).toMatch(/disk .*is full/i);
      }
    }
    // Nothing half-written, and no event told the UI about rows that do not exist.
    expect({ chats: count('chats'), messages: count('messages'), settings: count('settings') }).toEqual(before);
    expect(rec.seen.filter((e) => e.event !== 'ollama.status').map((e) => e.event)).toEqual([]);
    rec.stop();

    free();
    expect(s.db.pragma('integrity_check', { simple: true })).toBe('ok');
    const settings = await callOk(s, 'settings.update', { theme: 'dark' });
    expect(settings.theme).toBe('dark');
    const again = await callOk(s, 'messages.send', {
      chatId: first.chat.id,
      model: 'ollama/llama3.2:1b',
      content: 'after',
    });
    const rec2 = recordEvents(s);
    expect((await rec2.done(again.assistantMessage.id)).status).toBe('done');
    rec2.stop();
  });

  it('an answer streaming when the disk fills is shown whole and says it was not saved', async () => {
    const reply = 'word '.repeat(400).trim();
    fake.behavior.reply = () => reply;
    fake.behavior.tokenDelayMs = 2;
    const rec = recordEvents(s);
    const sent = await callOk(s, 'messages.send', { model: 'ollama/llama3.2:1b', content: 'a long one please' });
    await rec.waitFor((e) => e.event === 'message.delta' && e.payload.messageId === sent.assistantMessage.id);
    s.db.pragma('wal_checkpoint(TRUNCATE)');
    const free = fill();
    try {
      const done = await rec.done(sent.assistantMessage.id, 15_000);
      expect(done.content).toBe(reply);
      expect(done.status).toBe('error');
      expect(done.error?.code).toBe('disk_full');
      expect(done.error?.message).toMatch(/shown but was not saved/);
    } finally {
      rec.stop();
      free();
    }
    expect(s.db.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});
