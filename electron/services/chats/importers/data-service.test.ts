import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type FakeOllama } from '../../../../e2e/support/fake-ollama';
import type { AppServices } from '../../app-services';
import { callOk, recordEvents, useFakeOllama } from '../../../../e2e/support/services';
import { HEARTH_EXPORT_FORMAT, HEARTH_EXPORT_VERSION } from './hearth-json';
import { tinyPng } from '../../../../e2e/support/images';

const fixture = (name: string) => readFileSync(join(__dirname, '../../../../e2e/support/imports', name), 'utf8');

let fake: FakeOllama;
const open: AppServices[] = [];
const services = useFakeOllama(open, (f) => (fake = f));

function rows(s: AppServices, sql: string, ...args: unknown[]) {
  return s.db.prepare(sql).all(...args) as Record<string, unknown>[];
}

describe('ChatGPT conversations.json', () => {
  it('keeps the tree as branches, skips system/tool/hidden/empty nodes with reasons, converts times', async () => {
    const s = services();
    const report = s.data.import('conversations.json', fixture('chatgpt-conversations.json'));
    expect(report.format).toBe('chatgpt');
    expect(report.chatsImported).toBe(2);
    expect(report.messagesImported).toBe(6);
    expect(report.skipped).toEqual([
      {
        what: '3 messages in "Sourdough starter help"',
        why: 'system, tool and hidden messages are not part of the visible conversation',
      },
      {
        what: '1 message in "Sourdough starter help"',
        why: 'images are not included in ChatGPT exports (only references to them)',
      },
      { what: '1 message in "Sourdough starter help"', why: 'empty message' },
    ]);
    const chat = rows(
      s,
      `SELECT id, title, created_at, import_key, current_leaf_id FROM chats WHERE title = ?`,
      'Sourdough starter help',
    )[0]!;
    expect(chat.import_key).toBe('chatgpt:6630f5d0-1b2c-8000-9d4e-5f6a7b8c9d0e');
    expect(chat.created_at).toBe(1714558800123);
    const { messages } = await callOk(s, 'chats.get', { id: chat.id as string });
    const byText = (t: string) => messages.find((m) => m.content.includes(t))!;
    const question = byText('nail polish');
    const first = byText('Not dead, just hungry');
    const followUp = byText('after two feedings');
    const second = byText('A second take');
    expect(question.parentId).toBeNull();
    expect(question.createdAt).toBe(1714558801500);
    // Two answers to the same question: a branch. The tool detour hangs from the question.
    expect(first.parentId).toBe(question.id);
    expect(second.parentId).toBe(question.id);
    expect(followUp.parentId).toBe(first.id);
    expect(followUp.content).toBe('Here is how it looks after two feedings.');
    expect(first.content).toContain('```\n50 g starter');
    expect(first.model).toBe('chatgpt/gpt-4o');
    // Indexed for search (in bulk), and the trigger is back for new messages.
    const hits = rows(s, `SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'acetone'`);
    expect(hits).toHaveLength(1);
    expect(rows(s, `SELECT name FROM sqlite_master WHERE name = 'messages_fts_insert'`)).toHaveLength(1);
    // current_node was an empty answer: the leaf shown is its nearest kept ancestor.
    expect(chat.current_leaf_id).toBe(second.id);
  });

  it('imports nothing the second time and says why', () => {
    const s = services();
    const text = fixture('chatgpt-conversations.json');
    s.data.import('conversations.json', text);
    const before = rows(s, 'SELECT count(*) AS n FROM messages')[0]!.n;
    const again = s.data.import('conversations.json', text);
    expect(again.chatsImported).toBe(0);
    expect(again.messagesImported).toBe(0);
    expect(again.skipped.filter((k) => k.why === 'already imported').map((k) => k.what)).toEqual([
      'chat "Sourdough starter help"',
      'chat "Regex for ISO dates"',
    ]);
    expect(rows(s, 'SELECT count(*) AS n FROM messages')[0]!.n).toBe(before);
  });
});

