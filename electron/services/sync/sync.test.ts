/**
 * Sync against a real PostgreSQL (a throwaway cluster started for this file): devices are real
 * services over their own SQLite, answers come from the test Ollama. Convergence is checked on
 * the stored rows themselves — every synced table, every column, versions and device ids included.
 */
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOllama, type FakeOllama } from '../../../e2e/support/fake-ollama';
import { usePostgres } from '../../../e2e/support/use-postgres';
import { callOk, makeTempDir, openServices, recordEvents, removeTempDirs, sleep } from '../../../e2e/support/services';
import type { AppServices } from '../app-services';
import { runSync, PUSH_BATCH, type EngineContext } from './engine';
import { SyncServer } from './sync-server';
import { bulkChatGptExport } from '../../../e2e/support/chatgpt-export';
import { tinyPng } from '../../../e2e/support/images';
import Database from 'better-sqlite3';
import { migrations } from '../store/migrations';
import { ImageRepo } from '../store/image-repo';
import { GalleryFiles } from '../images/gallery-files';
import { HybridClock } from '../util/hlc';
import { uuidv7 } from '../../../shared/uuidv7';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const pgServer = usePostgres();
let fake: FakeOllama;
const open: AppServices[] = [];
const clients: pg.Client[] = [];
const MODEL = 'ollama/llama3.2:1b';
let schemas = 0;

beforeAll(async () => {
  fake = await startFakeOllama();
});
afterAll(async () => {
  await fake.close();
});
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  for (const c of clients.splice(0)) await c.end().catch(() => {});
  removeTempDirs();
});

/** A fresh schema per test: tests share the cluster, never their data. */
function newSchema(): string {
  schemas += 1;
  return `t${process.pid}_${schemas}`;
}

function device(env: Record<string, string> = {}, dir = makeTempDir()): AppServices {
  const s = openServices(dir, { env: { OLLAMA_BASE_URL: fake.url, ...env } });
  open.push(s);
  return s;
}

async function configured(schema: string, env: Record<string, string> = {}): Promise<AppServices> {
  const s = device({ DATABASE_URL: pgServer().url(), ...env });
  await callOk(s, 'settings.update', { autoTitle: false });
  await callOk(s, 'sync.configure', { schema, enabled: true });
  return s;
}

async function send(s: AppServices, content: string, chatId?: string) {
  const rec = recordEvents(s);
  const r = await callOk(s, 'messages.send', { model: MODEL, content, ...(chatId ? { chatId } : {}) });
  await rec.done(r.assistantMessage.id);
  rec.stop();
  return r;
}

/** Every synced table as rows (the import key is per device: two imports of one file stay two chats). */
function dump(s: AppServices): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const t of ['folders', 'tags', 'chats', 'messages', 'chat_tags', 'attachments']) {
    out[t] = (s.db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all() as Record<string, unknown>[]).map((r) => {
      delete r.import_key;
      return r;
    });
  }
  return out;
}

/** Sync every device in turn until a whole round moves nothing. */
async function settle(devices: AppServices[]): Promise<void> {
  for (let round = 0; round < 6; round += 1) {
    let moved = 0;
    for (const d of devices) {
      await callOk(d, 'sync.now', {});
      const r = d.sync.status().lastReport!;
      moved += Object.values(r.up).reduce((a, b) => a + (b ?? 0), 0);
      moved += Object.values(r.down).reduce((a, b) => a + (b ?? 0), 0);
    }
    if (moved === 0 && round > 0) return;
  }
  throw new Error('devices did not settle within 6 rounds');
}

async function admin(): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: pgServer().url() });
  c.on('error', () => {}); // a test may cut every connection or restart the server
  await c.connect();
  clients.push(c);
  return c;
}

