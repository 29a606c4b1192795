/**
 * Renderer memory after many long answers: the JS heap (CDP Runtime.getHeapUsage after
 * HeapProfiler.collectGarbage) once the first answer is done and rendered vs once the N-th is, in
 * one chat of the real UI; each sample also reports how much of the heap is compiled code.
 * Flat memory means finished answers keep no per-delta closures or parsed trees
 * beyond the rows on screen.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { FakeOllama } from '../../e2e/support/fake-ollama';
import { freePort, makeTempDir, spawnNode, stop, waitHealthy, type Spawned } from './procs';
import { markdownAnswer } from './render-stream';

export interface MemorySample {
  answer: number;
  /** Runtime.getHeapUsage after HeapProfiler.collectGarbage ×2. */
  usedBytes: number;
  /** From a heap snapshot: the V8 heap's objects, and of those the compiled code. */
  jsBytes: number;
  codeBytes: number;
}

export interface MemoryBench {
  answers: number;
  tokensPerAnswer: number;
  afterFirstBytes: number;
  afterLastBytes: number;
  /** The first and last samples, with the snapshot figures (jsBytes: V8 heap after a full GC; codeBytes: its compiled code). */
  first: MemorySample;
  last: MemorySample;
  /** Heap after each answer (bytes), sampled every `sampleEvery` answers. */
  samples: MemorySample[];
  /** Content bytes the store must hold anyway (all answers' text, UTF-16). */
  textBytes: number;
}

/**
 * From a heap snapshot (taken after a full collection, so no floating garbage): the V8 heap's
 * objects (every node but Blink's native ones) and, of those, compiled code (bytecode, JIT code,
 * feedback), which grows while V8 warms up rather than per answer.
 */
export function snapshotBytes(snapshotJson: string): { jsBytes: number; codeBytes: number } {
  const snap = JSON.parse(snapshotJson) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
    nodes: number[];
  };
  const { node_fields: fields, node_types: types } = snap.snapshot.meta;
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const sizeAt = fields.indexOf('self_size');
  const code = types[0].indexOf('code');
  const native = types[0].indexOf('native');
  const synthetic = types[0].indexOf('synthetic');
  let jsBytes = 0;
  let codeBytes = 0;
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = snap.nodes[i + typeAt];
    const size = snap.nodes[i + sizeAt]!;
    if (type === native || type === synthetic) continue;
    jsBytes += size;
    if (type === code) codeBytes += size;
  }
  return { jsBytes, codeBytes };
}

/**
 * A heap snapshot of the page: its compiled-code bytes (code that V8 compiles as the app warms up,
 * which is not data kept per answer), and the snapshot itself written to BENCH_HEAP_SNAPSHOTS/<name>.
 */
async function snapshot(page: Page, name: string): Promise<{ jsBytes: number; codeBytes: number }> {
  const cdp = await page.context().newCDPSession(page);
  const chunks: string[] = [];
  cdp.on('HeapProfiler.addHeapSnapshotChunk', (c) => chunks.push(c.chunk));
  try {
    await cdp.send('HeapProfiler.enable');
    await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    const json = chunks.join('');
    const dir = process.env.BENCH_HEAP_SNAPSHOTS;
    if (dir) writeFileSync(join(dir, `${name}.heapsnapshot`), json);
    return snapshotBytes(json);
  } finally {
    await cdp.detach();
  }
}

async function heap(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  try {
    // Twice: the first pass may only free what finalisers then release.
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    return usedSize;
  } finally {
    await cdp.detach();
  }
}

/** Let rendering settle (pending transitions, effects, two frames, an idle period) before a sample. */
async function settle(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((resolve) =>
        requestAnimationFrame(() =>
          requestAnimationFrame(() => requestIdleCallback(() => resolve(), { timeout: 500 })),
        ),
      ),
  );
}

/**
 * In the page: `__ask(question, marker)` types the question, sends it with Enter and resolves once
 * the last answer is done, rendered as markdown (not the plain text shown while the markdown chunk
 * loads) and contains `marker`, and Send is offered again. An unpaced answer can be done before the
 * reply to its own send has arrived, and the composer takes no new message until then: while the
 * question is still in the box, Enter is pressed again every 100 ms. A string, so that tsx adds no helpers.
 */
