/**
 * Many answers at once: `answers` chats stream their answers together from the test Ollama (each
 * its own text), with the app open in two browser tabs, each showing one of the streaming chats.
 * Meanwhile the sidebar's call (chats.list, first page) is timed every 100 ms and the server's
 * resident memory is read from /proc. Afterwards every stored answer is compared with the text the
 * backend sent, and each tab must show the whole answer of its chat. Loopback only.
 */
import type { Browser, Page } from 'playwright-core';
import type { ChatRequestBody, FakeOllama } from '../../e2e/support/fake-ollama';
import { freePort, makeTempDir, removeTempDir, spawnNode, stop, waitHealthy, type Spawned } from './procs';
import { callApi as call, rssBytes } from './api';
import { summarize, type Summary } from './stats';
import { HearthEvents } from './ttft';

export interface ConcurrentBench {
  answers: number;
  tokensPerAnswer: number;
  tokenDelayMs: number;
  /** Every stored answer equals the text its backend stream sent (and its status is done). */
  allCorrect: boolean;
  wrong: string[];
  /** Each tab shows the end of its chat's answer. */
  tabsShowEnd: boolean;
  /** First send → last message.done. */
  wallMs: number;
  chatsList: Summary;
  /** Server resident set size: before, and the most seen while the answers streamed. */
  rssBeforeBytes: number;
  rssMaxBytes: number;
}

/** The answer the test Ollama gives to "Bench question NN": markdown, distinct per question, ending in a marker. */
export function concurrentAnswer(question: string, tokens: number): string {
  const n = /(\d+)$/.exec(question)?.[1] ?? '0';
  const words: string[] = [`Answer ${n} begins.`];
  for (let i = 0; words.length < tokens; i++) {
    if (i % 40 === 0) words.push(`\n\n## Part ${i / 40 + 1} of answer ${n}\n\n`);
    words.push(i % 9 === 0 ? ` **w${n}x${i}**` : ` w${n}x${i}`);
  }
  words.push(`\n\nEnd of answer ${n}.`);
  return words.join('');
}

const question = (i: number) => `Bench question ${String(i + 1).padStart(2, '0')}`;

export async function concurrentBench(o: {
  browser: Browser;
  fake: FakeOllama;
  hearthArgs: (port: number, dataDir: string) => string[];
  hearthEnv: NodeJS.ProcessEnv;
  answers?: number;
  tokensPerAnswer?: number;
  tokenDelayMs?: number;
  model?: string;
}): Promise<ConcurrentBench> {
  const answers = o.answers ?? 20;
  const tokens = o.tokensPerAnswer ?? 1500;
  const tokenDelayMs = o.tokenDelayMs ?? 5;
  const model = o.model ?? 'llama3.2:1b';
  const dataDir = makeTempDir('concurrent');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let sp: Spawned | null = spawnNode(o.hearthArgs(port, dataDir), { env: o.hearthEnv, cwd: dataDir });
  const context = await o.browser.newContext({ viewport: { width: 1280, height: 800 } });
  let events: HearthEvents | null = null;
  const saved = { reply: o.fake.behavior.reply, delay: o.fake.behavior.tokenDelayMs };
  try {
    await waitHealthy(`${base}/healthz`, sp);
    o.fake.behavior.tokenDelayMs = 0;
    o.fake.behavior.reply = (body: ChatRequestBody) => {
      const q = [...(body.messages ?? [])].reverse().find((m) => m.role === 'user')?.content ?? '';
      return concurrentAnswer(q, q.startsWith('Bench question') ? tokens : 20);
    };
    // The chats exist (short first answers) before the tabs open, so each tab can open one.
    const chatIds: string[] = [];
    for (let i = 0; i < answers; i++) {
      const sent = await call<{ chat?: { id: string }; assistantMessage: { id: string; chatId: string } }>(
        base,
        'messages.send',
        { model: `ollama/${model}`, content: `Warm-up ${i + 1}` },
      );
      chatIds.push(sent.assistantMessage.chatId);
    }
    events = await HearthEvents.connect(`ws://127.0.0.1:${port}`);
    const tabs: Page[] = [];
    for (let t = 0; t < 2; t++) {
      const page = await context.newPage();
      await page.goto(`${base}/`);
      await page.getByRole('textbox', { name: 'Message' }).waitFor();
      tabs.push(page);
    }
    // Let the warm-up answers (and their titles) settle.
    await new Promise((r) => setTimeout(r, 1000));
    // Each tab opens one of the chats: the first and the last (titles are "Warm-up N").
    const shown = [0, answers - 1];
    for (let t = 0; t < 2; t++) {
      await tabs[t]!.getByRole('button', { name: `Warm-up ${shown[t]! + 1}`, exact: true }).click();
      await tabs[t]!.getByText(`Warm-up ${shown[t]! + 1}`, { exact: true })
        .last()
        .waitFor();
    }

    o.fake.behavior.tokenDelayMs = tokenDelayMs;
    const rssBefore = rssBytes(sp.child.pid);
    let rssMax = rssBefore;
    const listMs: number[] = [];
    let streaming = true;
    const sampler = (async () => {
      while (streaming) {
        const t = performance.now();
        await call(base, 'chats.list', { limit: 50 });
        listMs.push(performance.now() - t);
        rssMax = Math.max(rssMax, rssBytes(sp!.child.pid));
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const t0 = performance.now();
    const ids = await Promise.all(
      chatIds.map(async (chatId, i) => {
        const sent = await call<{ assistantMessage: { id: string } }>(base, 'messages.send', {
          chatId,
          model: `ollama/${model}`,
          content: question(i),
        });
        return sent.assistantMessage.id;
      }),
    );
    const dones = await Promise.all(ids.map((id) => events!.waitDone(id, 300_000)));
    const wallMs = performance.now() - t0;
    streaming = false;
    await sampler;

    const wrong: string[] = [];
    for (let i = 0; i < answers; i++) {
      const chat = await call<{ messages: { id: string; content: string; status: string }[] }>(base, 'chats.get', {
        id: chatIds[i],
      });
      const m = chat.messages.find((x) => x.id === ids[i]);
      const expected = concurrentAnswer(question(i), tokens);
      if (dones[i]!.done.status !== 'done' || !m || m.status !== 'done' || m.content !== expected) {
        wrong.push(`${question(i)}: ${m ? `${m.status}, ${m.content.length} of ${expected.length} chars` : 'missing'}`);
      }
    }
    let tabsShowEnd = true;
    for (let t = 0; t < 2; t++) {
      const end = `End of answer ${String(shown[t]! + 1).padStart(2, '0')}.`;
      try {
        await tabs[t]!.getByText(end).waitFor({ timeout: 10_000 });
      } catch {
        tabsShowEnd = false;
      }
    }
    return {
      answers,
      tokensPerAnswer: tokens,
      tokenDelayMs,
      allCorrect: wrong.length === 0,
      wrong,
      tabsShowEnd,
      wallMs,
      chatsList: summarize(listMs),
      rssBeforeBytes: rssBefore,
      rssMaxBytes: rssMax,
    };
  } finally {
    o.fake.behavior.reply = saved.reply;
    o.fake.behavior.tokenDelayMs = saved.delay;
    await events?.close();
    await context.close();
    if (sp) await stop(sp);
    sp = null;
    removeTempDir(dataDir);
  }
}
