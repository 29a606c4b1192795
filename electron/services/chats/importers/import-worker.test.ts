import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppServices } from '../../app-services';
import { callOk, makeTempDir, openServices, recordEvents, removeTempDirs } from '../../../../e2e/support/services';
import { tinyPng } from '../../../../e2e/support/images';
import { BATCH_MESSAGES } from './import-job';
import { bulkChatGptExport } from '../../../../e2e/support/chatgpt-export';

const open: AppServices[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  removeTempDirs();
});

function services(): AppServices {
  const s = openServices(makeTempDir());
  open.push(s);
  return s;
}

describe('data.import in a worker thread', () => {
  it('keeps the process answering: chats.list answers within 100 ms (p95) and timers run while a big file imports', async () => {
    const s = services();
    await callOk(s, 'chats.create', {});
    const content = bulkChatGptExport(1_000, 20); // 40,000 messages, ~13 MB
    const events = recordEvents(s);

    // The longest gap between 5 ms timer ticks shows how long the event loop was ever blocked.
    let longestGap = 0;
    let lastTick = performance.now();
    const timer = setInterval(() => {
      const t = performance.now();
      longestGap = Math.max(longestGap, t - lastTick);
      lastTick = t;
    }, 5);
    const t0 = performance.now();
    const importing = s.router.call('data.import', { filename: 'conversations.json', content });
    let finished = false;
    void importing.finally(() => (finished = true));
    const listTimes: number[] = [];
    while (!finished) {
      const t = performance.now();
      await callOk(s, 'chats.list', { limit: 50 });
      listTimes.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 20));
    }
    const result = await importing;
    const importMs = performance.now() - t0;
    clearInterval(timer);

    expect(result.ok && result.value).toMatchObject({
      format: 'chatgpt',
      chatsImported: 1_000,
      messagesImported: 40_000,
    });
    const p95 = [...listTimes].sort((a, b) => a - b)[Math.floor(listTimes.length * 0.95)]!;
    console.log(
      `background import of 40,000 messages: ${importMs.toFixed(0)} ms; ${listTimes.length} chats.list calls meanwhile, ` +
        `p95 ${p95.toFixed(1)} ms, slowest ${Math.max(...listTimes).toFixed(1)} ms; longest event-loop gap ${longestGap.toFixed(1)} ms`,
    );
    // Inline, the import would finish before the first chats.list could even start.
    expect(listTimes.length).toBeGreaterThan(5);
    // 95% answer within 100 ms; the bound on the slowest leaves room for a busy 2-core machine.
    expect(p95).toBeLessThan(100);
    expect(Math.max(...listTimes)).toBeLessThan(1_000);
    // Inline, the same import blocks for many seconds; the bound leaves room for a busy 2-core machine.
    expect(longestGap).toBeLessThan(1_000);

    const progress = events.seen.filter((e) => e.event === 'data.importProgress').map((e) => e.payload);
    expect(progress[0]).toMatchObject({ filename: 'conversations.json', phase: 'reading' });
    const writing = progress.filter((p) => 'phase' in p && p.phase === 'writing') as { done: number; total: number }[];
    expect(writing.length).toBeGreaterThan(2);
    expect(writing.every((p) => p.total === 1_000)).toBe(true);
    expect(writing.some((p) => p.done > 0 && p.done < 1_000)).toBe(true);
    expect(progress.at(-1)).toEqual({ filename: 'conversations.json', phase: 'done', done: 1_000, total: 1_000 });
    // A large import is announced by 'done' (windows reload the list), not 1,000 chat.updated events.
    expect(events.seen.filter((e) => e.event === 'chat.updated')).toHaveLength(0);

    const page = await callOk(s, 'chats.list', { limit: 50 });
    expect(page.chats).toHaveLength(50);
    const { hits } = await callOk(s, 'search.query', { query: 'sourdough' });
    expect(hits.length).toBeGreaterThan(0);
    // Versions written by the worker sort before the next one written here.
    const maxVersion = (s.db.prepare('SELECT max(version) AS v FROM messages').get() as { v: string }).v;
    const after = await callOk(s, 'chats.create', {});
    const v = (s.db.prepare('SELECT version FROM chats WHERE id = ?').get(after.id) as { version: string }).version;
    expect(v > maxVersion).toBe(true);
  }, 120_000);

  it('announces a small import chat by chat, then done', async () => {
    const s = services();
    const events = recordEvents(s);
    await callOk(s, 'data.import', { filename: 'c.json', content: bulkChatGptExport(3, 2) });
    const names = events.seen.map((e) => e.event).filter((e) => e === 'chat.updated' || e === 'data.importProgress');
    expect(names.filter((e) => e === 'chat.updated')).toHaveLength(3);
    expect(events.seen.at(-1)).toEqual({
      event: 'data.importProgress',
      payload: { filename: 'c.json', phase: 'done', done: 3, total: 3 },
    });
  });

  it('adds nothing when a later batch fails: chats of earlier batches and their files are taken back', async () => {
    const source = services();
    // Two chats, each more than half a batch of messages, the second with an image: two batches.
    const perChat = Math.ceil(BATCH_MESSAGES / 2) + 10;
    const ids: string[] = [];
    for (let c = 0; c < 2; c++) {
      const chat = await callOk(source, 'chats.create', {});
      ids.push(chat.id);
      const insert = source.db.prepare(
        `INSERT INTO messages (id, chat_id, parent_id, role, content, status, created_at, updated_at, version, device_id)
         VALUES (?, ?, ?, ?, ?, 'done', ?, ?, 'v', 'd')`,
      );
      source.db.transaction(() => {
        let parent: string | null = null;
        for (let i = 0; i < perChat; i++) {
          const id = `${chat.id.slice(0, 20)}-${c}-${i}`;
          insert.run(id, chat.id, parent, i % 2 ? 'assistant' : 'user', `message ${i}`, i, i);
          parent = id;
        }
      })();
    }
    const first = await callOk(source, 'attachments.add', {
      chatId: ids[0]!,
      name: 'first.png',
      mime: 'image/png',
      dataBase64: tinyPng().toString('base64'),
    });
    const second = await callOk(source, 'attachments.add', {
      chatId: ids[1]!,
      name: 'second.png',
      mime: 'image/png',
      dataBase64: tinyPng().toString('base64'),
    });
    const lastOf = (chatId: string) =>
      (
        source.db.prepare('SELECT id FROM messages WHERE chat_id = ? ORDER BY rowid DESC LIMIT 1').get(chatId) as {
          id: string;
        }
      ).id;
    source.db.prepare('UPDATE attachments SET message_id = ? WHERE id = ?').run(lastOf(ids[0]!), first.id);
    source.db.prepare('UPDATE attachments SET message_id = ? WHERE id = ?').run(lastOf(ids[1]!), second.id);
    const file = await callOk(source, 'data.export', { format: 'hearth' });

    const target = services();
    const dir = join(target.info().dataDir, 'attachments');
    mkdirSync(join(dir, `${second.id}.png`), { recursive: true }); // the second batch cannot write its file
    const r = await target.router.call('data.import', { filename: file.filename, content: file.content });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.message).toMatch(/Could not save "second\.png"/);
    // Each chat is over half a batch, so the first was committed on its own before the second failed.
    const count = (t: string) => (target.db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    expect([count('chats'), count('messages'), count('attachments')]).toEqual([0, 0, 0]);
    expect(readdirSync(dir)).toEqual([`${second.id}.png`]);
    expect((await callOk(target, 'search.query', { query: 'message' })).hits).toEqual([]);
  }, 60_000);
});
