import { describe, expect, it } from 'vitest';
import type { FakeOllama } from '../../../e2e/support/fake-ollama';
import type { AppServices } from '../app-services';
import { callOk, makeTempDir, openServices, recordEvents, useFakeOllama } from '../../../e2e/support/services';
import { answerReserve, estimateTokens, trimToWindow } from './context-trim';

describe('trimToWindow', () => {
  const turn = (role: 'system' | 'user' | 'assistant', chars: number) => ({ role, content: 'x'.repeat(chars) });

  it('estimates about four characters per token plus framing', () => {
    expect(estimateTokens([turn('user', 400)])).toBe(104);
    expect(estimateTokens([])).toBe(0);
  });

  it('keeps everything that fits', () => {
    const turns = [turn('user', 40), turn('assistant', 40), turn('user', 40)];
    expect(trimToWindow(turns, 1000, 100)).toEqual({ turns, dropped: 0 });
  });

  it('drops the oldest turns, never the system prompt or the new question, and starts with a question', () => {
    const turns = [
      turn('system', 400),
      turn('user', 800),
      turn('assistant', 800),
      turn('user', 800),
      turn('assistant', 800),
      turn('user', 400),
    ];
    const r = trimToWindow(turns, 900, 100);
    expect(r.dropped).toBe(2);
    expect(r.turns).toEqual([turns[0], turns[3], turns[4], turns[5]]);
    // Even when nothing but the system prompt and the question fit.
    const tight = trimToWindow(turns, 300, 0);
    expect(tight.turns).toEqual([turns[0], turns[5]]);
    expect(tight.dropped).toBe(4);
    // A continued answer keeps its question and partial answer.
    const cont = trimToWindow([...turns.slice(0, 5)], 700, 0, 2);
    expect(cont.turns.slice(-2)).toEqual([turns[3], turns[4]]);
  });

  it('reserves room for the answer', () => {
    expect(answerReserve(8192)).toBe(1024);
    expect(answerReserve(2048)).toBe(512);
    expect(answerReserve(1000, 4000)).toBe(500);
  });
});

describe('trimming in a chat', () => {
  let fake: FakeOllama;
  const open: AppServices[] = [];
  useFakeOllama(open, (f) => (fake = f));
  const services = () => {
    const s = openServices(makeTempDir(), { env: { OLLAMA_BASE_URL: fake.url } });
    open.push(s);
    return s;
  };
  const long = (tag: string) => `${tag} ` + 'lorem ipsum dolor sit amet '.repeat(60); // ~1.6k chars, ~400 tokens

  it("uses the chat's context length, drops the oldest turns and stores how many on the answer", async () => {
    const s = services();
    const rec = recordEvents(s);
    fake.behavior.reply = () => 'short answer';
    let chatId: string | undefined;
    for (const q of ['first', 'second', 'third']) {
      const r = await callOk(s, 'messages.send', { model: 'ollama/llama3.2:1b', content: long(q), chatId });
      chatId = r.chat.id;
      await rec.done(r.assistantMessage.id);
    }
    await s.db.prepare(`UPDATE chats SET params = ? WHERE id = ?`).run(JSON.stringify({ contextLength: 1024 }), chatId);
    const r = await callOk(s, 'messages.send', { model: 'ollama/llama3.2:1b', content: long('fourth'), chatId });
    await rec.done(r.assistantMessage.id);
    const sent = fake.requests.at(-1)!.messages!;
    expect(sent.at(-1)!.content).toBe(long('fourth'));
    expect(sent[0]!.role).toBe('user');
    expect(sent.length).toBeLessThan(7);
    expect(r.assistantMessage.trimmed).toBe(7 - sent.length);
    const stored = (await callOk(s, 'chats.get', { id: chatId! })).messages.at(-1)!;
    expect(stored.trimmed).toBe(7 - sent.length);
    expect(fake.requests.at(-1)!.options).toMatchObject({ num_ctx: 1024 });
  });

  it("asks Ollama's /api/show for the model's window when the chat sets none, once per model", async () => {
    fake.models[0] = { ...fake.models[0]!, contextLength: 2048 };
    const s = services();
    const rec = recordEvents(s);
    fake.behavior.reply = () => 'ok';
    let chatId: string | undefined;
    const trimmed: number[] = [];
    for (const q of ['a', 'b', 'c', 'd', 'e', 'f']) {
      const r = await callOk(s, 'messages.send', { model: 'ollama/llama3.2:1b', content: long(q), chatId });
      chatId = r.chat.id;
      trimmed.push(r.assistantMessage.trimmed);
      await rec.done(r.assistantMessage.id);
    }
    expect(trimmed[0]).toBe(0);
    expect(trimmed.at(-1)).toBeGreaterThan(0);
    // With no window set, nothing extra is sent to Ollama.
    expect(fake.requests.at(-1)!.options).toBeUndefined();
  });
});
