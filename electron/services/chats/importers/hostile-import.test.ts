/**
 * Hostile imports: ids that try to leave the data directory, in every importer and on both paths
 * (the CLI's inline import and the web UI's data.import). Nothing may be written, read or removed
 * outside `<data>/attachments` and `<data>/images`.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ENTITY_ID_PATTERN } from '../../../../shared/ids';
import type { AppServices } from '../../app-services';
import { tinyPng } from '../../../../e2e/support/images';
import { makeTempDir, openServices, removeTempDirs } from '../../../../e2e/support/services';
import { HEARTH_EXPORT_FORMAT, HEARTH_EXPORT_VERSION } from './hearth-json';

const open: AppServices[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  removeTempDirs();
});

/** A data directory two levels below a root of its own, so escapes land in the root, where we look. */
function setUp(): { root: string; data: string; s: AppServices } {
  const root = makeTempDir();
  const data = join(root, 'a', 'data');
  const s = openServices(data, { env: { OLLAMA_BASE_URL: 'http://127.0.0.1:9' } });
  open.push(s);
  return { root, data, s };
}

const ESCAPES = ['../../../escaped', '../../escaped', '/tmp/hearth-escaped', '..\\..\\escaped', 'x/../../../escaped'];

function exportWith(chatId: string, messageId: string, attachmentIds: string[]) {
  const t = 1_700_000_000_000;
  return {
    format: HEARTH_EXPORT_FORMAT,
    version: HEARTH_EXPORT_VERSION,
    exportedAt: t,
    chats: [
      {
        id: chatId,
        title: 'Crafted',
        model: null,
        createdAt: t,
        updatedAt: t,
        messages: [
          {
            id: messageId,
            parentId: null,
            role: 'user',
            content: 'look',
            model: null,
            status: 'done',
            createdAt: t,
            updatedAt: t,
            attachments: attachmentIds.map((id, i) => ({
              id,
              kind: 'image',
              name: `dot${i}.png`,
              mime: 'image/png',
              size: 0,
              dataBase64: tinyPng().toString('base64'),
            })),
          },
        ],
      },
    ],
  };
}