describe('Open WebUI chat export', () => {
  it('keeps branches via parentId, leaves out system and empty messages, keeps pinned', async () => {
    const s = services();
    const report = s.data.import('chat-export-1717400000.json', fixture('openwebui-chat-export.json'));
    expect(report).toMatchObject({ format: 'openwebui', chatsImported: 2, messagesImported: 6 });
    expect(report.skipped).toEqual([
      { what: '1 message in "Kubernetes liveness vs readiness"', why: 'empty message' },
      { what: '1 message in "Haiku about rain"', why: 'system messages are kept out of the chat' },
    ]);
    const k8s = rows(
      s,
      'SELECT id, pinned, created_at, current_leaf_id, import_key FROM chats WHERE title LIKE ?',
      'Kubernetes%',
    )[0]!;
    expect(k8s).toMatchObject({
      pinned: 1,
      created_at: 1717236000000,
      import_key: 'openwebui:3f1c2b7e-8d4a-4c3e-9f10-2a6b7c8d9e01',
    });
    const { messages } = await callOk(s, 'chats.get', { id: k8s.id as string });
    const q = messages.find((m) => m.content.startsWith('What is the difference'))!;
    const answers = messages.filter((m) => m.parentId === q.id);
    expect(answers.map((m) => m.model).sort()).toEqual(['openwebui/llama3.1:8b', 'openwebui/qwen2.5:7b']);
    const startup = messages.find((m) => m.content === 'And startup probes?')!;
    expect(k8s.current_leaf_id).toBe(startup.id);
    expect(q.createdAt).toBe(1717236000000);
    const haiku = rows(s, 'SELECT id FROM chats WHERE title = ?', 'Haiku about rain')[0]!;
    const h = await callOk(s, 'chats.get', { id: haiku.id as string });
    expect(h.messages.map((m) => [m.role, m.parentId === null])).toEqual([
      ['user', true],
      ['assistant', false],
    ]);
    expect(s.data.import('again.json', fixture('openwebui-chat-export.json')).chatsImported).toBe(0);
  });
});

describe('detection and errors', () => {
  it.each([
    ['not JSON', '{"oops": ', /"bad\.json" is not valid JSON/],
    [
      'an unknown format',
      '{"name":"something else"}',
      /not a Hearth export, a ChatGPT conversations\.json or an Open WebUI/,
    ],
    ['an empty list', '[]', /holds no chats/],
    [
      'a newer Hearth export',
      JSON.stringify({ format: HEARTH_EXPORT_FORMAT, version: 99, exportedAt: 1, chats: [] }),
      /newer Hearth \(format version 99/,
    ],
  ])('refuses %s clearly', async (_what, text, message) => {
    const s = services();
    const r = await s.router.call('data.import', { filename: 'bad.json', content: text });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('invalid_input');
      expect(r.error.message).toMatch(message);
    }
    expect(rows(s, 'SELECT count(*) AS n FROM chats')[0]!.n).toBe(0);
  });
});

async function sendWithFiles(s: AppServices) {
  fake.behavior.tokenDelayMs = 0;
  const chat = await callOk(s, 'chats.create', { model: 'ollama/llama3.2:1b' });
  const png = tinyPng();
  const img = await callOk(s, 'attachments.add', {
    chatId: chat.id,
    name: 'dot.png',
    mime: 'image/png',
    dataBase64: png.toString('base64'),
    width: 2,
    height: 2,
  });
  const txt = await callOk(s, 'attachments.add', {
    chatId: chat.id,
    name: 'notes.md',
    mime: 'text/markdown',
    dataBase64: Buffer.from('# Notes\n\n```js\nlet x = 1;\n```\n').toString('base64'),
  });
  const rec = recordEvents(s);
  const sent = await callOk(s, 'messages.send', {
    chatId: chat.id,
    model: 'ollama/llama3.2:1b',
    content: 'What is in these files?',
    attachmentIds: [img.id, txt.id],
  });
  await rec.done(sent.assistantMessage.id);
  rec.stop();
  return { chat, png, img, txt, sent };
}

