import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type FakeOllama } from '../../../e2e/support/fake-ollama';
import { startFakeOpenAi } from '../../../e2e/support/fake-openai';
import type { AppServices } from '../app-services';
import { tinyPng } from '../../../e2e/support/images';
import { AttachmentRepo } from '../store/attachment-repo';
import { openDatabase } from '../store/database';
import { callOk, makeTempDir, openServices, recordEvents, useFakeOllama } from '../../../e2e/support/services';
import { HybridClock } from '../util/hlc';
import { TEXT_LIMIT_BYTES } from '../../../shared/limits';
import { AttachmentService } from './attachment-service';
import { sniffImage } from './file-kind';

let fake: FakeOllama;
const open: AppServices[] = [];
useFakeOllama(open, (f) => (fake = f));

function services(env: Record<string, string> = {}): AppServices {
  const s = openServices(makeTempDir(), { env: { OLLAMA_BASE_URL: fake.url, ...env } });
  open.push(s);
  return s;
}

const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64');
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1]);
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x24, 0, 0, 0]), Buffer.from('WEBPVP8 ')]);
const GIF = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1');

async function add(s: AppServices, chatId: string | undefined, name: string, mime: string, data: Buffer | string) {
  return s.router.call('attachments.add', { chatId, name, mime, dataBase64: b64(data) });
}

/** attachments.add that must succeed: the stored attachment. */
function attach(s: AppServices, chatId: string | undefined, name: string, mime: string, data: Buffer | string) {
  return callOk(s, 'attachments.add', { chatId, name, mime, dataBase64: b64(data) });
}