const DRIVER = `
window.__ask = (question, marker) => new Promise((resolve, reject) => {
  const box = document.querySelector('textarea[aria-label="Message"]');
  if (!box) return reject(new Error('no message box'));
  Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set.call(box, question);
  box.dispatchEvent(new Event('input', { bubbles: true }));
  const enter = () => box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', bubbles: true }));
  enter();
  const retry = setInterval(() => { if (box.value === question) enter(); else clearInterval(retry); }, 100);
  const done = () => {
    const list = document.querySelector('[role="log"]');
    const last = list && Array.from(list.querySelectorAll('article')).pop();
    return !!last && last.getAttribute('data-status') === 'done' && !!last.querySelector('.markdown') &&
      (last.textContent || '').includes(marker) &&
      Array.from(document.querySelectorAll('button')).some((b) => b.textContent === 'Send');
  };
  const timer = setTimeout(() => {
    seen.disconnect();
    clearInterval(retry);
    const list = document.querySelector('[role="log"]');
    const last = list && Array.from(list.querySelectorAll('article')).pop();
    const state = last ? last.getAttribute('data-status') + ': …' + (last.textContent || '').slice(-120) : 'no answer';
    reject(new Error('no answer ending in ' + marker + ' within 30 s (last answer ' + state + ')'));
  }, 30000);
  const seen = new MutationObserver(() => {
    if (!done()) return;
    seen.disconnect();
    clearTimeout(timer);
    clearInterval(retry);
    resolve();
  });
  seen.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
});
`;

export async function memoryBench(o: {
  browser: Browser;
  fake: FakeOllama;
  hearthArgs: (port: number, dataDir: string) => string[];
  hearthEnv: NodeJS.ProcessEnv;
  answers: number;
  tokensPerAnswer: number;
  sampleEvery: number;
  onProgress?: (n: number) => void;
}): Promise<MemoryBench> {
  const { text } = markdownAnswer(o.tokensPerAnswer);
  o.fake.behavior.tokenDelayMs = 0;
  o.fake.behavior.reply = (body) => {
    const turns = (body.messages ?? []).filter((m) => m.role === 'user').length;
    return `${text}\n\nEnd of answer ${turns}.`;
  };
  const dataDir = makeTempDir('memory');
  const port = await freePort();
  let sp: Spawned | null = spawnNode(o.hearthArgs(port, dataDir), { env: o.hearthEnv, cwd: dataDir });
  const context = await o.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const samples: MemoryBench['samples'] = [];
  try {
    await waitHealthy(`http://127.0.0.1:${port}/healthz`, sp);
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.waitFor();
    await page.waitForFunction(() => {
      const opt = document.querySelector('select option');
      return !!opt && !/Loading|No models/.test(opt.textContent ?? '');
    });
    // The bench drives the page with one script installed once: Playwright's own locator and
    // polling code runs in the same V8 heap, and its compiled code would be counted as the app's.
    await page.evaluate(DRIVER);
    for (let n = 1; n <= o.answers; n++) {
      await page.evaluate(`window.__ask(${JSON.stringify(`Question ${n}`)}, ${JSON.stringify(`End of answer ${n}.`)})`);
      if (n === 1 || n === o.answers || n % o.sampleEvery === 0) {
        await settle(page);
        const usedBytes = await heap(page);
        samples.push({ answer: n, usedBytes, ...(await snapshot(page, `answer-${n}`)) });
      }
      o.onProgress?.(n);
    }
  } finally {
    await context.close();
    if (sp) await stop(sp);
    sp = null;
  }
  return {
    answers: o.answers,
    tokensPerAnswer: o.tokensPerAnswer,
    afterFirstBytes: samples[0]!.usedBytes,
    afterLastBytes: samples.at(-1)!.usedBytes,
    first: samples[0]!,
    last: samples.at(-1)!,
    samples,
    textBytes: o.answers * text.length * 2,
  };
}