describe('sync between devices', () => {
  it('chats, messages, folders, tags and deletions made on either device reach the other; both end identical', async () => {
    const schema = newSchema();
    const a = await configured(schema);
    const b = await configured(schema);
    const first = await send(a, 'hello from A');
    const folder = await callOk(b, 'folders.create', { name: 'Projects' });
    const second = await send(b, 'hello from B');
    await callOk(b, 'chats.update', { id: second.chat.id, folderId: folder.id, tags: ['work'] });
    await callOk(a, 'chats.update', { id: first.chat.id, tags: ['Work', 'home'] });
    const doomed = await send(a, 'delete me');
    await settle([a, b]);
    await callOk(b, 'chats.delete', { id: doomed.chat.id });
    await send(b, 'a reply written on B', first.chat.id);
    await settle([a, b]);

    expect(dump(a)).toEqual(dump(b));
    const onA = await callOk(a, 'chats.get', { id: first.chat.id });
    expect(onA.messages.map((m) => m.content)).toEqual(
      expect.arrayContaining(['hello from A', 'a reply written on B']),
    );
    expect((await callOk(a, 'chats.list', { limit: 50 })).chats.map((c) => c.id)).not.toContain(doomed.chat.id);
    // One "work" tag on both, whichever device made it first.
    const tags = (await callOk(a, 'tags.list', {})).tags.map((t) => t.name.toLowerCase()).sort();
    expect(tags).toEqual(['home', 'work']);
  });

  it('two devices writing to one chat while apart both keep every message', async () => {
    const schema = newSchema();
    const a = await configured(schema);
    const b = await configured(schema);
    const chat = await send(a, 'start');
    await settle([a, b]);
    await send(a, 'A offline', chat.chat.id);
    await send(b, 'B offline', chat.chat.id);
    await settle([a, b]);
    const contents = (await callOk(b, 'chats.get', { id: chat.chat.id })).messages.map((m) => m.content);
    expect(contents).toEqual(expect.arrayContaining(['start', 'A offline', 'B offline']));
    expect(dump(a)).toEqual(dump(b));
  });

  it('a chat renamed on two devices ends with the same title on both: the later rename', async () => {
    const schema = newSchema();
    const a = await configured(schema);
    const b = await configured(schema);
    const chat = await send(a, 'name me');
    await settle([a, b]);
    await callOk(b, 'chats.update', { id: chat.chat.id, title: 'Renamed on B' });
    await new Promise((r) => setTimeout(r, 5));
    await callOk(a, 'chats.update', { id: chat.chat.id, title: 'Renamed on A, later' });
    // B syncs first: its rename reaches the server first and is still replaced by A's newer one.
    await settle([b, a]);
    expect((await callOk(a, 'chats.get', { id: chat.chat.id })).chat.title).toBe('Renamed on A, later');
    expect((await callOk(b, 'chats.get', { id: chat.chat.id })).chat.title).toBe('Renamed on A, later');
  });

  it('random edits on three devices with offline spells converge to the same rows', async () => {
    type Op =
      | { kind: 'send'; dev: number; chat: number }
      | { kind: 'rename'; dev: number; chat: number; title: string }
      | { kind: 'delete' | 'restore' | 'pin'; dev: number; chat: number }
      | { kind: 'folder'; dev: number; name: string }
      | { kind: 'move'; dev: number; chat: number; folder: number }
      | { kind: 'tag'; dev: number; chat: number; tag: string }
      | { kind: 'sync'; dev: number };
    const dev = fc.integer({ min: 0, max: 2 });
    const idx = fc.nat({ max: 7 });
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('send' as const), dev, chat: idx }) },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('rename' as const),
          dev,
          chat: idx,
          title: fc.string({ maxLength: 8 }),
        }),
      },
      { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('delete', 'restore', 'pin'), dev, chat: idx }) },
      {
        weight: 1,
        arbitrary: fc.record({ kind: fc.constant('folder' as const), dev, name: fc.constantFrom('A', 'B') }),
      },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('move' as const), dev, chat: idx, folder: idx }) },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('tag' as const),
          dev,
          chat: idx,
          tag: fc.constantFrom('x', 'X', 'y'),
        }),
      },
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('sync' as const), dev }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 18 }), async (ops) => {
        const schema = newSchema();
        const devices = [await configured(schema), await configured(schema), await configured(schema)];
        try {
          for (const o of ops) {
            const s = devices[o.dev]!;
            const chats = (await callOk(s, 'chats.list', { limit: 50 })).chats;
            const chat = chats.length ? chats[('chat' in o ? o.chat : 0) % chats.length]! : null;
            if (o.kind === 'send') await send(s, `m${o.chat}`, chat && o.chat % 2 ? chat.id : undefined);
            else if (o.kind === 'sync') await callOk(s, 'sync.now', {});
            // A name this device already has is refused (a clear error); two devices may each make one.
            else if (o.kind === 'folder') await s.router.call('folders.create', { name: o.name });
            else if (!chat) continue;
            else if (o.kind === 'rename')
              await callOk(s, 'chats.update', { id: chat.id, title: o.title.trim() || 'untitled' });
            else if (o.kind === 'delete') await callOk(s, 'chats.delete', { id: chat.id });
            else if (o.kind === 'restore') {
              const r = await s.router.call('chats.restore', { id: chat.id });
              void r; // a chat not deleted is a clear error, not a change
            } else if (o.kind === 'pin') await callOk(s, 'chats.update', { id: chat.id, pinned: !chat.pinned });
            else if (o.kind === 'tag') await callOk(s, 'chats.update', { id: chat.id, tags: [o.tag] });
            else if (o.kind === 'move') {
              const folders = (await callOk(s, 'folders.list', {})).folders;
              const f = folders.length ? folders[o.folder % folders.length]! : null;
              await callOk(s, 'chats.update', { id: chat.id, folderId: f ? f.id : null });
            }
          }
          await settle(devices);
          const [d0, d1, d2] = devices.map(dump);
          expect(d1).toEqual(d0);
          expect(d2).toEqual(d0);
        } finally {
          for (const s of devices) await s.close();
        }
      }),
      { numRuns: Number(process.env.HEARTH_SYNC_RUNS ?? 10), endOnFailure: true },
    );
  }, 240_000);
});

