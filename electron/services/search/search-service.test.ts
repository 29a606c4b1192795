import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SNIPPET_END, SNIPPET_START } from '../../../shared/types/domain';
import { makeTempDir, removeTempDirs } from '../../../e2e/support/services';
import { HybridClock } from '../util/hlc';
import { ChatRepo } from '../store/chat-repo';
import { openDatabase, type OpenedDatabase } from '../store/database';
import { LATEST_SCHEMA_VERSION, migrations } from '../store/migrations';
import { SearchRepo } from '../store/search-repo';
import { SearchService, TITLE_HITS, toMatchExpression } from './search-service';

let opened: OpenedDatabase;
let repo: ChatRepo;
let search: SearchService;
let now: number;

beforeEach(() => {
  opened = openDatabase({ file: join(makeTempDir(), 'hearth.db') });
  now = 1_750_000_000_000;
  const clock = () => now;
  repo = new ChatRepo(opened.db, new HybridClock(opened.deviceId, clock), opened.deviceId, clock);
  search = new SearchService(new SearchRepo(opened.db));
});

afterEach(() => {
  opened.db.close();
  removeTempDirs();
});

function chatWith(title: string, ...texts: string[]) {
  now += 1000;
  const chat = repo.createChat({ title, model: null });
  let parent: string | null = null;
  const ids: string[] = [];
  texts.forEach((content, i) => {
    const m = repo.addMessage({
      chatId: chat.id,
      parentId: parent,
      role: i % 2 === 0 ? 'user' : 'assistant',
      content,
      model: null,
      status: 'done',
    });
    parent = m.id;
    ids.push(m.id);
  });
  return { chat, ids };
}

describe('toMatchExpression', () => {
  it('quotes every word, makes the last a prefix, and drops FTS syntax', () => {
    expect(toMatchExpression('quantum cat')).toBe('"quantum" "cat"*');
    expect(toMatchExpression('a "b" NEAR(c d) e* -f OR gh')).toBe('"a" "b" "NEAR" "c" "d" "e" "f" "OR" "gh"*');
    expect(toMatchExpression('"*()":^')).toBeNull();
    expect(toMatchExpression('quantum c')).toBe('"quantum" "c"');
    expect(toMatchExpression('crème brûlée')).toBe('"crème" "brûlée"*');
  });
});

