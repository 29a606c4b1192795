/** Per-chat system prompt and params reach the backends in their own terms; reasoning is stored apart. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOllama, type FakeOllama } from '../../../e2e/support/fake-ollama';
import { startFakeOpenAi, type FakeOpenAi } from '../../../e2e/support/fake-openai';
import type { AppServices } from '../app-services';
import {
  applyDeltas,
  callOk,
  makeTempDir,
  openServices,
  recordEvents,
  removeTempDirs,
} from '../../../e2e/support/services';

let ollama: FakeOllama;
let openai: FakeOpenAi;
const open: AppServices[] = [];
beforeAll(async () => {
  ollama = await startFakeOllama();
  openai = await startFakeOpenAi();
});
afterAll(async () => {
  await ollama.close();
  await openai.close();
});
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  ollama.reset();
  openai.reset();
  removeTempDirs();
});
function services(): AppServices {
  const s = openServices(makeTempDir(), {
    env: { OLLAMA_BASE_URL: ollama.url, OPENAI_API_BASE_URL: openai.baseUrl, OPENAI_API_KEY: openai.apiKey },
  });
  open.push(s);
  return s;
}
/** Set a chat's system prompt and params the way chats.update stores them (columns of the chats row). */
function configure(s: AppServices, chatId: string, systemPrompt: string | null, params: object) {
  s.db
    .prepare(`UPDATE chats SET system_prompt = ?, params = ? WHERE id = ?`)
    .run(systemPrompt, JSON.stringify(params), chatId);
}

describe('chat params', () => {
  it('sends the system prompt first and Ollama options, keep_alive and think', async () => {
    const s = services();
    const rec = recordEvents(s);
    const chat = await callOk(s, 'chats.create', { model: 'ollama/llama3.2:1b' });
    configure(s, chat.id, 'You are terse.', {
      temperature: 0.3,
      topP: 0.8,
      topK: 20,
      contextLength: 4096,
      maxTokens: 256,
      seed: 42,
      keepAlive: '10m',
      thinking: 'high',
    });
    const r = await callOk(s, 'messages.send', { chatId: chat.id, model: 'ollama/llama3.2:1b', content: 'hi' });
    await rec.done(r.assistantMessage.id);
    expect(ollama.requests.at(-1)).toMatchObject({
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'hi' },
      ],
      options: { temperature: 0.3, top_p: 0.8, top_k: 20, num_ctx: 4096, num_predict: 256, seed: 42 },
      keep_alive: '10m',
      think: 'high',
    });
    configure(s, chat.id, null, { thinking: 'on', keepAlive: '0' });
    const r2 = await callOk(s, 'messages.send', { chatId: chat.id, model: 'ollama/llama3.2:1b', content: 'again' });
    await rec.done(r2.assistantMessage.id);
    expect(ollama.requests.at(-1)).toMatchObject({ think: true, keep_alive: 0 });
    expect(ollama.requests.at(-1)!.messages![0]!.role).toBe('user');
    expect(ollama.requests.at(-1)!.options).toBeUndefined();
  });

  it('sends OpenAI temperature, top_p, max_tokens, seed and reasoning_effort', async () => {
    const s = services();
    const rec = recordEvents(s);
    const chat = await callOk(s, 'chats.create', {});
    configure(s, chat.id, 'Be kind.', {
      temperature: 1.1,
      topP: 0.5,
      topK: 5,
      maxTokens: 99,
      seed: 7,
      thinking: 'low',
    });
    const r = await callOk(s, 'messages.send', { chatId: chat.id, model: 'openai/gpt-4o-mini', content: 'hello' });
    const done = await rec.done(r.assistantMessage.id);
    expect(done.status).toBe('done');
    const body = openai.requests.at(-1)!;
    expect(body).toMatchObject({ temperature: 1.1, top_p: 0.5, max_tokens: 99, seed: 7, reasoning_effort: 'low' });
    expect(body.messages![0]).toEqual({ role: 'system', content: 'Be kind.' });
    expect(body).not.toHaveProperty('top_k');
  });
});

describe('thinking', () => {
  it('stores Ollama reasoning apart from the answer, with the time spent thinking, streamed by offset', async () => {
    const s = services();
    const rec = recordEvents(s);
    ollama.behavior.tokenDelayMs = 10;
    ollama.behavior.thinking = () => 'Let me think about the question step by step.';
    ollama.behavior.reply = () => 'The answer is 4.';
    const r = await callOk(s, 'messages.send', { model: 'ollama/llama3.2:1b', content: '2+2?' });
    const done = await rec.done(r.assistantMessage.id);
    expect(done.content).toBe('The answer is 4.');
    expect(done.thinking).toBe('Let me think about the question step by step.');
    expect(done.thinkingMs).toBeGreaterThan(0);
    const deltas = rec.deltas(r.assistantMessage.id);
    const thinkingDeltas = deltas
      .filter((d) => d.thinking)
      .map((d) => ({ offset: d.thinkingOffset!, delta: d.thinking! }));
    expect(applyDeltas(thinkingDeltas)).toBe(done.thinking);
    expect(applyDeltas(deltas)).toBe(done.content);
    const stored = (await callOk(s, 'chats.get', { id: r.chat.id })).messages[1]!;
    expect(stored).toMatchObject({ thinking: done.thinking, thinkingMs: done.thinkingMs, content: done.content });
    // Reasoning is not sent back as history.
    const r2 = await callOk(s, 'messages.send', {
      chatId: r.chat.id,
      model: 'ollama/llama3.2:1b',
      content: 'and 3+3?',
    });
    await rec.done(r2.assistantMessage.id);
    expect(ollama.requests.at(-1)!.messages![1]).toEqual({ role: 'assistant', content: 'The answer is 4.' });
  });

  it('stores OpenAI-compatible reasoning_content as thinking', async () => {
    const s = services();
    const rec = recordEvents(s);
    openai.behavior.reasoning = () => 'Considering options.';
    const r = await callOk(s, 'messages.send', { model: 'openai/gpt-4.1', content: 'pick one' });
    const done = await rec.done(r.assistantMessage.id);
    expect(done.status).toBe('done');
    expect(done.thinking).toBe('Considering options.');
    expect(done.thinkingMs).not.toBeNull();
  });
});