describe('a sync cut short', () => {
  async function bigDevice(schema: string): Promise<AppServices> {
    const s = await configured(schema);
    // 30 chats × 20 turns: 1,230 rows, more than two push batches.
    await callOk(s, 'data.import', { filename: 'conversations.json', content: bulkChatGptExport(30, 20, 'Bulk') });
    expect(s.sync.repo.pendingCount()).toBeGreaterThan(2 * PUSH_BATCH);
    return s;
  }

  async function engine(s: AppServices, schema: string, extra: Partial<EngineContext> = {}): Promise<EngineContext> {
    const client = new pg.Client({ connectionString: pgServer().url() });
    await client.connect();
    client.on('error', () => {});
    clients.push(client);
    const server = new SyncServer(client, schema);
    await server.migrate();
    return { server, repo: s.sync.repo, key: null, dataDir: s.info().dataDir, maxBlobBytes: 1 << 30, ...extra };
  }

  it('a connection killed mid-push leaves no duplicate and no gap; the next run finishes', async () => {
    const schema = newSchema();
    const a = await bigDevice(schema);
    const total = a.sync.repo.pendingCount();
    const killer = await admin();
    const ctx = await engine(a, schema, {
      onProgress: (p) => {
        if (p.phase === 'push' && p.done === PUSH_BATCH)
          void killer.query(
            `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND datname = current_database() AND backend_type = 'client backend'`,
          );
      },
    });
    await expect(runSync(ctx)).rejects.toThrow();
    const left = a.sync.repo.pendingCount();
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(total);
    await callOk(a, 'sync.now', {});
    expect(a.sync.repo.pendingCount()).toBe(0);
    const c = await admin();
    const { rows } = await c.query(
      `SELECT count(*)::int AS n, count(DISTINCT (kind, id))::int AS u FROM "${schema}".rows`,
    );
    expect(rows[0]).toEqual({ n: total, u: total });

    const b = await configured(schema);
    await callOk(b, 'sync.now', {});
    expect(dump(b)).toEqual(dump(a));
  });

  it('a connection killed mid-pull, and the server restarted mid-sync: the next runs pick up where they stopped', async () => {
    const schema = newSchema();
    const a = await bigDevice(schema);
    await callOk(a, 'sync.now', {});
    const b = await configured(schema);
    const killer = await admin();
    const ctx = await engine(b, schema, {
      onProgress: (p) => {
        if (p.phase === 'pull' && p.done === 1000)
          void killer.query(
            `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND datname = current_database() AND backend_type = 'client backend'`,
          );
      },
    });
    await expect(runSync(ctx)).rejects.toThrow();
    expect(b.sync.repo.cursor).toBeGreaterThan(0);

    // Now the whole server goes away in the middle of B's next run and comes back.
    await send(a, 'one more');
    await callOk(a, 'sync.now', {});
    await pgServer().restart();
    await callOk(b, 'sync.now', {}).catch(() => {}); // the old connection is gone: this run may fail
    await callOk(b, 'sync.now', {});
    await callOk(a, 'sync.now', {});
    expect(dump(b)).toEqual(dump(a));
  });
});