describe('attachments.add', () => {
  it('recognises images by their magic bytes and stores them as files under attachments/, not in SQLite', async () => {
    const s = services();
    const chat = await callOk(s, 'chats.create', {});
    expect(sniffImage(tinyPng())).toBe('image/png');
    expect(sniffImage(JPEG)).toBe('image/jpeg');
    expect(sniffImage(WEBP)).toBe('image/webp');
    expect(sniffImage(GIF)).toBe('image/gif');
    // The declared mime is not trusted: a PNG sent as image/jpeg is stored as a PNG.
    const r = await add(s, chat.id, 'shot.jpg', 'image/jpeg', tinyPng());
    expect(r.ok).toBe(true);
    const a = (r as { value: { id: string; kind: string; mime: string; size: number } }).value;
    expect(a).toMatchObject({ kind: 'image', mime: 'image/png', size: tinyPng().length });
    const dir = join(s.info().dataDir, 'attachments');
    expect(readdirSync(dir)).toEqual([`${a.id}.png`]);
    expect(readFileSync(join(dir, `${a.id}.png`))).toEqual(tinyPng());
    const row = s.db.prepare('SELECT * FROM attachments WHERE id = ?').get(a.id) as Record<string, unknown>;
    expect(row.path).toBe(`attachments/${a.id}.png`);
    expect(JSON.stringify(row)).not.toContain(b64(tinyPng()).slice(0, 20));
    for (const [name, bytes, ext] of [
      ['a.jpg', JPEG, 'jpg'],
      ['b.webp', WEBP, 'webp'],
      ['c.gif', GIF, 'gif'],
    ] as const) {
      const x = await callOk(s, 'attachments.add', {
        chatId: chat.id,
        name,
        mime: 'image/whatever',
        dataBase64: b64(bytes),
      });
      expect(readdirSync(dir)).toContain(`${x.id}.${ext}`);
    }
  });

  it('accepts UTF-8 text up to 256 KB and refuses larger, binary and fake images with messages naming the file', async () => {
    const s = services();
    const chat = await callOk(s, 'chats.create', {});
    const ok = await attach(s, chat.id, 'main.py', '', 'print("héllo")\n');
    expect(ok).toMatchObject({ kind: 'text', mime: 'text/plain', name: 'main.py' });
    const atLimit = await add(s, chat.id, 'limit.txt', 'text/plain', 'a'.repeat(TEXT_LIMIT_BYTES));
    expect(atLimit.ok).toBe(true);
    const cases: [string, string, Buffer | string, RegExp][] = [
      [
        'big.log',
        'text/plain',
        'a'.repeat(TEXT_LIMIT_BYTES + 1),
        /"big\.log" is too large \(256 KB\); text files can be up to 256 KB/,
      ],
      [
        'tool.exe',
        'application/x-msdownload',
        Buffer.from([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0]),
        /"tool\.exe" is a binary file \(application\/x-msdownload\)/,
      ],
      ['latin1.txt', 'text/plain', Buffer.from([0x63, 0x61, 0x66, 0xe9]), /"latin1\.txt" is a binary file/],
      ['fake.png', 'image/png', 'not really a png', /"fake\.png" is not a PNG, JPEG, WebP or GIF image/],
      ['drawing.svg', 'image/svg+xml', '<svg/>', /"drawing\.svg" is not a PNG, JPEG, WebP or GIF/],
    ];
    for (const [name, mime, data, message] of cases) {
      const r = await add(s, chat.id, name, mime, data);
      expect(r.ok, name).toBe(false);
      if (!r.ok) expect(r.error.message).toMatch(message);
    }
    expect(readdirSync(join(s.info().dataDir, 'attachments'))).toHaveLength(2);
  });

  it('needs an existing chat (the renderer creates it first)', async () => {
    const s = services();
    const none = await add(s, undefined, 'a.txt', 'text/plain', 'x');
    expect(!none.ok && none.error.message).toMatch(/create the chat first/);
    const gone = await add(s, 'no-such-chat', 'a.txt', 'text/plain', 'x');
    expect(!gone.ok && gone.error.code).toBe('not_found');
  });

  it('writes to a temp name then renames: a full disk leaves no file and no row', () => {
    const dataDir = makeTempDir();
    const { db, deviceId } = openDatabase({ file: join(dataDir, 'hearth.db') });
    db.prepare(
      `INSERT INTO chats (id, title, created_at, updated_at, version, device_id) VALUES ('c', 't', 1, 1, 'v', 'd')`,
    ).run();
    const seen: string[] = [];
    const svc = new AttachmentService(new AttachmentRepo(db, new HybridClock(deviceId), deviceId), dataDir, {
      writeFile(path, data) {
        seen.push(path);
        writeFileSync(path, data.subarray(0, 3)); // half written…
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      },
      rename: () => {
        throw new Error('never reached');
      },
    });
    expect(() =>
      svc.add({ chatId: 'c', name: 'notes.txt', mime: 'text/plain', dataBase64: b64('hello world') }),
    ).toThrow(/Could not save "notes\.txt": the disk is full/);
    expect(seen[0]).toMatch(/attachments\/\.[^/]+\.tmp$/);
    expect(readdirSync(join(dataDir, 'attachments'))).toEqual([]);
    expect(db.prepare('SELECT count(*) AS n FROM attachments').get()).toEqual({ n: 0 });
    db.close();
  });

  it('says which folder it cannot write to', async () => {
    const s = services();
    const chat = await callOk(s, 'chats.create', {});
    writeFileSync(join(s.info().dataDir, 'attachments'), 'a file where the folder should be');
    const r = await add(s, chat.id, 'a.txt', 'text/plain', 'x');
    expect(!r.ok && r.error.message).toMatch(
      /Could not save "a\.txt": Hearth cannot write to .*attachments \((EEXIST|ENOTDIR)\)/,
    );
  });
});

