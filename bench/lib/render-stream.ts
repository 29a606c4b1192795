/**
 * Streaming render cost: a long markdown answer (headings, lists, tables, code fences) streamed
 * through the real UI in Chromium, next to a naive baseline page that re-renders the whole text
 * with react-markdown per delta. Measures long tasks (PerformanceObserver 'longtask', > 50 ms),
 * main-thread time (CDP Performance.getMetrics TaskDuration / ScriptDuration, after − before) and
 * the time until the final text is on screen. Loopback only.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chunkText, type FakeOllama } from '../../e2e/support/fake-ollama';
import { freePort, makeTempDir, spawnNode, stop, waitHealthy, type Spawned } from './procs';
import { breakdown, TRACE_CATEGORIES, type Breakdown, type TraceEvent } from './trace-breakdown';

const ROOT = resolve(__dirname, '..', '..');

export interface RenderRun {
  tokens: number;
  /** send (or feed start) → the answer's last words are in the DOM. */
  finalTextMs: number;
  longTasks: { count: number; totalMs: number; maxMs: number };
  /** CDP Performance.getMetrics deltas over the run, in ms. */
  taskDurationMs: number;
  scriptDurationMs: number;
  /** Style recalculation and layout time (CDP RecalcStyleDuration, LayoutDuration), in ms. */
  styleLayoutMs: number;
  /** With BENCH_TRACE=1: main-thread self time by kind from a devtools.timeline trace. */
  trace?: Breakdown;
  /** The backend's last byte (Hearth: the test Ollama's final line; baseline: the last chunk fed) → the last words in the DOM. */
  afterLastByteMs: number;
  /** Main-thread busy share of the wall time from send to the last words on screen (TaskDuration / finalTextMs). */
  busyShare: number;
  /**
   * The longest main-thread task from send until the answer is final: the last words on screen,
   * the `done` render (highlighting, KaTeX) and a quiet second after it (Hearth: once the answer's
   * article says data-status="done").
   */
  longestUntilFinalMs: number;
  /** JS heap (CDP Runtime.getHeapUsage) after the answer is final and garbage is collected. */
  heapAfterBytes: number;
}

export const END_MARKER = 'Thatisalltheanswerhas';

/** A markdown answer of exactly `tokens` chunks (as the fake Ollama splits text), ending in END_MARKER. */
export function markdownAnswer(tokens: number): { text: string; chunks: string[] } {
  const parts: string[] = [];
  for (let s = 1; parts.join('').length < tokens * 8; s++) {
    parts.push(
      `## Section ${s}: streaming markdown\n\n`,
      `This paragraph explains part ${s} with **bold words**, *emphasis*, \`inline code\` and a link to https://example.com/docs/${s} for details. It goes on for a while so that the paragraph wraps over several lines in the window.\n\n`,
      `- First point of section ${s}\n- Second point, with \`code\`\n- Third point\n  - nested item\n\n`,
      `| Name | Value | Notes |\n|------|------:|-------|\n| alpha | ${s} | first |\n| beta | ${s * 2} | second |\n| gamma | ${s * 3} | third |\n\n`,
      '```ts\n' +
        `export function section${s}(input: number[]): number {\n  let total = 0;\n  for (const n of input) total += n * ${s};\n  return total;\n}\n` +
        '```\n\n',
    );
  }
  const all = chunkText(parts.join(''));
  const chunks = all.slice(0, Math.max(1, tokens - 1));
  chunks.push(`\n\n${END_MARKER}.`);
  return { text: chunks.join(''), chunks };
}

function installLongTaskObserver(): void {
  const w = window as unknown as { __longTasks: number[] };
  w.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.__longTasks.push(e.duration);
  }).observe({ type: 'longtask', buffered: true });
}

/**
 * In the page: `window.__end` resolves once a changed node's text contains `marker`. (No named
 * inner functions: tsx would wrap them in a helper the page does not have.)
 */