describe('attachments', () => {
  async function withImage(s: AppServices, text: string) {
    const png = tinyPng(7, 5);
    const chat = await callOk(s, 'chats.create', {});
    const file = await callOk(s, 'attachments.add', {
      chatId: chat.id,
      name: 'dot.png',
      mime: 'image/png',
      dataBase64: png.toString('base64'),
    });
    const rec = recordEvents(s);
    const r = await callOk(s, 'messages.send', {
      chatId: chat.id,
      model: MODEL,
      content: text,
      attachmentIds: [file.id],
    });
    await rec.done(r.assistantMessage.id);
    rec.stop();
    return { file, png, chatId: r.chat.id };
  }
  const bytesOn = (s: AppServices, id: string) => {
    const row = s.db.prepare('SELECT path FROM attachments WHERE id = ?').get(id) as { path: string } | undefined;
    try {
      return row ? readFileSync(join(s.info().dataDir, row.path)) : null;
    } catch {
      return null;
    }
  };

  it('an attached image travels as its own object, once per content, encrypted with a passphrase', async () => {
    const schema = newSchema();
    const env = { HEARTH_SYNC_PASSPHRASE: 'pictures too' };
    const a = await configured(schema, env);
    const { file, png } = await withImage(a, 'look at this');
    await callOk(a, 'sync.now', {});
    expect(a.sync.status().lastReport!.filesUp).toBe(1);
    const b = await configured(schema, env);
    await callOk(b, 'sync.now', {});
    expect(b.sync.status().lastReport!.filesDown).toBe(1);
    expect(bytesOn(b, file.id)).toEqual(bytesOn(a, file.id));
    expect(bytesOn(b, file.id)).not.toBeNull();
    const c = await admin();
    const blobs = (await c.query(`SELECT bytes FROM "${schema}".blobs`)).rows as { bytes: Buffer }[];
    expect(blobs).toHaveLength(1);
    expect(blobs[0]!.bytes.includes(png.subarray(8, 24))).toBe(false); // not the PNG's own bytes
    expect(dump(b)).toEqual(dump(a));
  });

  it('a file over the size cap is not sent: its row is, and the other device shows it as missing', async () => {
    const schema = newSchema();
    const a = await configured(schema);
    await callOk(a, 'sync.configure', { maxAttachmentMb: 0 });
    const { file } = await withImage(a, 'too big to sync');
    await callOk(a, 'sync.now', {});
    expect(a.sync.status().lastReport!.filesUp).toBe(0);
    const b = await configured(schema);
    await callOk(b, 'sync.now', {});
    expect(b.db.prepare('SELECT id FROM attachments WHERE id = ?').get(file.id)).toBeTruthy();
    expect(bytesOn(b, file.id)).toBeNull();
  });
});