describe('unsent attachments', () => {
  it('are dropped after a day (row tombstoned, file deleted); sent ones stay', async () => {
    const s = services();
    fake.behavior.tokenDelayMs = 0;
    const chat = await callOk(s, 'chats.create', {});
    const kept = await attach(s, chat.id, 'a.txt', 'text/plain', 'a');
    const left = await attach(s, chat.id, 'b.txt', 'text/plain', 'b');
    const rec = recordEvents(s);
    const sent = await callOk(s, 'messages.send', {
      chatId: chat.id,
      model: 'ollama/llama3.2:1b',
      content: 'x',
      attachmentIds: [kept.id],
    });
    await rec.done(sent.assistantMessage.id);
    rec.stop();
    expect(s.attachments.purgeUnsent()).toBe(0); // too recent
    expect(s.attachments.purgeUnsent(-1)).toBe(1);
    expect(readdirSync(join(s.info().dataDir, 'attachments'))).toEqual([`${kept.id}.txt`]);
    const r = await s.router.call('attachments.get', { id: left.id });
    expect(!r.ok && r.error.code).toBe('not_found');
  });
});

describe('sending attachments', () => {
  it('links them to the user message, sends images to Ollama as `images` and inlines text files', async () => {
    const s = services();
    fake.behavior.tokenDelayMs = 0;
    const chat = await callOk(s, 'chats.create', {});
    const img = await callOk(s, 'attachments.add', {
      chatId: chat.id,
      name: 'dot.png',
      mime: 'image/png',
      dataBase64: b64(tinyPng()),
      width: 2,
      height: 2,
    });
    const txt = await attach(s, chat.id, 'notes.md', 'text/markdown', 'line one\n```\ncode\n```\n');
    const rec = recordEvents(s);
    const sent = await callOk(s, 'messages.send', {
      chatId: chat.id,
      model: 'ollama/llama3.2:1b',
      content: 'Describe',
      attachmentIds: [img.id, txt.id],
    });
    await rec.done(sent.assistantMessage.id);
    expect(sent.userMessage.attachments.map((a) => a.name)).toEqual(['dot.png', 'notes.md']);
    const body = fake.requests.at(-1)! as { messages: { role: string; content: string; images?: string[] }[] };
    const turn = body.messages.at(-1)!;
    expect(turn.images).toEqual([b64(tinyPng())]);
    expect(turn.content).toBe('File: notes.md\n````\nline one\n```\ncode\n```\n````\n\nDescribe');
    // Stored on the message, shown after a reload.
    const again = await callOk(s, 'chats.get', { id: chat.id });
    expect(again.messages[0]!.attachments.map((a) => [a.name, a.width, a.height])).toEqual([
      ['dot.png', 2, 2],
      ['notes.md', null, null],
    ]);
    // Later turns still carry the image for context.
    const next = await callOk(s, 'messages.send', {
      chatId: chat.id,
      model: 'ollama/llama3.2:1b',
      content: 'And now?',
    });
    await rec.done(next.assistantMessage.id);
    const later = fake.requests.at(-1)! as { messages: { images?: string[] }[] };
    expect(later.messages[0]!.images).toEqual([b64(tinyPng())]);
    // An attachment goes with one message only.
    const reuse = await s.router.call('messages.send', {
      chatId: chat.id,
      model: 'ollama/llama3.2:1b',
      content: 'x',
      attachmentIds: [img.id],
    });
    expect(!reuse.ok && reuse.error.message).toMatch(/already sent with another message/);
    rec.stop();
  });

  it('keeps the files when the question is edited (a new sibling with its own copies)', async () => {
    const s = services();
    fake.behavior.tokenDelayMs = 0;
    const chat = await callOk(s, 'chats.create', {});
    const img = await attach(s, chat.id, 'dot.png', 'image/png', tinyPng());
    const rec = recordEvents(s);
    const first = await callOk(s, 'messages.send', {
      chatId: chat.id,
      model: 'ollama/llama3.2:1b',
      content: 'What is it?',
      attachmentIds: [img.id],
    });
    await rec.done(first.assistantMessage.id);
    const edited = await callOk(s, 'messages.edit', { messageId: first.userMessage.id, content: 'What colour is it?' });
    await rec.done(edited.assistantMessage.id);
    rec.stop();
    expect(edited.userMessage.attachments.map((a) => a.name)).toEqual(['dot.png']);
    expect(edited.userMessage.attachments[0]!.id).not.toBe(img.id);
    const turn = (fake.requests.at(-1)! as { messages: { content: string; images?: string[] }[] }).messages.at(-1)!;
    expect(turn).toMatchObject({ content: 'What colour is it?', images: [b64(tinyPng())] });
    const got = await callOk(s, 'chats.get', { id: chat.id });
    const original = got.messages.find((m) => m.id === first.userMessage.id)!;
    expect(original.attachments.map((a) => a.id)).toEqual([img.id]);
    expect(readdirSync(join(s.info().dataDir, 'attachments'))).toHaveLength(2);
  });

  it('sends images to OpenAI-compatible servers as image_url content parts (fake OpenAI server)', async () => {
    const openai = await startFakeOpenAi();
    openai.behavior.tokenDelayMs = 0;
    openai.behavior.reply = () => 'A dot.';
    try {
      const s = services({ OPENAI_API_BASE_URL: openai.baseUrl, OPENAI_API_KEY: openai.apiKey });
      const chat = await callOk(s, 'chats.create', {});
      const img = await attach(s, chat.id, 'dot.png', 'image/png', tinyPng());
      const rec = recordEvents(s);
      const sent = await callOk(s, 'messages.send', {
        chatId: chat.id,
        model: 'openai/gpt-4o-mini',
        content: 'What is it?',
        attachmentIds: [img.id],
      });
      const done = await rec.done(sent.assistantMessage.id);
      rec.stop();
      expect(done.content).toBe('A dot.');
      expect(openai.requests.at(-1)!.messages!.at(-1)).toEqual({
        role: 'user',
        content: [
          { type: 'text', text: 'What is it?' },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${b64(tinyPng())}` } },
        ],
      });
    } finally {
      await openai.close();
    }
  });
});

describe('purging deleted chats', () => {
  /** A chat with a sent image and text file, an unsent file, a long message chain and a tag. */
  async function chatWithFiles(s: AppServices) {
    fake.behavior.tokenDelayMs = 0;
    const chat = await callOk(s, 'chats.create', {});
    const img = await attach(s, chat.id, 'dot.png', 'image/png', tinyPng());
    const txt = await attach(s, chat.id, 'n.txt', 'text/plain', 'x');
    const unsent = await attach(s, chat.id, 'u.txt', 'text/plain', 'u');
    const rec = recordEvents(s);
    const sent = await callOk(s, 'messages.send', {
      chatId: chat.id,
      model: 'ollama/llama3.2:1b',
      content: 'purgeable words',
      attachmentIds: [img.id, txt.id],
    });
    await rec.done(sent.assistantMessage.id);
    rec.stop();
    // 1,200 more messages in one parent chain: deleting by cascade would nest a trigger level each.
    const insert = s.db.prepare(
      `INSERT INTO messages (id, chat_id, parent_id, role, content, status, created_at, updated_at, version, device_id)
       VALUES (?, ?, ?, 'user', 'chain purgeable', 'done', 1, 1, 'v', 'd')`,
    );
    s.db.transaction(() => {
      let parent = sent.assistantMessage.id;
      for (let i = 0; i < 1_200; i++) {
        const id = `${chat.id}-chain-${i}`;
        insert.run(id, chat.id, parent);
        parent = id;
      }
    })();
    await callOk(s, 'chats.update', { id: chat.id, tags: ['keepme'] });
    return { chat, files: [`${img.id}.png`, `${txt.id}.txt`, `${unsent.id}.txt`] };
  }

  const count = (s: AppServices, sql: string, ...args: unknown[]) =>
    (s.db.prepare(sql).get(...args) as { n: number }).n;

  it('removes chats deleted longer ago than the window, with messages, attachment rows and files; others stay', async () => {
    const s = services();
    const gone = await chatWithFiles(s);
    const kept = await chatWithFiles(s);
    const recent = await chatWithFiles(s);
    const dir = join(s.info().dataDir, 'attachments');
    expect(readdirSync(dir).sort()).toEqual([...gone.files, ...kept.files, ...recent.files].sort());
    await callOk(s, 'chats.delete', { id: gone.chat.id });
    await callOk(s, 'chats.delete', { id: recent.chat.id });

    // Within 30 days nothing goes, and the chat can still be restored.
    expect(await callOk(s, 'chats.purgeDeleted', {})).toEqual({ chats: 0, messages: 0, attachments: 0, files: 0 });
    expect(readdirSync(dir)).toHaveLength(9);

    // Deleted 31 days ago (the deletion time is the version's wall clock).
    const old = `${String(Date.now() - 31 * 86_400_000).padStart(13, '0')}-0000-dev`;
    s.db.prepare('UPDATE chats SET version = ? WHERE id = ?').run(old, gone.chat.id);
    const indexed = () => count(s, `SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH 'purgeable'`);
    const indexedBefore = indexed();
    const report = await callOk(s, 'chats.purgeDeleted', {});
    expect(report).toEqual({ chats: 1, messages: 1_202, attachments: 3, files: 3 });
    expect(readdirSync(dir).sort()).toEqual([...kept.files, ...recent.files].sort());
    expect(count(s, 'SELECT count(*) AS n FROM chats WHERE id = ?', gone.chat.id)).toBe(0);
    expect(count(s, 'SELECT count(*) AS n FROM messages WHERE chat_id = ?', gone.chat.id)).toBe(0);
    expect(count(s, 'SELECT count(*) AS n FROM attachments WHERE chat_id = ?', gone.chat.id)).toBe(0);
    expect(count(s, 'SELECT count(*) AS n FROM chat_tags WHERE chat_id = ?', gone.chat.id)).toBe(0);
    // Their words are out of the search index too (the kept chat is still found).
    expect(indexed()).toBe(indexedBefore - 1_202);
    const { hits } = await callOk(s, 'search.query', { query: 'purgeable words' });
    expect([...new Set(hits.map((h) => h.chatId))]).toEqual([kept.chat.id]);
    const r = await s.router.call('chats.restore', { id: gone.chat.id });
    expect(!r.ok && r.error.code).toBe('not_found');

    // The recent one is still restorable with its files; an explicit window of 0 days purges it.
    await callOk(s, 'chats.restore', { id: recent.chat.id });
    await callOk(s, 'chats.delete', { id: recent.chat.id });
    expect(await callOk(s, 'chats.purgeDeleted', { olderThanDays: 0 })).toMatchObject({ chats: 1, files: 3 });
    expect(readdirSync(dir).sort()).toEqual([...kept.files].sort());
    expect((await callOk(s, 'chats.get', { id: kept.chat.id })).messages.length).toBeGreaterThan(1_000);
  }, 60_000);

  it('runs at start-up', async () => {
    const dataDir = makeTempDir();
    const s = openServices(dataDir, { env: { OLLAMA_BASE_URL: fake.url } });
    const gone = await chatWithFiles(s);
    await callOk(s, 'chats.delete', { id: gone.chat.id });
    const old = `${String(Date.now() - 40 * 86_400_000).padStart(13, '0')}-0000-dev`;
    s.db.prepare('UPDATE chats SET version = ? WHERE id = ?').run(old, gone.chat.id);
    await s.close();
    expect(readdirSync(join(dataDir, 'attachments'))).toHaveLength(3);
    const again = openServices(dataDir, { env: { OLLAMA_BASE_URL: fake.url } });
    open.push(again);
    expect(readdirSync(join(dataDir, 'attachments'))).toEqual([]);
    expect(count(again, 'SELECT count(*) AS n FROM chats')).toBe(0);
    expect(count(again, 'SELECT count(*) AS n FROM messages')).toBe(0);
  }, 60_000);
});