describe('Hearth JSON v2 and Markdown', () => {
  it('round-trips chats with attachments (bytes embedded) into a fresh data dir, once', async () => {
    const source = services();
    const { chat, png, img } = await sendWithFiles(source);
    const file = await callOk(source, 'data.export', { format: 'hearth' });
    expect(file.mime).toBe('application/json');
    expect(file.filename).toMatch(/^hearth-export-\d{4}-\d{2}-\d{2}\.json$/);
    const parsed = JSON.parse(file.content);
    expect(parsed.version).toBe(HEARTH_EXPORT_VERSION);
    const user = parsed.chats[0].messages.find((m: { role: string }) => m.role === 'user');
    expect(user.attachments.map((a: { name: string }) => a.name)).toEqual(['dot.png', 'notes.md']);
    expect(user.attachments[0].dataBase64).toBe(png.toString('base64'));

    const target = services();
    const report = await callOk(target, 'data.import', { filename: file.filename, content: file.content });
    expect(report).toEqual({ format: 'hearth', chatsImported: 1, messagesImported: 2, skipped: [] });
    const got = await callOk(target, 'chats.get', { id: chat.id });
    expect(got.messages[0]!.attachments.map((a) => [a.id, a.name, a.kind, a.width])).toEqual([
      [img.id, 'dot.png', 'image', 2],
      [expect.any(String), 'notes.md', 'text', null],
    ]);
    const thumb = await callOk(target, 'attachments.get', { id: img.id });
    expect(thumb.dataUrl).toBe(`data:image/png;base64,${png.toString('base64')}`);
    expect(existsSync(join(target.info().dataDir, 'attachments', `${img.id}.png`))).toBe(true);

    const again = await callOk(target, 'data.import', { filename: file.filename, content: file.content });
    expect(again.chatsImported).toBe(0);
    expect(again.skipped).toEqual([{ what: `chat "${got.chat.title}"`, why: 'already in Hearth (same id)' }]);
    expect(rows(target, 'SELECT count(*) AS n FROM attachments')[0]!.n).toBe(2);
  });

  it('imports nothing at all when a file cannot be written (one transaction, files removed)', async () => {
    const source = services();
    await sendWithFiles(source);
    await sendWithFiles(source);
    const file = await callOk(source, 'data.export', { format: 'hearth' });
    const target = services();
    const dir = join(target.info().dataDir, 'attachments');
    // The second chat's image cannot be written: a folder stands where its file should go.
    const second = JSON.parse(file.content).chats[1].messages[0].attachments[0];
    mkdirSync(join(dir, `${second.id}.png`), { recursive: true });
    const r = await target.router.call('data.import', { filename: file.filename, content: file.content });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.message).toMatch(/Could not save "dot\.png"/);
    expect(rows(target, 'SELECT count(*) AS n FROM chats')[0]!.n).toBe(0);
    expect(rows(target, 'SELECT count(*) AS n FROM messages')[0]!.n).toBe(0);
    expect(rows(target, 'SELECT count(*) AS n FROM attachments')[0]!.n).toBe(0);
    expect(readdirSync(dir)).toEqual([`${second.id}.png`]); // only the obstacle, no file of the first chat
    expect(rows(target, `SELECT name FROM sqlite_master WHERE name = 'messages_fts_insert'`)).toHaveLength(1);
  });

  it('still reads version 1 files', () => {
    const s = services();
    const v1 = {
      format: HEARTH_EXPORT_FORMAT,
      version: 1,
      exportedAt: 1_700_000_000_000,
      app: 'Hearth 0.1.0',
      chats: [
        {
          id: 'c-v1',
          title: 'Old export',
          model: 'ollama/llama3.2:1b',
          createdAt: 1_700_000_000_000,
          updatedAt: 1_700_000_000_000,
          messages: [
            {
              id: 'm1',
              parentId: null,
              role: 'user',
              content: 'hi',
              model: null,
              status: 'done',
              error: null,
              stats: null,
              createdAt: 1_700_000_000_000,
              updatedAt: 1_700_000_000_000,
            },
            {
              id: 'm2',
              parentId: 'm1',
              role: 'assistant',
              content: 'hello',
              model: 'ollama/llama3.2:1b',
              status: 'done',
              error: null,
              stats: null,
              createdAt: 1_700_000_000_001,
              updatedAt: 1_700_000_000_001,
            },
          ],
        },
      ],
    };
    expect(s.data.import('old.json', JSON.stringify(v1))).toEqual({
      format: 'hearth',
      chatsImported: 1,
      messagesImported: 2,
      skipped: [],
    });
  });

  it('exports one chat as Markdown: the branch on screen, roles, thinking as a quote, code intact, file names', async () => {
    const s = services();
    const { chat } = await sendWithFiles(s);
    const asked = await callOk(s, 'chats.get', { id: chat.id });
    const answer = asked.messages[1]!;
    s.db
      .prepare(`UPDATE messages SET thinking = ?, content = ? WHERE id = ?`)
      .run('First, look at the image.\nThen the notes.', 'Here is code:\n\n```python\nprint("hi")\n```', answer.id);
    // Another branch, not on screen: must not appear.
    s.db
      .prepare(
        `INSERT INTO messages (id, chat_id, parent_id, role, content, model, status, created_at, updated_at, version, device_id)
       VALUES ('other', ?, ?, 'assistant', 'OTHER BRANCH', 'ollama/x', 'done', 1, 1, 'v', 'd')`,
      )
      .run(chat.id, asked.messages[0]!.id);
    const file = await callOk(s, 'data.export', { chatId: chat.id, format: 'markdown' });
    expect(file.mime).toBe('text/markdown');
    expect(file.filename).toBe('what-is-in-these-files.md');
    const md = file.content;
    expect(md).toMatch(/^# What is in these files\?\n/);
    expect(md).toContain('## You\n\nAttachments: `dot.png`, `notes.md`\n\nWhat is in these files?');
    expect(md).toContain(
      '## Assistant (llama3.2:1b)\n\n> **Thinking**\n>\n> First, look at the image.\n> Then the notes.\n\nHere is code:\n\n```python\nprint("hi")\n```',
    );
    expect(md).not.toContain('OTHER BRANCH');
    expect(md).not.toContain('<details');
    const r = await s.router.call('data.export', { format: 'markdown' });
    expect(r.ok ? '' : r.error.message).toMatch(/one chat/);
  });
});