describe('SearchService', () => {
  it('finds a word in an answer, with the chat title, role and a marked snippet', () => {
    const { chat, ids } = chatWith(
      'Physics',
      'Tell me about cats',
      'Schrödinger imagined a cat that is alive and dead at once, a thought experiment about quantum superposition in a sealed box.',
    );
    const hits = search.query('superposition');
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ chatId: chat.id, chatTitle: 'Physics', messageId: ids[1], role: 'assistant' });
    expect(hits[0]!.snippet).toContain(`${SNIPPET_START}superposition${SNIPPET_END}`);
    expect(hits[0]!.snippet).not.toContain('<');
    // About 12 tokens around the match, with an ellipsis where text was cut.
    expect(hits[0]!.snippet.split(/\s+/).length).toBeLessThanOrEqual(14);
    expect(hits[0]!.snippet).toMatch(/^…|…$/);
  });

  it('matches the last word as a prefix while typing, and diacritics loosely', () => {
    chatWith('t', 'the quantum realm');
    chatWith('t2', 'a café in Paris');
    expect(search.query('quan')).toHaveLength(1);
    expect(search.query('the quan')).toHaveLength(1);
    expect(search.query('quantum th')).toHaveLength(1);
    expect(search.query('quan the')).toHaveLength(0); // only the last word is a prefix
    expect(search.query('quan realms')).toHaveLength(0); // earlier words are whole words
    expect(search.query('cafe')).toHaveLength(1);
  });

  it('orders hits: matching chat titles first, then messages, each most recently written first', () => {
    const old = chatWith('Banana bread', 'banana banana banana, the best banana recipe');
    const mid = chatWith('mid', 'a single banana mention among many other words');
    const recent = chatWith('recent', 'banana split');
    const hits = search.query('banana');
    expect(hits.map((h) => [h.chatId, h.messageId])).toEqual([
      [old.chat.id, null],
      [recent.chat.id, recent.ids[0]],
      [mid.chat.id, mid.ids[0]],
      [old.chat.id, old.ids[0]],
    ]);
    // A later answer in the oldest chat is now the most recent hit.
    const again = repo.addMessage({
      chatId: old.chat.id,
      parentId: old.ids[0]!,
      role: 'assistant',
      content: 'More banana ideas',
      model: null,
      status: 'done',
    });
    expect(search.query('banana')[1]).toMatchObject({ chatId: old.chat.id, messageId: again.id });
  });

  it('keeps message hits in view when many titles match (titles take at most TITLE_HITS places from them)', () => {
    const chats = Array.from({ length: 15 }, (_, i) => chatWith(`kiwi chat ${i}`, `kiwi message ${i}`));
    const few = search.query('kiwi', 12);
    expect(few.map((h) => h.messageId === null)).toEqual([...Array(TITLE_HITS).fill(true), false, false]);
    expect(few[TITLE_HITS]).toMatchObject({ chatId: chats[14]!.chat.id, messageId: chats[14]!.ids[0] });
    // With room for all: 15 titles, then 15 messages.
    const all = search.query('kiwi');
    expect(all.map((h) => h.messageId === null)).toEqual([...Array(15).fill(true), ...Array(15).fill(false)]);
    // With no message hit, titles fill the list.
    expect(search.query('chat', 12)).toHaveLength(12);
  });

  it('finds chat titles too (messageId null) and leaves out deleted chats and deleted messages', () => {
    const keep = chatWith('Trip to Lisbon', 'where to eat in lisbon');
    const gone = chatWith('Lisbon again', 'lisbon tram 28');
    repo.deleteChat(gone.chat.id);
    opened.db.prepare(`UPDATE messages SET deleted = 1 WHERE id = ?`).run(keep.ids[0]);
    const hits = search.query('lisbon');
    expect(hits).toEqual([
      expect.objectContaining({ chatId: keep.chat.id, messageId: null, role: null, chatTitle: 'Trip to Lisbon' }),
    ]);
    expect(hits[0]!.snippet).toBe(`Trip to ${SNIPPET_START}Lisbon${SNIPPET_END}`);
    repo.restoreChat(gone.chat.id);
    expect(search.query('tram').map((h) => h.chatId)).toEqual([gone.chat.id]);
  });

  it('never throws on FTS syntax in what the user typed', () => {
    chatWith('syntax', 'he said "hello" (twice) NEAR the door * AND more');
    for (const q of [
      '"',
      '"hello',
      'hello"',
      '*',
      '(',
      ')',
      'NEAR',
      'NEAR(',
      'AND',
      'OR',
      'NOT',
      '-',
      '^',
      ':',
      'content:',
      "'",
      '\\',
      '"""',
      'a AND',
      '{x}',
      '[x]',
    ]) {
      expect(() => search.query(q), q).not.toThrow();
    }
    expect(search.query('"hello"')).toHaveLength(1);
    expect(search.query('NEAR')).toHaveLength(1);
    expect(search.query('(twice')).toHaveLength(1);
    expect(search.query('***')).toEqual([]);
  });

  it('honours the limit (default 50)', () => {
    for (let i = 0; i < 60; i++) chatWith(`c${i}`, `pasta number ${i}`);
    expect(search.query('pasta')).toHaveLength(50);
    expect(search.query('pasta', 5)).toHaveLength(5);
  });
});

describe('migration from schema v1 to v2', () => {
  it('keeps chats and messages, backs the file up, and indexes old messages for search', () => {
    const dir = makeTempDir();
    const file = join(dir, 'hearth.db');
    const v1 = openDatabase({ file, migrations: migrations.filter((m) => m.version === 1) });
    expect(v1.schemaVersion).toBe(1);
    v1.db.close();
    const raw = new Database(file);
    raw
      .prepare(
        `INSERT INTO chats (id, title, model, created_at, updated_at, version, device_id) VALUES ('c1', 'Old gardening chat', 'ollama/x', 1, 2, 'v', 'd')`,
      )
      .run();
    raw
      .prepare(
        `INSERT INTO messages (id, chat_id, role, content, status, created_at, updated_at, version, device_id)
         VALUES ('m1', 'c1', 'user', 'how do I grow tomatoes', 'done', 1, 1, 'v', 'd'),
                ('m2', 'c1', 'assistant', 'Tomatoes like sun and regular watering.', 'done', 2, 2, 'v', 'd')`,
      )
      .run();
    raw.close();

    const v2 = openDatabase({ file });
    try {
      expect(v2.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
      expect(v2.backupFile).toMatch(/hearth-v1-\d+\.db$/);
      const repo2 = new ChatRepo(v2.db, new HybridClock(v2.deviceId), v2.deviceId);
      const chat = repo2.getChat('c1')!;
      expect(chat).toMatchObject({
        title: 'Old gardening chat',
        pinned: false,
        archived: false,
        folderId: null,
        tags: [],
      });
      expect(repo2.listMessages('c1').map((m) => m.content)).toEqual([
        'how do I grow tomatoes',
        'Tomatoes like sun and regular watering.',
      ]);
      const s = new SearchService(new SearchRepo(v2.db));
      expect(s.query('watering').map((h) => h.messageId)).toEqual(['m2']);
      expect(s.query('gardening').map((h) => [h.chatId, h.messageId])).toEqual([['c1', null]]);
    } finally {
      v2.db.close();
    }
  });
});
