/**
 * Versions on the wire: every change to a row a window shows gets a new, larger version, carried
 * by the reply and by the event alike (shared/versioned.ts relies on it); ids chosen by a client
 * for the rows it shows before they are stored.
 */
import { describe, expect, it } from 'vitest';
import type { FakeOllama } from '../../../e2e/support/fake-ollama';
import { uuidv7 } from '../../../shared/uuidv7';
import type { AppServices } from '../app-services';
import { callOk, recordEvents, useFakeOllama } from '../../../e2e/support/services';

const MODEL = 'ollama/llama3.2:1b';
let fake: FakeOllama;
const open: AppServices[] = [];
const services = useFakeOllama(open, (f) => (fake = f));

describe('versions on the wire', () => {
  it('each change to a chat or message gets a larger version, the same in its event and reply', async () => {
    const s = services();
    fake.behavior.tokenDelayMs = 0;
    const rec = recordEvents(s);
    const sent = await callOk(s, 'messages.send', { model: MODEL, content: 'hello' });
    const done = await rec.done(sent.assistantMessage.id);
    expect(done.version > sent.assistantMessage.version).toBe(true);
    const created = rec.seen.flatMap((e) => (e.event === 'message.created' ? [e.payload.message] : []));
    expect(created.map((m) => m.version)).toEqual([sent.userMessage.version, sent.assistantMessage.version]);
    const read = await callOk(s, 'chats.get', { id: sent.chat.id });
    expect(read.messages[1]!.version).toBe(done.version);

    const versions = [read.chat.version];
    const renamed = await callOk(s, 'chats.rename', { id: sent.chat.id, title: 'Renamed' });
    versions.push(renamed.version);
    const tagged = await callOk(s, 'chats.update', { id: sent.chat.id, tags: ['work'] });
    versions.push(tagged.version);
    const deleted = await callOk(s, 'chats.delete', { id: sent.chat.id });
    versions.push(deleted.version);
    const restored = await callOk(s, 'chats.restore', { id: sent.chat.id });
    versions.push(restored.version);
    expect([...versions].sort()).toEqual(versions);
    expect(new Set(versions).size).toBe(versions.length);
    const tombstone = rec.seen.find((e) => e.event === 'chat.deleted');
    expect(tombstone?.payload).toEqual({ id: sent.chat.id, version: deleted.version });
    const updates = rec.seen.flatMap((e) => (e.event === 'chat.updated' ? [e.payload.chat.version] : []));
    expect(updates).toEqual(expect.arrayContaining([renamed.version, tagged.version, restored.version]));
    rec.stop();
  });

  it('continuing an answer announces the reopened row (message.updated) before its new text', async () => {
    const s = services();
    fake.behavior.reply = () => Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');
    fake.behavior.tokenDelayMs = 10;
    const rec = recordEvents(s);
    const sent = await callOk(s, 'messages.send', { model: MODEL, content: 'count' });
    const id = sent.assistantMessage.id;
    await rec.waitFor((e) => e.event === 'message.delta' && e.payload.messageId === id);
    await callOk(s, 'messages.stop', { messageId: id });
    const stopped = await rec.done(id);
    fake.behavior.tokenDelayMs = 0;
    const before = rec.seen.length;
    const cont = await callOk(s, 'messages.continue', { messageId: id });
    await rec.waitFor((e) => e.event === 'message.done' && rec.seen.indexOf(e) >= before);
    const after = rec.seen.slice(before);
    const updated = after.findIndex((e) => e.event === 'message.updated');
    const firstDelta = after.findIndex((e) => e.event === 'message.delta');
    expect(updated).toBeGreaterThanOrEqual(0);
    expect(updated).toBeLessThan(firstDelta);
    const row = (after[updated]!.payload as { message: { version: string; status: string } }).message;
    expect(row).toMatchObject({ status: 'streaming', version: cont.assistantMessage.version });
    expect(row.version > stopped.version).toBe(true);
    rec.stop();
  });

  it('messages.send keeps the ids the client chose, and refuses taken or malformed ones', async () => {
    const s = services();
    fake.behavior.tokenDelayMs = 0;
    const ids = { chat: uuidv7(), user: uuidv7(), assistant: uuidv7() };
    const rec = recordEvents(s);
    const sent = await callOk(s, 'messages.send', { model: MODEL, content: 'hi', ids });
    expect([sent.chat.id, sent.userMessage.id, sent.assistantMessage.id]).toEqual([ids.chat, ids.user, ids.assistant]);
    await rec.done(ids.assistant);
    rec.stop();

    const again = await s.router.call('messages.send', { model: MODEL, content: 'hi', ids });
    expect(!again.ok && again.error.code).toBe('conflict');
    const reused = await s.router.call('messages.send', {
      chatId: ids.chat,
      model: MODEL,
      content: 'hi',
      ids: { user: ids.assistant, assistant: uuidv7() },
    });
    expect(!reused.ok && reused.error.code).toBe('conflict');
    const bad = await s.router.call('messages.send', {
      model: MODEL,
      content: 'hi',
      ids: { user: '../../x', assistant: uuidv7() },
    });
    expect(!bad.ok && bad.error.code).toBe('invalid_input');
    // Nothing of the refused sends was written.
    expect((await callOk(s, 'chats.get', { id: ids.chat })).messages).toHaveLength(2);
    expect((await callOk(s, 'chats.list', {})).chats).toHaveLength(1);

    const chatId = uuidv7();
    expect((await callOk(s, 'chats.create', { id: chatId })).id).toBe(chatId);
    const taken = await s.router.call('chats.create', { id: chatId });
    expect(!taken.ok && taken.error.code).toBe('conflict');
  });
});