function watchForEnd(marker: string): void {
  const w = window as unknown as { __end: Promise<void> };
  w.__end = new Promise<void>((resolve) => {
    const seen = new MutationObserver((records) => {
      for (const r of records) {
        const nodes = r.type === 'characterData' ? [r.target] : Array.from(r.addedNodes);
        if (nodes.some((n) => (n.textContent ?? '').includes(marker))) {
          (window as unknown as { __endAt: number }).__endAt = performance.timeOrigin + performance.now();
          seen.disconnect();
          resolve();
          return;
        }
      }
    });
    seen.observe(document.body, { childList: true, characterData: true, subtree: true });
  });
}

async function metrics(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const read = async () => {
    const { metrics: m } = await cdp.send('Performance.getMetrics');
    const get = (name: string) => (m.find((x) => x.name === name)?.value ?? 0) * 1000;
    return {
      task: get('TaskDuration'),
      script: get('ScriptDuration'),
      styleLayout: get('RecalcStyleDuration') + get('LayoutDuration'),
      all: Object.fromEntries(m.map((x) => [x.name, x.value])),
    };
  };
  return { read, detach: () => cdp.detach() };
}

/** Record a devtools.timeline trace of the page until the returned function is called. */
async function startTrace(page: Page): Promise<() => Promise<Breakdown>> {
  const cdp = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (d) => events.push(...(d.value as unknown as TraceEvent[])));
  await cdp.send('Tracing.start', { categories: TRACE_CATEGORIES, transferMode: 'ReportEvents' });
  return async () => {
    const done = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
    await cdp.send('Tracing.end');
    await done;
    await cdp.detach();
    if (process.env.BENCH_TRACE_FILE) writeFileSync(process.env.BENCH_TRACE_FILE, JSON.stringify(events));
    return breakdown(events);
  };
}

interface MeasureHooks {
  /** When the backend sent its last byte (epoch ms, performance.timeOrigin-based). */
  lastByteAt: () => Promise<number | null>;
  /** Resolves once the answer is final on screen (after the end marker). */
  final: () => Promise<void>;
}

/** A quiet second on the page after the answer is final: what `done` schedules (idle slices) runs inside it. */
const SETTLE_MS = 1000;