describe('gallery images', () => {
  it('an image stored on one device reaches the other with the same bytes; deleting it tombstones it there', async () => {
    const schema = newSchema();
    const a = await configured(schema);
    const b = await configured(schema);
    // Stored as the image service stores one: the file under images/, then its row.
    const deviceId = (a.db.prepare(`SELECT value FROM meta WHERE key = 'device_id'`).get() as { value: string }).value;
    const png = tinyPng(6, 4);
    const id = uuidv7();
    const path = new GalleryFiles(a.info().dataDir).write(id, 'image/png', png);
    new ImageRepo(a.db, new HybridClock(deviceId), deviceId).insert({
      id,
      prompt: 'a kettle on a hearth',
      negativePrompt: '',
      params: { prompt: 'a kettle on a hearth', steps: 8 },
      backendKind: 'comfyui',
      backendLabel: 'ComfyUI',
      model: 'sd15',
      seed: 1234,
      info: { promptId: 'p1' },
      mime: 'image/png',
      size: png.length,
      width: 6,
      height: 4,
      path,
      chatId: null,
      messageId: null,
      createdAt: 1_700_000_000_000,
    });
    await settle([a, b]);
    const row = (s: AppServices) => s.db.prepare('SELECT * FROM images WHERE id = ?').get(id);
    expect(row(b)).toEqual(row(a));
    const file = join(b.info().dataDir, 'images', `${id}.png`);
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file)).toEqual(png);
    expect((await callOk(b, 'images.get', { id })).image.prompt).toBe('a kettle on a hearth');

    await callOk(a, 'images.delete', { id });
    await settle([a, b]);
    expect(row(b)).toMatchObject({ deleted: 1 });
    expect(row(b)).toEqual(row(a));
    expect((await callOk(b, 'images.list', {})).images.map((i) => i.id)).not.toContain(id);
  });
});

describe('deletions', () => {
  it('a device offline longer than the 30-day purge still loses the deleted chat, and it never comes back', async () => {
    const schema = newSchema();
    const a = await configured(schema);
    const b = await configured(schema);
    const chat = await send(a, 'short-lived');
    await settle([a, b]);
    await callOk(a, 'chats.delete', { id: chat.chat.id });
    await callOk(a, 'sync.now', {});
    // 31 days on: A erases the chat for good (everything older than now).
    expect(a.attachments.purgeDeletedChats(-1).chats).toBe(1);
    // B was away all that time with the chat; now it syncs.
    await settle([b, a]);
    expect((await callOk(b, 'chats.list', { limit: 50 })).chats.map((c) => c.id)).not.toContain(chat.chat.id);
    expect((await callOk(a, 'chats.list', { limit: 50 })).chats.map((c) => c.id)).not.toContain(chat.chat.id);
  });

  it('a deletion that has not gone up yet is not erased by the purge', async () => {
    const schema = newSchema();
    const a = await configured(schema);
    const chat = await send(a, 'delete offline');
    await callOk(a, 'sync.now', {});
    await callOk(a, 'chats.delete', { id: chat.chat.id });
    expect(a.attachments.purgeDeletedChats(-1).chats).toBe(0);
    await callOk(a, 'sync.now', {});
    expect(a.attachments.purgeDeletedChats(-1).chats).toBe(1);
    const c = await admin();
    const { rows } = await c.query(`SELECT deleted FROM "${schema}".rows WHERE kind = 'chat' AND id = $1`, [
      chat.chat.id,
    ]);
    expect(rows).toEqual([{ deleted: true }]);
  });
});

describe('end-to-end encryption', () => {
  it('the server holds none of the text; another device with the passphrase reads it all', async () => {
    const schema = newSchema();
    const env = { HEARTH_SYNC_PASSPHRASE: 'correct horse battery staple' };
    const a = await configured(schema, env);
    const chat = await send(a, 'my secret question');
    await callOk(a, 'chats.update', { id: chat.chat.id, title: 'Secret title', tags: ['secrettag'] });
    await callOk(a, 'folders.create', { name: 'Secret folder' });
    await callOk(a, 'sync.now', {});
    const c = await admin();
    const { rows } = await c.query(`SELECT kind, id, payload FROM "${schema}".rows`);
    expect(rows.length).toBeGreaterThan(4);
    const all = JSON.stringify(rows);
    for (const plain of ['secret question', 'Secret title', 'secrettag', 'Secret folder', MODEL.split('/')[1]!]) {
      expect(all).not.toContain(plain);
    }
    expect(rows.every((r: { payload: string }) => r.payload.startsWith('e1:'))).toBe(true);

    const b = await configured(schema, env);
    await callOk(b, 'sync.now', {});
    expect((await callOk(b, 'chats.get', { id: chat.chat.id })).chat.title).toBe('Secret title');
    expect(dump(b)).toEqual(dump(a));
  });

  it('a wrong passphrase, or none, is refused in plain words and changes nothing on either side', async () => {
    const schema = newSchema();
    const a = await configured(schema, { HEARTH_SYNC_PASSPHRASE: 'the right one' });
    await send(a, 'kept safe');
    await callOk(a, 'sync.now', {});
    const c = await admin();
    const before = (await c.query(`SELECT * FROM "${schema}".rows ORDER BY seq`)).rows;

    const wrong = await configured(schema, { HEARTH_SYNC_PASSPHRASE: 'a wrong one' });
    const mine = await send(wrong, 'local only');
    const r = await wrong.router.call('sync.now', {});
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.message).toMatch(/passphrase does not match/i);
    expect(wrong.sync.status()).toMatchObject({ state: 'error' });
    expect((await callOk(wrong, 'chats.get', { id: mine.chat.id })).messages).toHaveLength(2);

    const none = await configured(schema);
    const r2 = await none.router.call('sync.now', {});
    expect(!r2.ok && r2.error.message).toMatch(/end-to-end encrypted: enter its passphrase/i);
    expect((await c.query(`SELECT * FROM "${schema}".rows ORDER BY seq`)).rows).toEqual(before);
  });
});

