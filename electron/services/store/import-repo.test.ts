import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../../shared/uuidv7';
import { makeTempDir, removeTempDirs } from '../../../e2e/support/services';
import { HybridClock } from '../util/hlc';
import { ChatRepo } from './chat-repo';
import { openDatabase, type OpenedDatabase } from './database';
import { ImportRepo } from './import-repo';

let opened: OpenedDatabase;
let imports: ImportRepo;
let chats: ChatRepo;

beforeEach(() => {
  opened = openDatabase({ file: join(makeTempDir(), 'hearth.db') });
  const clock = new HybridClock(opened.deviceId);
  imports = new ImportRepo(opened.db, clock, opened.deviceId);
  chats = new ChatRepo(opened.db, clock, opened.deviceId);
});

afterEach(() => {
  opened.db.close();
  removeTempDirs();
});

const trigger = () =>
  opened.db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'messages_fts_insert'`).get();
const found = (word: string) =>
  (opened.db.prepare('SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH ?').get(word) as { n: number }).n;

function writeChat(content: string): string {
  const id = uuidv7();
  imports.insertChat({ id, title: content, model: null, createdAt: 1, updatedAt: 1, pinned: false, archived: false });
  imports.insertMessage({
    id: uuidv7(),
    chatId: id,
    parentId: null,
    role: 'user',
    content,
    model: null,
    status: 'done',
    createdAt: 1,
    updatedAt: 1,
  });
  return id;
}

describe('ImportRepo.writeBatch', () => {
  it('indexes what each batch wrote and puts the search trigger back, batch after batch', () => {
    imports.writeBatch(() => writeChat('aardvark'));
    imports.writeBatch(() => writeChat('bumblebee')); // the same prepared statements, across the trigger's return
    expect(trigger()).toBeTruthy();
    expect([found('aardvark'), found('bumblebee')]).toEqual([1, 1]);
    // Rows written later, outside an import, are indexed by the trigger again.
    const chat = chats.createChat({ title: 'later', model: null });
    chats.addMessage({
      chatId: chat.id,
      parentId: null,
      role: 'user',
      content: 'capybara',
      model: null,
      status: 'done',
    });
    expect(found('capybara')).toBe(1);
  });

  it('keeps nothing of a batch that fails, and the trigger is back', () => {
    expect(() =>
      imports.writeBatch(() => {
        writeChat('dromedary');
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    expect(trigger()).toBeTruthy();
    expect(found('dromedary')).toBe(0);
    expect(opened.db.prepare('SELECT count(*) AS n FROM chats').get()).toEqual({ n: 0 });
  });
});

describe('ImportRepo.undo', () => {
  it('deletes the chats and folders an import wrote, with their messages, and returns the files', () => {
    const kept = imports.writeBatch(() => writeChat('kept'));
    const [gone, folder] = imports.writeBatch(() => [writeChat('gone'), imports.createFolder('Imported', 1)]);
    opened.db
      .prepare(
        `INSERT INTO attachments (id, chat_id, kind, name, mime, size, path, created_at, version, device_id)
         VALUES ('a1', ?, 'text', 'a.txt', 'text/plain', 1, 'attachments/a1.txt', 1, 'v', 'd')`,
      )
      .run(gone);
    expect(imports.undo([gone!], [folder!])).toEqual(['attachments/a1.txt']);
    const ids = (table: string) =>
      (opened.db.prepare(`SELECT id FROM ${table}`).all() as { id: string }[]).map((r) => r.id);
    expect(ids('chats')).toEqual([kept]);
    expect(ids('folders')).toEqual([]);
    expect(ids('attachments')).toEqual([]);
    expect(found('gone')).toBe(0);
    expect(found('kept')).toBe(1);
  });
});

describe('ImportRepo.insertImage', () => {
  it('writes a gallery row with a new version and this device’s id; imageExists sees deleted rows too', () => {
    const image = {
      id: uuidv7(),
      prompt: 'a lighthouse at dusk',
      negativePrompt: 'blurry',
      params: { prompt: 'a lighthouse at dusk', steps: 20 },
      backendKind: 'a1111' as const,
      backendLabel: 'Forge',
      model: 'sdxl',
      seed: 42,
      info: { sampler: 'Euler' },
      mime: 'image/png',
      size: 10,
      width: 2,
      height: 2,
      path: 'images/x.png',
      chatId: null,
      messageId: null,
      createdAt: 1_700_000_000_000,
    };
    expect(imports.imageExists(image.id)).toBe(false);
    imports.writeBatch(() => imports.insertImage(image));
    const row = opened.db.prepare('SELECT * FROM images WHERE id = ?').get(image.id) as Record<string, unknown>;
    expect(row).toMatchObject({
      prompt: 'a lighthouse at dusk',
      params: JSON.stringify(image.params),
      info: '{"sampler":"Euler"}',
      created_at: 1_700_000_000_000,
      device_id: opened.deviceId,
      deleted: 0,
    });
    expect(String(row.version)).toMatch(new RegExp(`^\\d{13}-[0-9a-f]{4}-${opened.deviceId}$`));
    opened.db.prepare('UPDATE images SET deleted = 1 WHERE id = ?').run(image.id);
    expect(imports.imageExists(image.id)).toBe(true);
  });
});
