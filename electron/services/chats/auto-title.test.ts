import { describe, expect, it } from 'vitest';
import type { FakeOllama } from '../../../e2e/support/fake-ollama';
import type { AppServices } from '../app-services';
import {
  callOk,
  makeTempDir,
  openServices,
  recordEvents,
  sleep,
  until,
  useFakeOllama,
} from '../../../e2e/support/services';
import { cleanTitle, TITLE_INSTRUCTION } from './auto-title';

describe('cleanTitle', () => {
  it('strips quotes, prefixes, markdown and trailing punctuation', () => {
    expect(cleanTitle('"Baking Sourdough At Home."')).toBe('Baking Sourdough At Home');
    expect(cleanTitle('Title: “Rust lifetimes explained”')).toBe('Rust lifetimes explained');
    expect(cleanTitle('**Title:** Paris trip plan!\n\nExtra words')).toBe('Paris trip plan');
    expect(cleanTitle('<think>hmm, a title</think>\nSleep and memory')).toBe('Sleep and memory');
    expect(cleanTitle('Why is the sky blue?')).toBe('Why is the sky blue?');
    expect(cleanTitle('  "" ')).toBeNull();
    const long = cleanTitle('A '.repeat(20) + 'very long title that goes on and on past sixty characters');
    expect(long!.length).toBeLessThanOrEqual(60);
  });
});

describe('auto-title', () => {
  let fake: FakeOllama;
  const open: AppServices[] = [];
  useFakeOllama(open, (f) => (fake = f));
  const services = () => {
    const s = openServices(makeTempDir(), { env: { OLLAMA_BASE_URL: fake.url } });
    open.push(s);
    return s;
  };

  it('names the chat after the first answer with the same model, not streamed, think off, temperature 0.2', async () => {
    fake.behavior.titleReply = () => '"Chimney Sweeping Basics."';
    const s = services();
    const rec = recordEvents(s);
    const r = await callOk(s, 'messages.send', { model: 'ollama/qwen2.5:0.5b', content: 'how do I clean a chimney' });
    await rec.done(r.assistantMessage.id);
    const updated = await rec.waitFor(
      (e) => e.event === 'chat.updated' && e.payload.chat.title === 'Chimney Sweeping Basics',
    );
    expect(updated.event).toBe('chat.updated');
    expect((await callOk(s, 'chats.get', { id: r.chat.id })).chat.title).toBe('Chimney Sweeping Basics');
    expect(fake.titleRequests).toHaveLength(1);
    const req = fake.titleRequests[0]!;
    expect(req).toMatchObject({ model: 'qwen2.5:0.5b', stream: false, think: false, options: { temperature: 0.2 } });
    expect(req.messages!.at(-1)!.content).toBe(TITLE_INSTRUCTION);
    expect(req.messages![0]!.content).toBe('how do I clean a chimney');

    // Only the first answer titles a chat.
    const second = await callOk(s, 'messages.send', {
      chatId: r.chat.id,
      model: 'ollama/qwen2.5:0.5b',
      content: 'more',
    });
    await rec.done(second.assistantMessage.id);
    await sleep(100);
    expect(fake.titleRequests).toHaveLength(1);
  });

  it('keeps the first-message title when the model only repeats the question', async () => {
    const s = services();
    const rec = recordEvents(s);
    const long = 'Please explain in detail how a wood-burning stove heats a room and why the flue matters!';
    for (const q of ['Hello there!', long]) {
      const r = await callOk(s, 'messages.send', { model: 'ollama/llama3.2:1b', content: q });
      await rec.done(r.assistantMessage.id);
    }
    await until(() => fake.titleRequests.length === 2, 3000, 'title requests');
    await sleep(100);
    const titles = (await callOk(s, 'chats.list', {})).chats.map((c) => c.title).sort();
    expect(titles).toEqual(['Hello there!', 'Please explain in detail how a wood-burning stove heats a…']);
  });

  it('keeps the first-message title when titling fails, and does nothing when turned off', async () => {
    const s = services();
    const rec = recordEvents(s);
    fake.behavior.titleReply = () => '   ';
    const r = await callOk(s, 'messages.send', { model: 'ollama/llama3.2:1b', content: 'first question' });
    await rec.done(r.assistantMessage.id);
    await until(() => fake.titleRequests.length === 1, 3000, 'title request');
    await sleep(100);
    expect((await callOk(s, 'chats.get', { id: r.chat.id })).chat.title).toBe('first question');

    expect((await callOk(s, 'settings.get')).autoTitle).toBe(true);
    expect((await callOk(s, 'settings.update', { autoTitle: false })).autoTitle).toBe(false);
    const r2 = await callOk(s, 'messages.send', { model: 'ollama/llama3.2:1b', content: 'another chat' });
    await rec.done(r2.assistantMessage.id);
    await sleep(150);
    expect(fake.titleRequests).toHaveLength(1);
  });

  it('does not title a failed first answer, and a user rename wins over a late title', async () => {
    const s = services();
    const rec = recordEvents(s);
    fake.behavior.fail500 = true;
    const r = await callOk(s, 'messages.send', { model: 'ollama/llama3.2:1b', content: 'broken' });
    await rec.done(r.assistantMessage.id);
    await sleep(100);
    expect(fake.titleRequests).toHaveLength(0);

    fake.behavior.fail500 = false;
    fake.behavior.titleReply = () => 'Model Title';
    fake.behavior.loadDelayMs = 300; // the title request takes a while
    const r2 = await callOk(s, 'messages.send', { model: 'ollama/llama3.2:1b', content: 'rename race' });
    await rec.done(r2.assistantMessage.id, 5000);
    await until(() => fake.titleRequests.length === 1, 3000, 'title request');
    await callOk(s, 'chats.rename', { id: r2.chat.id, title: 'My own name' });
    await sleep(500);
    expect((await callOk(s, 'chats.get', { id: r2.chat.id })).chat.title).toBe('My own name');
  });
});