describe('hostile rows from the server', () => {
  it('a row that would write outside the data folder, bad ids and broken payloads are set aside; good rows apply', async () => {
    const schema = newSchema();
    const a = await configured(schema);
    const good = await send(a, 'fine');
    await callOk(a, 'sync.now', {});
    const c = await admin();
    const v = '1999999999999-0000-evil';
    const insert = (kind: string, id: string, payload: string) =>
      c.query(
        `INSERT INTO "${schema}".rows (kind, id, seq, version, device_id, deleted, payload)
         VALUES ($1, $2, nextval('"${schema}".row_seq'), $3, 'evil', false, $4)`,
        [kind, id, v, payload],
      );
    await insert(
      'attachment',
      'evil1',
      JSON.stringify({
        chat_id: good.chat.id,
        message_id: good.userMessage.id,
        kind: 'text',
        name: 'x',
        mime: 'text/plain',
        size: 1,
        path: '../../../../tmp/owned.txt',
        created_at: 1,
        blob_address: 'a'.repeat(64),
      }),
    );
    await insert('chat', '../../etc', JSON.stringify({ title: 'x' }));
    await insert('message', 'm1', 'not json');
    await insert('nonsense', 'x', '{}');
    await insert('chat', 'fine2', JSON.stringify({ title: 'Arrived', created_at: 1, updated_at: 1 }));

    const b = await configured(schema);
    await callOk(b, 'sync.now', {});
    const report = b.sync.status().lastReport!;
    expect(report.rejected).toBeGreaterThanOrEqual(3);
    expect((await callOk(b, 'chats.get', { id: 'fine2' })).chat.title).toBe('Arrived');
    const row = b.db.prepare(`SELECT path FROM attachments WHERE id = 'evil1'`).get() as { path: string } | undefined;
    expect(row?.path).toBe('attachments/evil1.txt');
  });
});

describe('status', () => {
  it('an unreachable server is explained in plain words, and the last error is still shown after a restart', async () => {
    const dir = makeTempDir();
    const env = { DATABASE_URL: 'postgresql://someone:pw@127.0.0.1:9/hearth' };
    const s = device(env, dir);
    await callOk(s, 'sync.configure', { enabled: true });
    const r = await s.router.call('sync.now', {});
    expect(!r.ok && r.error.message).toMatch(/127\.0\.0\.1:9/);
    expect(s.sync.status()).toMatchObject({ state: 'offline', enabled: true });
    await s.close();
    const again = device(env, dir);
    expect(again.sync.status().lastError).toMatch(/127\.0\.0\.1:9/);
    expect(again.sync.status().state).toBe('error');
    expect(again.sync.status().url).toBe('postgresql://someone:•••@127.0.0.1:9/hearth');
  });
});

