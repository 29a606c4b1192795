/**
 * Renderer memory after many long answers: the JS heap (CDP Runtime.getHeapUsage after
 * HeapProfiler.collectGarbage) once the first answer is done vs once the N-th is, in one chat of
 * the real UI. Flat memory means finished answers keep no per-delta closures or parsed trees
 * beyond the rows on screen.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { FakeOllama } from '../../e2e/servers/fake-ollama';
import { freePort, makeTempDir, spawnNode, stop, waitHealthy, type Spawned } from './procs';
import { markdownAnswer } from './render-stream';

export interface MemoryBench {
  answers: number;
  tokensPerAnswer: number;
  afterFirstBytes: number;
  afterLastBytes: number;
  /** Heap after each answer (bytes), sampled every `sampleEvery` answers. */
  samples: { answer: number; usedBytes: number }[];
  /** Content bytes the store must hold anyway (all answers' text, UTF-16). */
  textBytes: number;
}

/** A heap snapshot of the page (after the GC `heap` forces), written to `file` (BENCH_HEAP_SNAPSHOTS). */
async function snapshot(page: Page, file: string): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  const chunks: string[] = [];
  cdp.on('HeapProfiler.addHeapSnapshotChunk', (c) => chunks.push(c.chunk));
  try {
    await cdp.send('HeapProfiler.enable');
    await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    writeFileSync(file, chunks.join(''));
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
    for (let n = 1; n <= o.answers; n++) {
      await box.fill(`Question ${n}`);
      await box.press('Enter');
      await page.waitForFunction(
        (marker) => {
          const list = document.querySelector('[role="log"]');
          const last = Array.from(list?.querySelectorAll('article') ?? []).pop();
          return !!last && last.getAttribute('data-status') === 'done' && (last.textContent ?? '').includes(marker);
        },
        `End of answer ${n}.`,
        { timeout: 30_000, polling: 50 },
      );
      // Let the composer settle (Send enabled again) before the next question.
      await page.getByRole('button', { name: 'Send' }).waitFor();
      if (n === 1 || n === o.answers || n % o.sampleEvery === 0) {
        samples.push({ answer: n, usedBytes: await heap(page) });
        const dir = process.env.BENCH_HEAP_SNAPSHOTS;
        if (dir) await snapshot(page, join(dir, `answer-${n}.heapsnapshot`));
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
    samples,
    textBytes: o.answers * text.length * 2,
  };
}
