/**
 * Branches end to end: real services over SQLite, the test Ollama. Regenerate, edit, continue,
 * send on a branch, setBranch — and the history each request sends is the path root → parent only.
 */
import { describe, expect, it } from 'vitest';
import { type FakeOllama } from '../../../e2e/support/fake-ollama';
import type { AppServices } from '../app-services';
import {
  applyDeltas,
  callOk,
  makeTempDir,
  openServices,
  recordEvents,
  useFakeOllama,
} from '../../../e2e/support/services';
import { currentPath, siblingsOf } from './branches';

let fake: FakeOllama;
const open: AppServices[] = [];
useFakeOllama(open, (f) => (fake = f));

function services(dir = makeTempDir()): AppServices {
  const s = openServices(dir, { env: { OLLAMA_BASE_URL: fake.url } });
  open.push(s);
  return s;
}
const MODEL = 'ollama/llama3.2:1b';

async function exchange(s: AppServices, content: string, chatId?: string) {
  const rec = recordEvents(s);
  const r = await callOk(s, 'messages.send', { model: MODEL, content, ...(chatId ? { chatId } : {}) });
  await rec.done(r.assistantMessage.id);
  rec.stop();
  return r;
}

describe('branches', () => {
  it('regenerate adds a sibling answer to the same question, streams it and shows it', async () => {
    const s = services();
    const first = await exchange(s, 'q1');
    await exchange(s, 'q2', first.chat.id);
    let n = 0;
    fake.behavior.reply = () => `take ${++n}`;
    const rec = recordEvents(s);
    const regen = await callOk(s, 'messages.regenerate', { messageId: first.assistantMessage.id });
    const done = await rec.done(regen.assistantMessage.id);
    expect(done).toMatchObject({ status: 'done', content: 'take 1' });
    expect(regen.assistantMessage.parentId).toBe(first.userMessage.id);
    expect(regen.chat.currentLeafId).toBe(regen.assistantMessage.id);
    // Only the path up to the question was sent: the second exchange is on another branch.
    expect(fake.requests.at(-1)!.messages).toEqual([{ role: 'user', content: 'q1' }]);
    const created = rec.seen.filter((e) => e.event === 'message.created');
    expect(created.map((e) => e.event === 'message.created' && e.payload.message.id)).toEqual([
      regen.assistantMessage.id,
    ]);
    expect(rec.seen.some((e) => e.event === 'chat.updated')).toBe(true);

    const { chat, messages } = await callOk(s, 'chats.get', { id: first.chat.id });
    expect(messages).toHaveLength(5);
    expect(currentPath(messages, chat.currentLeafId).map((m) => m.content)).toEqual(['q1', 'take 1']);
    expect(siblingsOf(messages, regen.assistantMessage.id)).toMatchObject({ index: 1 });
    expect(siblingsOf(messages, regen.assistantMessage.id).siblings).toHaveLength(2);
  });

  it('setBranch resolves any message to the newest leaf under it, and send continues that branch', async () => {
    const s = services();
    const first = await exchange(s, 'q1');
    const second = await exchange(s, 'q2', first.chat.id);
    const rec = recordEvents(s);
    const regen = await callOk(s, 'messages.regenerate', { messageId: first.assistantMessage.id });
    await rec.done(regen.assistantMessage.id);

    // Back to the first answer: the branch shown is the newest leaf under it (the q2 answer).
    const chat = await callOk(s, 'chats.setBranch', { chatId: first.chat.id, leafId: first.assistantMessage.id });
    expect(chat.currentLeafId).toBe(second.assistantMessage.id);
    // Sending now replies after that leaf, not after the newest row.
    const third = await callOk(s, 'messages.send', { chatId: first.chat.id, model: MODEL, content: 'q3' });
    await rec.done(third.assistantMessage.id);
    expect(third.userMessage.parentId).toBe(second.assistantMessage.id);
    expect(fake.requests.at(-1)!.messages!.map((m) => m.content)).toEqual([
      'q1',
      expect.stringContaining('q1'),
      'q2',
      expect.stringContaining('q2'),
      'q3',
    ]);
    // parentId picks a branch explicitly.
    const fourth = await callOk(s, 'messages.send', {
      chatId: first.chat.id,
      model: MODEL,
      content: 'q4',
      parentId: regen.assistantMessage.id,
    });
    await rec.done(fourth.assistantMessage.id);
    expect(fourth.userMessage.parentId).toBe(regen.assistantMessage.id);
    expect(fourth.chat.currentLeafId).toBe(fourth.assistantMessage.id);
    expect(fake.requests.at(-1)!.messages!.map((m) => m.content)[0]).toBe('q1');
    expect(fake.requests.at(-1)!.messages).toHaveLength(3);

    const bad = await s.router.call('chats.setBranch', { chatId: first.chat.id, leafId: 'not-a-message' });
    expect(bad.ok === false && bad.error.code).toBe('not_found');
  });

  it('edit adds a sibling question with the same parent and answers it afresh', async () => {
    const s = services();
    const first = await exchange(s, 'q1');
    const second = await exchange(s, 'q2', first.chat.id);
    const rec = recordEvents(s);
    const edited = await callOk(s, 'messages.edit', { messageId: second.userMessage.id, content: 'q2, better' });
    const done = await rec.done(edited.assistantMessage.id);
    expect(done.status).toBe('done');
    expect(done.content).toContain('q2, better');
    expect(edited.userMessage.parentId).toBe(second.userMessage.parentId);
    expect(edited.assistantMessage.parentId).toBe(edited.userMessage.id);
    expect(fake.requests.at(-1)!.messages!.map((m) => m.content)).toEqual(['q1', expect.any(String), 'q2, better']);
    const created = rec.seen.flatMap((e) => (e.event === 'message.created' ? [e.payload.message.role] : []));
    expect(created).toEqual(['user', 'assistant']);
    const { chat, messages } = await callOk(s, 'chats.get', { id: first.chat.id });
    expect(
      currentPath(messages, chat.currentLeafId)
        .map((m) => m.content)
        .slice(2),
    ).toEqual(['q2, better', done.content]);
    const wrong = await s.router.call('messages.edit', { messageId: second.assistantMessage.id, content: 'x' });
    expect(wrong.ok === false && wrong.error.code).toBe('invalid_input');
  });

  it('continue appends to a stopped answer at the existing offset, sending the partial answer last', async () => {
    const s = services();
    const words = Array.from({ length: 60 }, (_, i) => `w${i}`).join(' ');
    fake.behavior.reply = () => words;
    fake.behavior.tokenDelayMs = 15;
    const rec = recordEvents(s);
    const sent = await callOk(s, 'messages.send', { model: MODEL, content: 'count' });
    const id = sent.assistantMessage.id;
    await rec.waitFor((e) => e.event === 'message.delta' && e.payload.messageId === id && e.payload.offset > 10);
    await callOk(s, 'messages.stop', { messageId: id });
    const stopped = await rec.done(id);
    expect(stopped.status).toBe('stopped');

    const before = rec.seen.length;
    fake.behavior.tokenDelayMs = 0;
    fake.behavior.reply = () => ' and the rest.';
    const cont = await callOk(s, 'messages.continue', { messageId: id });
    expect(cont.assistantMessage.status).toBe('streaming');
    const done = await rec.waitFor(
      (e) => e.event === 'message.done' && e.payload.messageId === id && rec.seen.indexOf(e) >= before,
    );
    const payload = done.payload as { status: string; content: string };
    expect(payload.status).toBe('done');
    expect(payload.content).toBe(stopped.content + ' and the rest.');
    // New deltas start at the old length, so a client holding the stopped text just appends.
    const afterDeltas = rec.seen.slice(before).flatMap((e) => (e.event === 'message.delta' ? [e.payload] : []));
    expect(afterDeltas[0]!.offset).toBe(stopped.content.length);
    // Deltas of the first run and of the continuation rebuild the whole answer.
    expect(applyDeltas(rec.deltas(id))).toBe(payload.content);
    expect(fake.requests.at(-1)!.messages).toEqual([
      { role: 'user', content: 'count' },
      { role: 'assistant', content: stopped.content },
    ]);
    const stored = (await callOk(s, 'chats.get', { id: sent.chat.id })).messages[1]!;
    expect(stored).toMatchObject({ status: 'done', content: payload.content, error: null });

    const again = await s.router.call('messages.continue', { messageId: id });
    expect(again.ok === false && again.error.code).toBe('conflict');
  });

  it('continue after an error clears the error and keeps the text', async () => {
    const s = services();
    fake.behavior.reply = () => 'one two three four five six seven';
    fake.behavior.errorAfterChunks = 3;
    const first = await exchange(s, 'q');
    const failed = (await callOk(s, 'chats.get', { id: first.chat.id })).messages[1]!;
    expect(failed.status).toBe('error');
    fake.behavior.errorAfterChunks = null;
    fake.behavior.reply = () => ' four five.';
    const rec = recordEvents(s);
    await callOk(s, 'messages.continue', { messageId: failed.id });
    const done = await rec.done(failed.id);
    expect(done).toMatchObject({ status: 'done', error: null, content: failed.content + ' four five.' });
  });
});