describe('pause', () => {
  it('a paused device sends nothing in the background, even after a restart; resuming catches up at once', async () => {
    const schema = newSchema();
    const dir = makeTempDir();
    const env = { OLLAMA_BASE_URL: fake.url, DATABASE_URL: pgServer().url() };
    // host 'serve': background sync on, with short timings.
    const background = () => {
      const s = openServices(dir, { host: 'serve', env, sync: { debounceMs: 20, intervalMs: 100 } });
      open.push(s);
      return s;
    };
    let a = background();
    await callOk(a, 'settings.update', { autoTitle: false });
    await callOk(a, 'sync.configure', { schema, enabled: true });
    await recordEvents(a).waitFor(
      (e) => e.event === 'sync.status' && e.payload.state === 'idle' && !!e.payload.lastSyncAt,
      10_000,
    );
    expect((await callOk(a, 'sync.configure', { paused: true })).paused).toBe(true);
    await send(a, 'written while paused');
    await sleep(600); // several intervals and debounces
    expect(a.sync.status().pending).toBeGreaterThan(0);
    await a.close();
    open.splice(open.indexOf(a), 1);

    a = background();
    expect(a.sync.status()).toMatchObject({ paused: true, enabled: true });
    await sleep(400);
    expect(a.sync.status().pending).toBeGreaterThan(0);
    const other = device({ DATABASE_URL: pgServer().url() });
    await callOk(other, 'sync.configure', { schema, enabled: true });
    await callOk(other, 'sync.now');
    expect((await callOk(other, 'chats.list', {})).chats).toHaveLength(0);

    const rec = recordEvents(a);
    expect((await callOk(a, 'sync.configure', { paused: false })).paused).toBe(false);
    await rec.waitFor(
      (e) => e.event === 'sync.status' && e.payload.state === 'idle' && e.payload.pending === 0,
      10_000,
    );
    await callOk(other, 'sync.now');
    expect((await callOk(other, 'chats.list', {})).chats).toHaveLength(1);
  });
});

describe('schemas', () => {
  it('a store from every earlier schema version, with history, opens and syncs all of it', async () => {
    const schema = newSchema();
    const devices: AppServices[] = [];
    for (const from of [1, 2, 3]) {
      const dir = makeTempDir();
      const db = new Database(join(dir, 'hearth.db'));
      for (const m of migrations.filter((x) => x.version <= from)) db.exec(m.sql);
      db.pragma(`user_version = ${from}`);
      const v = (n: number) => `${String(Date.now() - 1000 + n).padStart(13, '0')}-0000-old${from}`;
      db.prepare(
        `INSERT INTO chats (id, title, model, created_at, updated_at, version, device_id) VALUES (?, ?, 'ollama/x', 1, 1, ?, ?)`,
      ).run(`old${from}`, `Chat from schema ${from}`, v(0), `old${from}`);
      db.prepare(
        `INSERT INTO messages (id, chat_id, role, content, status, created_at, updated_at, version, device_id)
         VALUES (?, ?, 'user', ?, 'done', 1, 1, ?, ?)`,
      ).run(`oldm${from}`, `old${from}`, `written under schema ${from}`, v(1), `old${from}`);
      db.close();
      const s = device({ DATABASE_URL: pgServer().url() }, dir);
      await callOk(s, 'sync.configure', { schema, enabled: true });
      await callOk(s, 'sync.now', {});
      devices.push(s);
    }
    const fresh = await configured(schema);
    await callOk(fresh, 'sync.now', {});
    for (const from of [1, 2, 3]) {
      const got = await callOk(fresh, 'chats.get', { id: `old${from}` });
      expect(got.chat.title).toBe(`Chat from schema ${from}`);
      expect(got.messages.map((m) => m.content)).toEqual([`written under schema ${from}`]);
    }
  });

  it('the server schema migrates once, and one from a newer Hearth is refused untouched', async () => {
    const schema = newSchema();
    const c = await admin();
    const server = new SyncServer(c, schema);
    await server.migrate();
    await server.migrate();
    expect(await server.schemaVersion()).toBe(1);
    await c.query(`INSERT INTO "${schema}".hearth_migrations (version, name) VALUES (99, 'from the future')`);
    await expect(server.migrate()).rejects.toThrow(/newer Hearth \(server schema 99/);
    const a = await configured(schema);
    const r = await a.router.call('sync.now', {});
    expect(!r.ok && r.error.message).toMatch(/Update Hearth on this device; nothing was changed/);
    expect((await c.query(`SELECT count(*)::int AS n FROM "${schema}".rows`)).rows[0]).toEqual({ n: 0 });
  });
});
