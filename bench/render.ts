/**
 * Only the renderer parts of `npm run bench` (streaming render at 100 tok/s against the naive
 * baseline, renderer heap over many answers), for working on them: `npm run build` first, then
 * `npx tsx bench/render.ts`. Env: RENDER_PARTS=stream,memory,concurrent (default stream,memory; concurrent = 20 answers at once in two tabs, RENDER_CONCURRENT answers), RENDER_TOKENS (3000), RENDER_DELAY_MS (10; 0 = unpaced),
 * RENDER_ANSWERS (50), RENDER_MEMORY_TOKENS (1000 per answer), RENDER_HEARTH_ONLY=1 (skip the baseline), RENDER_OUT (a copy of out/ to run), BENCH_EXTRA_CSS (CSS added to Hearth's page in the stream part), BENCH_TRACE=1 (main-thread time
 * by kind from a devtools.timeline trace). Prints JSON.
 */
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { startFakeOllama } from '../e2e/support/fake-ollama';
import { cleanup, removeTempDir } from './lib/procs';
import { buildBaseline, streamBench } from './lib/render-stream';
import { memoryBench } from './lib/render-memory';
import { concurrentBench } from './lib/concurrent-bench';

const ROOT = resolve(__dirname, '..');
/** RENDER_OUT: a copy of out/ (main/ and renderer/) to run, safe from other builds of out/ meanwhile. */
const OUT = process.env.RENDER_OUT ? resolve(process.env.RENDER_OUT) : join(ROOT, 'out');
const CLI = join(OUT, 'main', 'cli.js');

async function main(): Promise<void> {
  const parts = (process.env.RENDER_PARTS ?? 'stream,memory').split(',');
  const tokens = Number(process.env.RENDER_TOKENS ?? 3000);
  const answers = Number(process.env.RENDER_ANSWERS ?? 50);
  const delayMs = Number(process.env.RENDER_DELAY_MS ?? 10);
  const env: NodeJS.ProcessEnv = { NODE_ENV: 'production', PATH: process.env.PATH, HOME: process.env.HOME };
  if (process.env.RENDER_SERVE_NODE_OPTIONS) env.NODE_OPTIONS = process.env.RENDER_SERVE_NODE_OPTIONS;
  const hearthArgs = (port: number, dataDir: string) => [CLI, 'serve', '--port', String(port), '--data-dir', dataDir];
  const fake = await startFakeOllama();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  const baselineDir = await buildBaseline();
  const out: Record<string, unknown> = {};
  try {
    if (parts.includes('stream')) {
      const r = await streamBench({
        hearthOnly: !!process.env.RENDER_HEARTH_ONLY,
        browser,
        fake,
        hearthArgs,
        hearthEnv: { ...env, OLLAMA_BASE_URL: fake.url },
        staticServer: join(ROOT, 'bench', 'static-server.mjs'),
        baselineDir,
        model: 'llama3.2:1b',
        tokens,
        tokenDelayMs: delayMs,
        // Unpaced, the baseline is fed 1,000 chunks per timer tick, as in `npm run bench`.
        baselinePerTick: delayMs > 0 ? 1 : 1000,
        baselineIntervalMs: delayMs,
        timeoutMs: Math.max(150_000, tokens * delayMs * 2 + 60_000),
      });
      out.stream = { ...r, ratio: r.baseline.taskDurationMs / r.hearth.taskDurationMs };
    }
    if (parts.includes('concurrent')) {
      out.concurrent = await concurrentBench({
        browser,
        fake,
        hearthArgs,
        hearthEnv: { ...env, OLLAMA_BASE_URL: fake.url },
        answers: Number(process.env.RENDER_CONCURRENT ?? 20),
      });
    }
    if (parts.includes('memory')) {
      const m = await memoryBench({
        browser,
        fake,
        hearthArgs,
        hearthEnv: { ...env, OLLAMA_BASE_URL: fake.url },
        answers,
        tokensPerAnswer: Number(process.env.RENDER_MEMORY_TOKENS ?? 1000),
        sampleEvery: 10,
        onProgress: (n) => n % 10 === 0 && process.stderr.write(`memory ${n}/${answers}\n`),
      });
      out.memory = { ...m, growth: m.afterLastBytes / m.afterFirstBytes - 1 };
    }
  } finally {
    await browser.close();
    await fake.close();
    removeTempDir(baselineDir);
    await cleanup();
  }
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
