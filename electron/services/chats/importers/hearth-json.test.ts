import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type FakeOllama } from '../../../../e2e/support/fake-ollama';
import { tinyPng } from '../../../../e2e/support/images';
import type { AppServices } from '../../app-services';
import { callOk, recordEvents, useFakeOllama } from '../../../../e2e/support/services';
import { uuidv7 } from '../../../../shared/uuidv7';
import type { GalleryImage } from '../../../../shared/types/images';
import { GalleryFiles } from '../../images/gallery-files';
import { ImageRepo } from '../../store/image-repo';
import { HybridClock } from '../../util/hlc';
import { HEARTH_EXPORT_FORMAT, HEARTH_EXPORT_VERSION } from './hearth-json';

let fake: FakeOllama;
const open: AppServices[] = [];
const services = useFakeOllama(open, (f) => (fake = f));

async function ask(s: AppServices, content: string, chatId?: string) {
  fake.behavior.tokenDelayMs = 0;
  const rec = recordEvents(s);
  const sent = await callOk(s, 'messages.send', { chatId, model: 'ollama/llama3.2:1b', content });
  await rec.done(sent.assistantMessage.id);
  rec.stop();
  return sent;
}

function countRows(s: AppServices): { chats: number; messages: number } {
  return {
    chats: (s.db.prepare('SELECT count(*) AS n FROM chats').get() as { n: number }).n,
    messages: (s.db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n,
  };
}

describe('Hearth JSON export/import', () => {
  it('reproduces chats and messages (ids, parent links, statuses, stats) in a fresh data dir', async () => {
    const source = services();
    const a = await ask(source, 'First question');
    await ask(source, 'Follow-up', a.chat.id);
    await ask(source, 'Another chat');
    const removed = await ask(source, 'Delete me');
    await callOk(source, 'chats.delete', { id: removed.chat.id });

    const exported = source.data.exportHearth();
    expect(exported.format).toBe(HEARTH_EXPORT_FORMAT);
    expect(exported.chats).toHaveLength(2); // the deleted chat is not exported
    const text = JSON.stringify(exported);

    const target = services();
    const report = target.data.import('export.json', text);
    expect(report).toEqual({ format: 'hearth', chatsImported: 2, messagesImported: 6, skipped: [] });

    expect(target.data.exportHearth().chats).toEqual(exported.chats);
    const got = await callOk(target, 'chats.get', { id: a.chat.id });
    const want = await callOk(source, 'chats.get', { id: a.chat.id });
    expect(got.messages.map((m) => [m.id, m.parentId, m.role, m.content, m.status])).toEqual(
      want.messages.map((m) => [m.id, m.parentId, m.role, m.content, m.status]),
    );
    expect(got.messages[3]!.stats).toEqual(want.messages[3]!.stats);
    expect((await callOk(target, 'chats.list', {})).chats.map((c) => c.title).sort()).toEqual([
      'Another chat',
      'First question',
    ]);
    // The imported chat can be continued, with its history sent to the model.
    const more = await ask(target, 'Third', a.chat.id);
    expect(more.userMessage.parentId).toBe(want.messages[3]!.id);
    expect(fake.requests.at(-1)!.messages).toHaveLength(5);
  });

  it('adds nothing when the same file is imported twice, and lists what it skipped', async () => {
    const source = services();
    const a = await ask(source, 'Only once');
    const text = JSON.stringify(source.data.exportHearth());

    const target = services();
    expect(target.data.import('export.json', text).chatsImported).toBe(1);
    const before = countRows(target);
    const second = target.data.import('export.json', text);
    expect(second.chatsImported).toBe(0);
    expect(second.messagesImported).toBe(0);
    expect(second.skipped).toEqual([
      { what: `chat "${a.chat.title}"`, why: expect.stringMatching(/already in Hearth/) },
    ]);
    expect(countRows(target)).toEqual(before);
  });

  it('restores branches whatever order the file lists messages in, and turns streaming into interrupted', () => {
    const m = (id: string, parentId: string | null, role: 'user' | 'assistant', content: string, status = 'done') => ({
      id,
      parentId,
      role,
      content,
      model: role === 'assistant' ? 'ollama/x' : null,
      status,
      error: null,
      stats: null,
      createdAt: 1_700_000_000_000,
      updatedAt: 1_700_000_000_000,
    });
    const file = {
      format: HEARTH_EXPORT_FORMAT,
      version: HEARTH_EXPORT_VERSION,
      exportedAt: 1_700_000_000_500,
      chats: [
        {
          id: 'chat-branchy',
          title: 'Branchy',
          model: 'ollama/x',
          createdAt: 1_700_000_000_000,
          updatedAt: 1_700_000_000_100,
          // Children before parents; two answers to the same question (a branch).
          messages: [
            m('m4', 'm3', 'assistant', 'second try, cut off', 'streaming'),
            m('m3', 'm1', 'user', 'rephrased question'),
            m('m2', 'm1', 'assistant', 'first answer'),
            m('m1', null, 'user', 'question'),
          ],
        },
      ],
    };
    const target = services();
    expect(target.data.import('export.json', JSON.stringify(file))).toEqual({
      format: 'hearth',
      chatsImported: 1,
      messagesImported: 4,
      skipped: [],
    });
    const rows = target.db.prepare(`SELECT id, parent_id, status FROM messages ORDER BY id`).all();
    expect(rows).toEqual([
      { id: 'm1', parent_id: null, status: 'done' },
      { id: 'm2', parent_id: 'm1', status: 'done' },
      { id: 'm3', parent_id: 'm1', status: 'done' },
      { id: 'm4', parent_id: 'm3', status: 'interrupted' },
    ]);
  });

  it.each([
    ['not JSON', 'this is not json {', /not valid JSON/],
    ['another format', JSON.stringify({ format: 'chatgpt', chats: [] }), /not a Hearth export/],
    [
      'a newer version',
      JSON.stringify({ format: HEARTH_EXPORT_FORMAT, version: HEARTH_EXPORT_VERSION + 1, exportedAt: 1, chats: [] }),
      /newer Hearth.*Update Hearth/,
    ],
    [
      'a bad message role',
      JSON.stringify({
        format: HEARTH_EXPORT_FORMAT,
        version: 1,
        exportedAt: 1,
        chats: [
          {
            id: 'c',
            title: 't',
            model: null,
            createdAt: 1,
            updatedAt: 1,
            messages: [
              {
                id: 'm',
                parentId: null,
                role: 'robot',
                content: '',
                model: null,
                status: 'done',
                createdAt: 1,
                updatedAt: 1,
              },
            ],
          },
        ],
      }),
      /chats\.0\.messages\.0\.role/,
    ],
  ])('refuses %s with a clear message and imports nothing', (_what, text, message) => {
    const target = services();
    expect(() => target.data.import('export.json', text)).toThrow(message);
    expect(countRows(target)).toEqual({ chats: 0, messages: 0 });
  });
});

describe('folders in Hearth JSON (version 3)', () => {
  async function chatIn(s: AppServices, folderId: string | null, text: string) {
    const sent = await ask(s, text);
    if (folderId) await callOk(s, 'chats.update', { id: sent.chat.id, folderId });
    return sent.chat.id;
  }

  it('exports every folder (empty ones too) and each chat’s folder by name, and recreates them on import', async () => {
    const source = services();
    const work = await callOk(source, 'folders.create', { name: 'Work' });
    const recipes = await callOk(source, 'folders.create', { name: 'Recipes' });
    await callOk(source, 'folders.create', { name: 'Empty for now' });
    const a = await chatIn(source, work.id, 'quarterly plan');
    const b = await chatIn(source, recipes.id, 'lentil soup');
    const c = await chatIn(source, null, 'loose chat');
    const file = await callOk(source, 'data.export', { format: 'hearth' });
    const data = JSON.parse(file.content);
    expect(data.version).toBe(HEARTH_EXPORT_VERSION);
    expect(data.folders.map((f: { name: string }) => f.name)).toEqual(['Work', 'Recipes', 'Empty for now']);
    const folderOf = (id: string) => data.chats.find((x: { id: string }) => x.id === id).folder;
    expect([folderOf(a), folderOf(b), folderOf(c)]).toEqual(['Work', 'Recipes', null]);
    // One chat alone carries only its folder.
    const one = JSON.parse((await callOk(source, 'data.export', { format: 'hearth', chatId: b })).content);
    expect(one.folders).toEqual([expect.objectContaining({ name: 'Recipes' })]);

    // Into a data dir that already has a "work" folder (other case): no duplicate, the rest created.
    const target = services();
    const existing = await callOk(target, 'folders.create', { name: 'work' });
    const events = recordEvents(target);
    const report = await callOk(target, 'data.import', { filename: file.filename, content: file.content });
    expect(report.chatsImported).toBe(3);
    expect(events.seen.some((e) => e.event === 'folders.changed')).toBe(true);
    const { folders } = await callOk(target, 'folders.list', {});
    expect(folders.map((f) => [f.name, f.chatCount])).toEqual([
      ['work', 1],
      ['Recipes', 1],
      ['Empty for now', 0],
    ]);
    const chats = await callOk(target, 'chats.list', { limit: 50 });
    const byId = new Map(chats.chats.map((x) => [x.id, x.folderId]));
    expect(byId.get(a)).toBe(existing.id);
    expect(byId.get(b)).toBe(folders[1]!.id);
    expect(byId.get(c)).toBeNull();

    // Again: nothing new, no second set of folders.
    await callOk(target, 'data.import', { filename: file.filename, content: file.content });
    expect((await callOk(target, 'folders.list', {})).folders.map((f) => f.name)).toEqual([
      'work',
      'Recipes',
      'Empty for now',
    ]);
  });

  it('still imports version 2 files (no folders) and creates a folder named only on a chat', async () => {
    const source = services();
    const id = await chatIn(source, null, 'old export');
    const data = JSON.parse((await callOk(source, 'data.export', { format: 'hearth' })).content);
    const v2 = {
      ...data,
      version: 2,
      folders: undefined,
      chats: data.chats.map((x: object) => ({ ...x, folder: undefined })),
    };
    const target = services();
    expect(target.data.import('v2.json', JSON.stringify(v2)).chatsImported).toBe(1);
    expect((await callOk(target, 'folders.list', {})).folders).toEqual([]);
    expect((await callOk(target, 'chats.get', { id })).chat.folderId).toBeNull();

    const v3 = {
      ...data,
      folders: undefined,
      chats: data.chats.map((x: object) => ({ ...x, id: 'other', folder: 'Travel' })),
    };
    v3.chats[0].messages = v3.chats[0].messages.map((m: { id: string; parentId: string | null }) => ({
      ...m,
      id: `x-${m.id}`,
      parentId: m.parentId && `x-${m.parentId}`,
    }));
    expect(target.data.import('v3.json', JSON.stringify(v3)).chatsImported).toBe(1);
    const [travel] = (await callOk(target, 'folders.list', {})).folders;
    expect(travel).toMatchObject({ name: 'Travel', chatCount: 1 });
  });
});

let imageTime = 1_700_000_000_000;

/** A gallery image stored the way the image service stores one: file under images/, then its row. */
function storeImage(
  s: AppServices,
  o: { prompt: string; bytes?: Buffer; chatId?: string; messageId?: string; info?: unknown },
): GalleryImage {
  const deviceId = (s.db.prepare(`SELECT value FROM meta WHERE key = 'device_id'`).get() as { value: string }).value;
  const repo = new ImageRepo(s.db, new HybridClock(deviceId), deviceId);
  const bytes = o.bytes ?? tinyPng(3, 2);
  const id = uuidv7();
  const path = new GalleryFiles(s.info().dataDir).write(id, 'image/png', bytes);
  return repo.insert({
    id,
    prompt: o.prompt,
    negativePrompt: 'blurry',
    params: { prompt: o.prompt, steps: 12, width: 3, height: 2, seed: 7 },
    backendKind: 'a1111',
    backendLabel: 'Forge on the desk',
    model: 'sdxl-base',
    seed: 7,
    info: o.info,
    mime: 'image/png',
    size: bytes.length,
    width: 3,
    height: 2,
    path,
    chatId: o.chatId ?? null,
    messageId: o.messageId ?? null,
    createdAt: (imageTime += 1000),
  });
}

/** The gallery rows as stored, without what an import stamps anew (version, device id). */
function imageRows(s: AppServices): Record<string, unknown>[] {
  return (s.db.prepare('SELECT * FROM images ORDER BY id').all() as Record<string, unknown>[]).map((r) => {
    delete r.version;
    delete r.device_id;
    return r;
  });
}

const imageFiles = (s: AppServices) => {
  const dir = join(s.info().dataDir, 'images');
  return existsSync(dir) ? readdirSync(dir).sort() : [];
};

describe('gallery images in Hearth JSON (version 4)', () => {
  it('round-trips the gallery into a fresh data dir: same rows, same bytes; one chat carries its own images', async () => {
    const source = services();
    const sent = await ask(source, 'Draw me something');
    const inChat = storeImage(source, {
      prompt: 'a red fox in snow',
      chatId: sent.chat.id,
      messageId: sent.assistantMessage.id,
      info: { infotexts: ['a red fox in snow\nSteps: 12'] },
    });
    const loose = storeImage(source, { prompt: 'a lighthouse at dusk', bytes: tinyPng(5, 4) });
    const deleted = storeImage(source, { prompt: 'thrown away' });
    await callOk(source, 'images.delete', { id: deleted.id });

    const file = await callOk(source, 'data.export', { format: 'hearth' });
    const data = JSON.parse(file.content);
    expect(data.version).toBe(4);
    expect(data.images.map((i: { id: string }) => i.id).sort()).toEqual([inChat.id, loose.id].sort());
    const fox = data.images.find((i: { id: string }) => i.id === inChat.id);
    expect(fox).toMatchObject({
      prompt: 'a red fox in snow',
      negativePrompt: 'blurry',
      params: { steps: 12 },
      backendKind: 'a1111',
      backendLabel: 'Forge on the desk',
      model: 'sdxl-base',
      seed: 7,
      mime: 'image/png',
      width: 3,
      height: 2,
      chatId: sent.chat.id,
      messageId: sent.assistantMessage.id,
      createdAt: inChat.createdAt,
    });
    expect(fox.dataBase64).toBe(tinyPng(3, 2).toString('base64'));
    // One chat alone carries the images made for it, nothing else of the gallery.
    const one = JSON.parse((await callOk(source, 'data.export', { format: 'hearth', chatId: sent.chat.id })).content);
    expect(one.images.map((i: { id: string }) => i.id)).toEqual([inChat.id]);

    const target = services();
    const events = recordEvents(target);
    const report = await callOk(target, 'data.import', { filename: file.filename, content: file.content });
    expect(report).toEqual({
      format: 'hearth',
      chatsImported: 1,
      messagesImported: 2,
      imagesImported: 2,
      skipped: [],
    });
    const live = imageRows(source).filter((r) => r.deleted === 0);
    expect(imageRows(target)).toEqual(live);
    for (const r of live) {
      const path = String(r.path);
      expect(readFileSync(join(target.info().dataDir, path))).toEqual(readFileSync(join(source.info().dataDir, path)));
    }
    // Stamped as this device's rows, so sync sends them on.
    const deviceId = (target.db.prepare(`SELECT value FROM meta WHERE key = 'device_id'`).get() as { value: string })
      .value;
    expect(target.db.prepare('SELECT DISTINCT device_id FROM images').all()).toEqual([{ device_id: deviceId }]);
    const changed = events.seen.find((e) => e.event === 'images.changed');
    expect((changed?.payload as { added: GalleryImage[] }).added.map((i) => i.id).sort()).toEqual(
      [inChat.id, loose.id].sort(),
    );
    events.stop();
    // The gallery shows them as they were.
    expect((await callOk(target, 'images.get', { id: inChat.id })).image).toEqual({
      ...inChat,
      version: expect.any(String),
    });
  });

  it('adds nothing when the same file is imported twice', async () => {
    const source = services();
    const a = storeImage(source, { prompt: 'once' });
    const text = JSON.stringify(source.data.exportHearth());
    const target = services();
    expect(target.data.import('export.json', text).imagesImported).toBe(1);
    const rows = imageRows(target);
    const files = imageFiles(target);
    const second = target.data.import('export.json', text);
    expect(second.imagesImported).toBe(0);
    expect(second.skipped).toEqual([{ what: 'image "once"', why: expect.stringMatching(/already in Hearth/) }]);
    expect(imageRows(target)).toEqual(rows);
    expect(imageFiles(target)).toEqual(files);
    expect(files).toEqual([`${a.id}.png`]);
  });

  it('skips an image whose bytes are not an image, with a reason, and imports the rest', () => {
    const source = services();
    storeImage(source, { prompt: 'a real one' });
    const data = source.data.exportHearth();
    const fake = {
      ...data.images![0]!,
      id: uuidv7(),
      prompt: 'not a picture',
      mime: 'image/png',
      dataBase64: Buffer.from('#!/bin/sh\necho hi\n').toString('base64'),
    };
    const target = services();
    const report = target.data.import('x.json', JSON.stringify({ ...data, images: [...data.images!, fake] }));
    expect(report.imagesImported).toBe(1);
    expect(report.skipped).toEqual([{ what: 'image "not a picture"', why: expect.stringMatching(/not a PNG, JPEG/) }]);
    expect(target.db.prepare('SELECT id FROM images WHERE id = ?').get(fake.id)).toBeUndefined();
    expect(imageFiles(target)).toEqual([`${data.images![0]!.id}.png`]);
  });

  it('leaves an image whose file is gone out of the export, and exports the rest', () => {
    const source = services();
    const kept = storeImage(source, { prompt: 'kept' });
    const lost = storeImage(source, { prompt: 'lost' });
    rmSync(join(source.info().dataDir, 'images', `${lost.id}.png`));
    expect(source.data.exportHearth().images!.map((i) => i.id)).toEqual([kept.id]);
  });

  it('an import that fails while writing images leaves no chat, row or file behind', async () => {
    const source = services();
    await ask(source, 'A chat to undo');
    const first = storeImage(source, { prompt: 'first' });
    const second = storeImage(source, { prompt: 'second' });
    const data = source.data.exportHearth();
    expect(data.images!.map((i) => i.id)).toEqual([first.id, second.id]);
    const target = services();
    // A folder where the second image's file must go: writing it fails after the first one is written.
    mkdirSync(join(target.info().dataDir, 'images', `${second.id}.png`, 'inside'), { recursive: true });
    expect(() => target.data.import('x.json', JSON.stringify(data))).toThrow(/EISDIR|directory/i);
    expect(countRows(target)).toEqual({ chats: 0, messages: 0 });
    expect(imageRows(target)).toEqual([]);
    expect(imageFiles(target)).toEqual([`${second.id}.png`]);
  });

  it('still imports a version 3 file (no images)', async () => {
    const source = services();
    await ask(source, 'before the gallery');
    const v3 = { ...source.data.exportHearth(), version: 3, images: undefined };
    const target = services();
    const report = target.data.import('v3.json', JSON.stringify(v3));
    expect(report).toEqual({ format: 'hearth', chatsImported: 1, messagesImported: 2, skipped: [] });
  });
});