/** Every file below `dir`, relative to it. */
function filesBelow(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesBelow(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

/** A Hearth export whose gallery images carry these ids (and paths, chat ids and types that try to climb out). */
function exportWithImages(imageIds: string[]) {
  return {
    ...exportWith('chat-1', 'msg-1', []),
    images: imageIds.map((id, i) => ({
      id,
      prompt: `crafted ${i}`,
      backendKind: 'a1111',
      backendLabel: 'x',
      mime: 'image/png/../../../escaped',
      // Not part of the format: a crafted file may carry them all the same.
      path: `../../../escaped-${i}.png`,
      file: '/tmp/hearth-escaped.png',
      chatId: ESCAPES[i % ESCAPES.length],
      messageId: '../../msg',
      createdAt: 1_700_000_000_000 + i,
      dataBase64: tinyPng().toString('base64'),
    })),
  };
}

function outsideData(root: string): string[] {
  return filesBelow(root).filter((f) => !f.startsWith('a/data/'));
}

describe('hostile imports', () => {
  it.each([
    ['the CLI (inline import)', (s: AppServices, text: string) => Promise.resolve(s.data.import('x.json', text))],
    [
      'the web UI (data.import)',
      async (s: AppServices, text: string) => {
        const r = await s.router.call('data.import', { filename: 'x.json', content: text });
        if (!r.ok) throw new Error(r.error.message);
        return r.value as { chatsImported: number };
      },
    ],
  ])('a Hearth export whose attachment ids climb out of the folder writes only inside it, via %s', async (_, run) => {
    const { root, data, s } = setUp();
    const report = await run(s, JSON.stringify(exportWith('chat-1', 'msg-1', ESCAPES)));
    expect(report.chatsImported).toBe(1);
    expect(outsideData(root)).toEqual([]);
    expect(existsSync('/tmp/hearth-escaped.png')).toBe(false);
    // Every attachment arrived, each under a new id of the app's own shape, as a file in attachments/.
    const rows = s.db.prepare('SELECT id, path FROM attachments ORDER BY name').all() as { id: string; path: string }[];
    expect(rows).toHaveLength(ESCAPES.length);
    for (const r of rows) {
      expect(r.id).toMatch(ENTITY_ID_PATTERN);
      expect(ESCAPES).not.toContain(r.id);
      expect(r.path).toBe(`attachments/${r.id}.png`);
      expect(existsSync(join(data, r.path))).toBe(true);
    }
  });

  it.each([
    ['the CLI (inline import)', (s: AppServices, text: string) => Promise.resolve(s.data.import('x.json', text))],
    [
      'the web UI (data.import)',
      async (s: AppServices, text: string) => {
        const r = await s.router.call('data.import', { filename: 'x.json', content: text });
        if (!r.ok) throw new Error(r.error.message);
        return r.value as { imagesImported?: number };
      },
    ],
  ])('gallery images whose ids and paths climb out are written only inside images/, via %s', async (_, run) => {
    const { root, data, s } = setUp();
    const ids = [...ESCAPES, '.', '..', '', 'x'.repeat(65), 'a\u0000b'];
    // An id of the app's shape is kept, even one that reads like a folder: it names images/thumbs.png.
    const report = await run(s, JSON.stringify(exportWithImages([...ids, 'thumbs'])));
    expect(report.imagesImported).toBe(ids.length + 1);
    expect(outsideData(root)).toEqual([]);
    expect(existsSync('/tmp/hearth-escaped.png')).toBe(false);
    const rows = s.db.prepare('SELECT id, path, mime, chat_id, message_id FROM images').all() as {
      id: string;
      path: string;
      mime: string;
      chat_id: string | null;
      message_id: string | null;
    }[];
    expect(rows).toHaveLength(ids.length + 1);
    expect(rows.filter((r) => r.id === 'thumbs')).toHaveLength(1);
    for (const r of rows) {
      expect(r.id).toMatch(ENTITY_ID_PATTERN);
      expect(ids).not.toContain(r.id);
      expect(r).toMatchObject({ path: `images/${r.id}.png`, mime: 'image/png', chat_id: null, message_id: null });
      expect(existsSync(join(data, r.path))).toBe(true);
    }
    // Only the images themselves, no temp file left over.
    expect(filesBelow(join(data, 'images')).sort()).toEqual(rows.map((r) => `${r.id}.png`).sort());
  });

  it('an image whose bytes are not an image is skipped with a reason, and no file is written', () => {
    const { root, data, s } = setUp();
    const file = exportWithImages(['0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c']);
    file.images[0]!.dataBase64 = Buffer.from('<svg onload="alert(1)"/>').toString('base64');
    const report = s.data.import('x.json', JSON.stringify(file));
    expect(report.imagesImported).toBe(0);
    expect(report.skipped).toEqual([
      { what: 'image "crafted 0"', why: expect.stringMatching(/not a PNG, JPEG, WebP or GIF/) },
    ]);
    expect((s.db.prepare('SELECT count(*) AS n FROM images').get() as { n: number }).n).toBe(0);
    expect(filesBelow(join(data, 'images'))).toEqual([]);
    expect(outsideData(root)).toEqual([]);
  });

  it('keeps a fitting attachment id, so importing the same file twice adds nothing', () => {
    const { root, s } = setUp();
    const text = JSON.stringify(exportWith('chat-1', 'msg-1', ['0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b']));
    expect(s.data.import('x.json', text).chatsImported).toBe(1);
    expect(s.data.import('x.json', text).chatsImported).toBe(0);
    const ids = s.db.prepare('SELECT id FROM attachments').all() as { id: string }[];
    expect(ids).toEqual([{ id: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b' }]);
    expect(outsideData(root)).toEqual([]);
  });

  it.each([
    ['chat', exportWith('../../escaped', 'msg-1', []), /chats\.0\.id/],
    ['message', exportWith('chat-1', '../../escaped', []), /chats\.0\.messages\.0\.id/],
    ['parent', { ...exportWith('chat-1', 'msg-1', []) }, /parentId/],
  ])('refuses a Hearth export whose %s id does not have the app’s shape, saying where', (what, file, where) => {
    const { root, s } = setUp();
    if (what === 'parent') file.chats[0]!.messages[0]!.parentId = 'a/b' as unknown as null;
    expect(() => s.data.import('x.json', JSON.stringify(file))).toThrow(where);
    expect((s.db.prepare('SELECT count(*) AS n FROM chats').get() as { n: number }).n).toBe(0);
    expect(outsideData(root)).toEqual([]);
  });

  it('ChatGPT and Open WebUI ids that look like paths become the app’s own ids', () => {
    const { root, s } = setUp();
    const chatgpt = [
      {
        id: '../../../escaped',
        conversation_id: '../../../escaped',
        title: 'From ChatGPT',
        create_time: 1_700_000_000,
        current_node: '../n2',
        mapping: {
          '../n1': {
            id: '../n1',
            parent: null,
            children: ['../n2'],
            message: { author: { role: 'user' }, content: { content_type: 'text', parts: ['hi'] } },
          },
          '../n2': {
            id: '../n2',
            parent: '../n1',
            children: [],
            message: { author: { role: 'assistant' }, content: { content_type: 'text', parts: ['hello'] } },
          },
        },
      },
    ];
    expect(s.data.import('conversations.json', JSON.stringify(chatgpt)).chatsImported).toBe(1);
    const openwebui = [
      {
        id: '../../escaped-owui',
        title: 'From Open WebUI',
        created_at: 1_700_000_000,
        chat: {
          history: {
            currentId: '../m2',
            messages: {
              '../m1': { id: '../m1', parentId: null, role: 'user', content: 'q', timestamp: 1_700_000_000 },
              '../m2': { id: '../m2', parentId: '../m1', role: 'assistant', content: 'a', timestamp: 1_700_000_001 },
            },
          },
        },
      },
    ];
    expect(s.data.import('owui.json', JSON.stringify(openwebui)).chatsImported).toBe(1);
    const ids = s.db.prepare('SELECT id FROM chats UNION ALL SELECT id FROM messages').all() as { id: string }[];
    expect(ids).toHaveLength(6);
    for (const { id } of ids) expect(id).toMatch(ENTITY_ID_PATTERN);
    expect(outsideData(root)).toEqual([]);
  });

  it('a stored path that points outside the folder is neither read, copied nor removed', async () => {
    const { root, s } = setUp();
    const victim = join(root, 'victim.txt');
    writeFileSync(victim, 'keep me');
    s.data.import('x.json', JSON.stringify(exportWith('chat-1', 'msg-1', ['att-1'])));
    // A row altered on disk (or arriving by sync) with a path that climbs out.
    s.db.prepare(`UPDATE attachments SET path = '../../victim.txt', message_id = NULL, created_at = 0`).run();
    const r = await s.router.call('attachments.get', { id: 'att-1' });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.code).toBe('not_found');
    expect(s.attachments.duplicate([s.attachments.describe('att-1')!])).toEqual([]);
    expect(s.attachments.purgeUnsent(0)).toBe(1);
    expect(existsSync(victim)).toBe(true);
  });

  it('the wire refuses ids that are not of the app’s shape', async () => {
    const { s } = setUp();
    for (const [method, input] of [
      ['chats.get', { id: '../../x' }],
      ['attachments.get', { id: 'a/b' }],
      ['chats.delete', { id: 'x'.repeat(65) }],
    ] as const) {
      const r = await s.router.call(method, input);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.error.message).toMatch(/must be an id/);
    }
  });
});