async function measure(
  page: Page,
  start: () => Promise<void>,
  tokens: number,
  timeoutMs: number,
  hooks: MeasureHooks,
): Promise<RenderRun> {
  await page.evaluate(() => ((window as unknown as { __longTasks: number[] }).__longTasks = []));
  const stopTrace = process.env.BENCH_TRACE ? await startTrace(page) : null;
  // With BENCH_CPUPROFILE=<file>: a V8 CPU profile of the page over the run (open it in DevTools).
  const prof = process.env.BENCH_CPUPROFILE ? await page.context().newCDPSession(page) : null;
  if (prof) {
    await prof.send('Profiler.enable');
    await prof.send('Profiler.setSamplingInterval', { interval: 200 });
    await prof.send('Profiler.start');
  }
  // The end is seen by a MutationObserver looking only at what changed, not by polling the whole
  // transcript's text from the bench (which cost both sides a growing amount of main-thread time).
  await page.evaluate(watchForEnd, END_MARKER);
  const m = await metrics(page);
  const before = await m.read();
  const t0 = performance.now();
  await start();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    page.evaluate(() => (window as unknown as { __end: Promise<void> }).__end),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the final text did not appear within ${timeoutMs} ms`)), timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
  const finalTextMs = performance.now() - t0;
  const after = await m.read();
  if (process.env.BENCH_DEBUG)
    console.log(Object.fromEntries(Object.keys(after.all).map((k) => [k, (after.all[k] ?? 0) - (before.all[k] ?? 0)])));
  await m.detach();
  const lt = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks.slice());
  const endAt = await page.evaluate(() => (window as unknown as { __endAt: number }).__endAt);
  const lastByteAt = await hooks.lastByteAt();
  await hooks.final();
  await page.evaluate(`new Promise((resolve) => setTimeout(resolve, ${SETTLE_MS}))`);
  const ltFinal = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks.slice());
  const heap = await page.context().newCDPSession(page);
  await heap.send('HeapProfiler.collectGarbage');
  await heap.send('HeapProfiler.collectGarbage');
  const { usedSize } = await heap.send('Runtime.getHeapUsage');
  await heap.detach();
  const trace = stopTrace ? await stopTrace() : undefined;
  if (prof) {
    const { profile } = await prof.send('Profiler.stop');
    writeFileSync(process.env.BENCH_CPUPROFILE!, JSON.stringify(profile));
    await prof.detach();
  }
  return {
    ...(trace ? { trace } : {}),
    tokens,
    finalTextMs,
    longTasks: { count: lt.length, totalMs: lt.reduce((a, b) => a + b, 0), maxMs: lt.length ? Math.max(...lt) : 0 },
    taskDurationMs: after.task - before.task,
    scriptDurationMs: after.script - before.script,
    styleLayoutMs: after.styleLayout - before.styleLayout,
    afterLastByteMs: lastByteAt === null ? Number.NaN : endAt - lastByteAt,
    busyShare: (after.task - before.task) / finalTextMs,
    longestUntilFinalMs: ltFinal.length ? Math.max(...ltFinal) : 0,
    heapAfterBytes: usedSize,
  };
}

/**
 * BENCH_WS_LOG=1: every event-socket message the page receives (when, how long, which event),
 * printed after the run against the backend's last byte, to see where the time after it goes.
 */
const WS_LOG_SCRIPT = `(() => {
  const log = (window.__wsLog = []);
  const Orig = window.WebSocket;
  window.WebSocket = class extends Orig {
    constructor(...a) {
      super(...a);
      this.addEventListener('message', (e) => {
        const t = performance.timeOrigin + performance.now();
        const m = /"event":"([^"]+)"/.exec(String(e.data).slice(0, 40));
        log.push([t, String(e.data).length, m ? m[1] : '?']);
      });
    }
  };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) log.push([performance.timeOrigin + e.startTime, Math.round(e.duration), 'message.longtask']);
  }).observe({ type: 'longtask', buffered: true });
})();`;

async function printWsLog(page: Page, lastByteAt: number | null): Promise<void> {
  const log = (await page.evaluate('window.__wsLog')) as [number, number, string][];
  const endAt = (await page.evaluate('window.__endAt')) as number;
  const t0 = lastByteAt ?? 0;
  const rows = log.filter(([, , e]) => e.startsWith('message.')).sort((a, b) => a[0] - b[0]);
  process.stderr.write(
    rows.map(([t, n, e]) => `${(t - t0).toFixed(1).padStart(8)} ms  ${e} ${n} B`).join('\n') +
      `\n${(endAt - t0).toFixed(1).padStart(8)} ms  end on screen\n`,
  );
}

/** Bundle the baseline page with esbuild into a temp folder; returns the folder. */
export async function buildBaseline(): Promise<string> {
  const { build } = await import('esbuild');
  const dir = makeTempDir('baseline-md');
  mkdirSync(dir, { recursive: true });
  await build({
    entryPoints: [join(ROOT, 'bench', 'baseline-markdown', 'main.tsx')],
    bundle: true,
    minify: true,
    format: 'esm',
    jsx: 'automatic',
    target: 'chrome120',
    outfile: join(dir, 'main.js'),
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><html><head><meta charset="utf-8"><title>baseline</title></head>' +
      '<body><div id="root"></div><script type="module" src="/main.js"></script></body></html>',
  );
  return dir;
}

export interface StreamBench {
  hearth: RenderRun;
  baseline: RenderRun;
}

/**
 * One Hearth run and one baseline run of the same answer. `tokenDelayMs` paces the fake Ollama;
 * the baseline is fed the same chunks at the same interval (perTick chunks each time).
 */
export async function streamBench(o: {
  /** Skip the baseline (for quick runs). */
  hearthOnly?: boolean;
  browser: Browser;
  fake: FakeOllama;
  hearthArgs: (port: number, dataDir: string) => string[];
  hearthEnv: NodeJS.ProcessEnv;
  staticServer: string;
  baselineDir: string;
  tokens: number;
  tokenDelayMs: number;
  /** Baseline feed: chunks per timer tick and the tick interval. */
  baselinePerTick: number;
  baselineIntervalMs: number;
  model: string;
  timeoutMs: number;
}): Promise<StreamBench> {
  const { text, chunks } = markdownAnswer(o.tokens);
  let hearth: RenderRun;
  let baseline: RenderRun;

  // Hearth: the real UI through serve, answer streamed by the fake Ollama.
  const dataDir = makeTempDir('render');
  const port = await freePort();
  let sp: Spawned | null = spawnNode(o.hearthArgs(port, dataDir), { env: o.hearthEnv, cwd: dataDir });
  // BENCH_EXTRA_CSS: CSS added to Hearth's page, to try a style change without a build.
  const extraCss = process.env.BENCH_EXTRA_CSS;
  const context = await o.browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: !!extraCss });
  try {
    await waitHealthy(`http://127.0.0.1:${port}/healthz`, sp);
    const page = await context.newPage();
    await page.addInitScript(installLongTaskObserver);
    if (process.env.BENCH_WS_LOG) await page.addInitScript(WS_LOG_SCRIPT);
    await page.goto(`http://127.0.0.1:${port}/`);
    if (extraCss) await page.addStyleTag({ content: extraCss });
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.waitFor();
    await page.waitForFunction(() => {
      const o = document.querySelector('select option');
      return !!o && !/Loading|No models/.test(o.textContent ?? '');
    });
    // Warm the markdown chunk so the measured run does not include loading it.
    o.fake.behavior.tokenDelayMs = 0;
    o.fake.behavior.reply = () => `# Warm-up\n\n- a\n- b\n\n\`\`\`ts\nconst a = 1;\n\`\`\`\n\n${END_MARKER}`;
    await box.fill('warm up');
    await box.press('Enter');
    await page.waitForFunction(
      (m) => (document.querySelector('[role="log"]')?.textContent ?? '').includes(m),
      END_MARKER,
    );
    await page.waitForSelector('article[data-status="done"]:not([aria-label="You"])');
    await page.getByRole('button', { name: 'New chat' }).click();
    await page.waitForFunction(
      (m) => !(document.querySelector('[role="log"]')?.textContent ?? '').includes(m),
      END_MARKER,
    );

    o.fake.behavior.tokenDelayMs = o.tokenDelayMs;
    o.fake.behavior.reply = () => text;
    await box.fill('write the long answer');
    o.fake.lastChatEndAt = null;
    hearth = await measure(page, () => box.press('Enter'), o.tokens, o.timeoutMs, {
      lastByteAt: async () => o.fake.lastChatEndAt,
      final: async () => {
        await page.waitForSelector('article[data-status="done"]:not([aria-label="You"])', { timeout: o.timeoutMs });
      },
    });
    if (process.env.BENCH_WS_LOG) await printWsLog(page, o.fake.lastChatEndAt);
  } finally {
    await context.close();
    if (sp) await stop(sp);
    sp = null;
  }

  if (o.hearthOnly) return { hearth, baseline: hearth };
  // Baseline: the naive page on a plain static server, fed the same chunks in-page.
  const bport = await freePort();
  const bs = spawnNode([o.staticServer, o.baselineDir, String(bport)], { env: o.hearthEnv, cwd: o.baselineDir });
  const bcontext = await o.browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    await waitHealthy(`http://127.0.0.1:${bport}/healthz`, bs);
    const page = await bcontext.newPage();
    await page.addInitScript(installLongTaskObserver);
    await page.goto(`http://127.0.0.1:${bport}/`);
    await page.waitForFunction(() => typeof (window as unknown as { __feed?: unknown }).__feed === 'function');
    baseline = await measure(
      page,
      () =>
        page.evaluate(
          ([c, ms, per]) =>
            (window as unknown as { __feed: (c: string[], ms: number, per: number) => void }).__feed(c, ms, per),
          [chunks, o.baselineIntervalMs, o.baselinePerTick] as [string[], number, number],
        ),
      o.tokens,
      o.timeoutMs,
      {
        lastByteAt: () =>
          page.evaluate(() => (window as unknown as { __lastFedAt: number | null }).__lastFedAt ?? null),
        final: async () => undefined,
      },
    );
  } finally {
    await bcontext.close();
    await stop(bs);
  }
  return { hearth, baseline };
}
