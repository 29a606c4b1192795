/**
 * The image gallery at scale, and memory while generating:
 *  1. A data folder with 5,000 gallery images (real 512×512 PNGs; thumbnails made the way the app
 *     makes them, once). `hearth serve` on it, the Images page opened in Chromium: time from the
 *     click to the first thumbnails on screen, then a scroll from top to bottom (one step per frame,
 *     about 2 screens a second) — the page's long tasks and frame gaps throughout.
 *     Baseline, same run, same thumbnails: a static page that lays all 5,000 out as
 *     <img loading="lazy"> in a CSS grid, the browser's own way to show many images.
 *  2. 50 images generated in a row (test AUTOMATIC1111, 512×512) with the Images page open: the
 *     page's JS heap (after GC) and the server's RSS after the 10th and the 50th.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { createAppServices } from '../../electron/services/app-services';
import { silentLogger } from '../../electron/services/util/logger';
import { uuidv7 } from '../../shared/uuidv7';
import { startFakeA1111 } from '../../e2e/support/fake-a1111';
import { rssBytes } from './api';
import { freePort, makeTempDir, removeTempDir, spawnNode, stop, waitHealthy, type Spawned } from './procs';
import { mb } from './table';

export interface ScrollFigures {
  /** Click (or navigation) → the first thumbnails painted. */
  firstPaintMs: number;
  longTasks: number;
  longestTaskMs: number;
  /** Frame-to-frame gaps while scrolling. */
  frameP95Ms: number;
  framesOver50Ms: number;
  scrollSeconds: number;
  /** How far the scroll went (the two layouts differ: Hearth's gallery shares the page with the form). */
  scrollHeightPx: number;
  /** Images with their thumbnail on screen at the end. */
  shownAtEnd: number;
}

export interface GallerySample {
  n: number;
  pageHeap: number;
  serverRss: number;
}

export interface GalleryBench {
  images: number;
  buildSeconds: number;
  thumbsPerSecond: number;
  hearth: ScrollFigures;
  baseline: ScrollFigures;
  generation: {
    images: number;
    warmup: number;
    /** After the warm-up and every 10 images: the page's heap after GC and the server's RSS. */
    samples: GallerySample[];
    pageHeapStart: number;
    pageHeapEnd: number;
    /** The new images' thumbnails as the page holds them (data URLs; the cache keeps 800 at most). */
    thumbBytes: number;
    serverRssStart: number;
    serverRssEnd: number;
    secondsPerImage: number;
  };
}

const IMAGES = Number(process.env.BENCH_GALLERY_IMAGES ?? 5000);
const GENERATE = Number(process.env.BENCH_GALLERY_GENERATE ?? 50);
const WARMUP = 20;
/** The warm-up runs scroll this many frames (code compiled, caches warm), not to the end. */
const WARMUP_FRAMES = 300;
/** Thumbnails made through the app (the rate measured); the others are copies of those. */
const THUMB_SAMPLE = 200;
export const GALLERY_TARGETS = { longTasks: 0, memoryGrowth: 0.1 };

/** 40 distinct real PNGs (512×512, a gradient each) copied under 5,000 ids. */
function samplePngs(): Buffer[] {
  const out: Buffer[] = [];
  for (let k = 0; k < 40; k++) {
    const png = new PNG({ width: 512, height: 512 });
    for (let y = 0; y < 512; y++)
      for (let x = 0; x < 512; x++) {
        const i = (y * 512 + x) * 4;
        png.data[i] = (x + k * 37) & 255;
        png.data[i + 1] = (y + k * 11) & 255;
        png.data[i + 2] = (k * 53) & 255;
        png.data[i + 3] = 255;
      }
    out.push(PNG.sync.write(png));
  }
  return out;
}

async function buildGallery(
  dataDir: string,
  log: (s: string) => void,
): Promise<{ ids: string[]; thumbsPerSecond: number }> {
  const services = createAppServices({
    host: 'cli',
    dataDir,
    secretsKey: randomBytes(32),
    log: silentLogger,
    env: {},
  });
  const ids: string[] = [];
  try {
    const pngs = samplePngs();
    const dir = join(dataDir, 'images');
    mkdirSync(dir, { recursive: true });
    const insert = services.db.prepare(
      `INSERT INTO images (id, prompt, negative_prompt, params, backend_kind, backend_label, model, seed, info, mime,
         size, width, height, path, created_at, version, device_id)
       VALUES (?, ?, '', ?, 'a1111', 'Bench SD', 'bench.safetensors', ?, NULL, 'image/png', ?, 512, 512, ?, ?, ?, 'bench')`,
    );
    const t0 = Date.now() - IMAGES * 60_000;
    services.db.transaction(() => {
      for (let n = 0; n < IMAGES; n++) {
        const id = uuidv7();
        ids.push(id);
        const bytes = pngs[n % pngs.length]!;
        const rel = `images/${id}.png`;
        writeFileSync(join(dataDir, rel), bytes);
        const prompt = `bench image ${n}: a ${['red', 'blue', 'green', 'grey'][n % 4]} landscape, detailed`;
        const params = JSON.stringify({ prompt, steps: 20, cfgScale: 7, width: 512, height: 512, seed: n });
        insert.run(
          id,
          prompt,
          params,
          n,
          bytes.length,
          rel,
          t0 + n * 60_000,
          `${String(t0 + n).padStart(13, '0')}-0000-bench`,
        );
      }
    })();
    // Thumbnails the way the app makes them (images.thumbs, once per image) for a sample; the rest
    // are the same 40 pictures, so their thumbnails are copies (the rate is what the sample shows).
    log(`gallery: ${ids.length} images stored; thumbnails for ${THUMB_SAMPLE} through the app`);
    const sample = ids.slice(0, THUMB_SAMPLE);
    const t = performance.now();
    for (let i = 0; i < sample.length; i += 50)
      await services.router.call('images.thumbs', { ids: sample.slice(i, i + 50) });
    const thumbsPerSecond = sample.length / ((performance.now() - t) / 1000);
    const thumbs = join(dir, 'thumbs');
    ids.forEach((id, n) => {
      if (n >= THUMB_SAMPLE) copyFileSync(join(thumbs, `${ids[n % pngs.length]!}.jpg`), join(thumbs, `${id}.jpg`));
    });
    return { ids, thumbsPerSecond };
  } finally {
    await services.close();
  }
}

/** Long tasks and frame gaps, recorded in the page from now on. */
const RECORDER = `(() => {
  const w = window;
  w.__tasks = [];
  w.__frames = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) w.__tasks.push(e.duration); }).observe({ type: 'longtask', buffered: true });
  let last = performance.now();
  const tick = (t) => { w.__frames.push(t - last); last = t; if (!w.__stopFrames) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
})()`;

/**
 * Scroll an element from top to bottom, one step per frame; the end is the bottom once it has stayed
 * the bottom for half a second (a gallery that loads more as the end nears grows meanwhile).
 */
const SCROLL = (selector: string, pxPerFrame: number, maxFrames = 1e9) => `new Promise((resolve) => {
  const el = document.querySelector(${JSON.stringify(selector)});
  const t0 = performance.now();
  let still = 0;
  let frames = 0;
  let height = el.scrollHeight;
  const step = () => {
    if (++frames > ${maxFrames}) { resolve((performance.now() - t0) / 1000); return; }
    const max = el.scrollHeight - el.clientHeight;
    el.scrollTop = Math.min(max, el.scrollTop + ${pxPerFrame});
    if (el.scrollHeight !== height) { height = el.scrollHeight; still = 0; }
    if (el.scrollTop >= max - 1) still += 1;
    if (still > 30) { resolve((performance.now() - t0) / 1000); return; }
    requestAnimationFrame(step);
  };
  requestAnimationFrame(step);
})`;

const FIGURES = `(() => {
  const w = window;
  w.__stopFrames = true;
  const f = w.__frames.slice(2).sort((a, b) => a - b);
  return {
    longTasks: w.__tasks.length,
    longestTaskMs: w.__tasks.length ? Math.max(...w.__tasks) : 0,
    frameP95Ms: f.length ? f[Math.min(f.length - 1, Math.floor(f.length * 0.95))] : 0,
    framesOver50Ms: f.filter((x) => x > 50).length,
  };
})()`;

/** Thumbnails on screen (loaded images inside the viewport). */
const SHOWN = `(() => [...document.images].filter((i) => {
  const r = i.getBoundingClientRect();
  return i.complete && i.naturalWidth > 0 && r.bottom > 0 && r.top < innerHeight && r.width > 0;
}).length)()`;

/**
 * Wait until an expression is true in the page. Page-side polling (waitForFunction) evaluates a
 * string with eval, which Hearth's CSP forbids; this asks from outside, every few milliseconds.
 */
async function until(page: Page, expression: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate(expression))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${expression.slice(0, 80)}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function measureHearth(page: Page, url: string, maxFrames?: number): Promise<ScrollFigures> {
  await page.goto(url);
  await page.getByRole('button', { name: 'Images', exact: true }).waitFor();
  await page.evaluate(RECORDER);
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Images', exact: true }).click();
  await until(page, `${SHOWN} >= 8`, 60_000);
  const firstPaintMs = Date.now() - t0;
  const scrollSeconds = (await page.evaluate(SCROLL('.gallery-scroll', 24, maxFrames))) as number;
  const scrollHeightPx = (await page.evaluate(`document.querySelector('.gallery-scroll').scrollHeight`)) as number;
  // Let the last rows' thumbnails arrive.
  await until(page, `${SHOWN} >= 4`, 30_000);
  const shownAtEnd = (await page.evaluate(SHOWN)) as number;
  const f = (await page.evaluate(FIGURES)) as Omit<
    ScrollFigures,
    'firstPaintMs' | 'scrollSeconds' | 'scrollHeightPx' | 'shownAtEnd'
  >;
  return { firstPaintMs, scrollSeconds, scrollHeightPx, shownAtEnd, ...f };
}

async function measureBaseline(page: Page, url: string, maxFrames?: number): Promise<ScrollFigures> {
  const t0 = Date.now();
  await page.goto(url);
  await page.evaluate(RECORDER);
  await until(page, `${SHOWN} >= 8`, 60_000);
  const firstPaintMs = Date.now() - t0;
  const scrollSeconds = (await page.evaluate(SCROLL('.scroll', 24, maxFrames))) as number;
  const scrollHeightPx = (await page.evaluate(`document.querySelector('.scroll').scrollHeight`)) as number;
  await until(page, `${SHOWN} >= 4`, 30_000);
  const shownAtEnd = (await page.evaluate(SHOWN)) as number;
  const f = (await page.evaluate(FIGURES)) as Omit<
    ScrollFigures,
    'firstPaintMs' | 'scrollSeconds' | 'scrollHeightPx' | 'shownAtEnd'
  >;
  return { firstPaintMs, scrollSeconds, scrollHeightPx, shownAtEnd, ...f };
}

function baselinePage(dataDir: string, ids: string[]): string {
  const root = join(dataDir, 'baseline');
  mkdirSync(join(root, 'thumbs'), { recursive: true });
  for (const id of ids) copyFileSync(join(dataDir, 'images', 'thumbs', `${id}.jpg`), join(root, 'thumbs', `${id}.jpg`));
  const cells = ids
    .slice()
    .reverse()
    .map((id) => `<img loading="lazy" width="152" height="152" alt="" src="thumbs/${id}.jpg">`)
    .join('\n');
  writeFileSync(
    join(root, 'index.html'),
    `<!doctype html><meta charset="utf-8"><title>Baseline gallery</title>
<style>html,body{margin:0;height:100%}.scroll{height:100vh;overflow:auto}
.grid{display:grid;grid-template-columns:repeat(auto-fill,152px);gap:8px;padding:12px}
img{width:152px;height:152px;object-fit:cover;background:#ddd}</style>
<div class="scroll"><div class="grid">${cells}</div></div>`,
  );
  return root;
}

async function heapAfterGc(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return usedSize;
}

export async function galleryBench(o: {
  browser: Browser;
  cli: string;
  staticServer: string;
  env: NodeJS.ProcessEnv;
  log: (s: string) => void;
}): Promise<GalleryBench> {
  const dataDir = makeTempDir('gallery');
  let hearth: Spawned | null = null;
  let server: Spawned | null = null;
  const sd = await startFakeA1111();
  sd.behavior.stepDelayMs = 2;
  const context = await o.browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const t0 = performance.now();
    o.log(`gallery: building ${IMAGES} images`);
    const { ids, thumbsPerSecond } = await buildGallery(dataDir, o.log);
    const buildSeconds = (performance.now() - t0) / 1000;

    const port = await freePort();
    hearth = spawnNode([o.cli, 'serve', '--port', String(port), '--data-dir', dataDir], { env: o.env, cwd: dataDir });
    await waitHealthy(`http://127.0.0.1:${port}/healthz`, hearth);
    const basePort = await freePort();
    server = spawnNode([o.staticServer, baselinePage(dataDir, ids), String(basePort)], { env: o.env, cwd: dataDir });
    await waitHealthy(`http://127.0.0.1:${basePort}/healthz`, server);

    // One warm-up each (a short scroll: page code compiled, file cache warm), then the measured runs.
    o.log('gallery: first paint and scroll');
    const page = await context.newPage();
    await measureHearth(page, `http://127.0.0.1:${port}/`, WARMUP_FRAMES);
    await measureBaseline(page, `http://127.0.0.1:${basePort}/index.html`, WARMUP_FRAMES);
    const hearthFigures = await measureHearth(page, `http://127.0.0.1:${port}/`);
    const baseline = await measureBaseline(page, `http://127.0.0.1:${basePort}/index.html`);

    // 50 images in a row with the Images page open, after 20 to warm up (code compiled, caches and
    // the allocator settled). The page holds each new image's row and thumbnail (the thumbnail cache
    // keeps at most 800): those bytes are counted apart, the rest must stay flat.
    o.log(`gallery: generating ${WARMUP} + ${GENERATE} images`);
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.getByRole('button', { name: 'Images', exact: true }).click();
    const call = (method: string, input: unknown) =>
      page.evaluate(
        `fetch('/api/call/${method}', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: ${JSON.stringify(JSON.stringify(input))} }).then((r) => r.json())`,
      ) as Promise<{
        ok: boolean;
        value: { id: string; state: string; imageIds: string[] };
        error?: { message: string };
      }>;
    const backend = await call('images.saveBackend', { kind: 'a1111', label: 'Bench SD', baseUrl: sd.url });
    if (!backend.ok) throw new Error(backend.error!.message);
    const samples: GallerySample[] = [];
    const made: string[] = [];
    let g0 = performance.now();
    for (let n = 1; n <= WARMUP + GENERATE; n++) {
      if (n === WARMUP + 1) g0 = performance.now();
      const job = await call('images.generate', {
        backendId: backend.value.id,
        request: { prompt: `memory run ${n}`, steps: 10, width: 512, height: 512 },
      });
      if (!job.ok) throw new Error(job.error!.message);
      await until(page, `document.querySelectorAll('[role=gridcell] img[alt="memory run ${n}"]').length > 0`, 60_000);
      if (n > WARMUP) made.push(job.value.id);
      if (n >= WARMUP && (n - WARMUP) % 10 === 0) {
        await page.waitForTimeout(200);
        samples.push({ n: n - WARMUP, pageHeap: await heapAfterGc(page), serverRss: rssBytes(hearth.child.pid) });
        o.log(
          `gallery: ${n - WARMUP}/${GENERATE} images, page heap ${(samples.at(-1)!.pageHeap / 1048576).toFixed(2)} MB, server RSS ${(samples.at(-1)!.serverRss / 1048576).toFixed(1)} MB`,
        );
      }
    }
    const secondsPerImage = (performance.now() - g0) / 1000 / GENERATE;
    // The thumbnails of the images made in the window, as the page holds them (data URLs).
    const jobs = (await call('images.jobs', {})) as unknown as {
      value: { jobs: { id: string; imageIds: string[] }[] };
    };
    const madeIds = jobs.value.jobs.filter((j) => made.includes(j.id)).flatMap((j) => j.imageIds);
    const thumbs = (await call('images.thumbs', { ids: madeIds })) as unknown as {
      value: { thumbs: { dataUrl: string | null }[] };
    };
    const thumbBytes = thumbs.value.thumbs.reduce((sum, t) => sum + (t.dataUrl?.length ?? 0), 0);
    const generation = {
      images: GENERATE,
      warmup: WARMUP,
      samples,
      pageHeapStart: samples[0]!.pageHeap,
      pageHeapEnd: samples.at(-1)!.pageHeap,
      thumbBytes,
      serverRssStart: samples[0]!.serverRss,
      serverRssEnd: samples.at(-1)!.serverRss,
      secondsPerImage,
    };
    return { images: IMAGES, buildSeconds, thumbsPerSecond, hearth: hearthFigures, baseline, generation };
  } finally {
    await context.close();
    if (hearth) await stop(hearth);
    if (server) await stop(server);
    await sd.close();
    removeTempDir(dataDir);
  }
}

const ms = (n: number) => `${Math.round(n)} ms`;
const growth = (a: number, b: number) => (a > 0 ? (b - a) / a : 0);

/** Rows for the bench's table: [what, Hearth, baseline, verdict]. */
export function galleryRows(g: GalleryBench): [string, string, string, string][] {
  const g2 = g.generation;
  const heapOther = (g2.pageHeapEnd - g2.pageHeapStart - g2.thumbBytes) / g2.pageHeapStart;
  const rssGrowth = growth(g2.serverRssStart, g2.serverRssEnd);
  const pass = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  return [
    [
      `Gallery ${g.images.toLocaleString('en')} images: click → first thumbnails`,
      ms(g.hearth.firstPaintMs),
      ms(g.baseline.firstPaintMs),
      '—',
    ],
    [
      'Gallery: long tasks, open + scroll to the end',
      `${g.hearth.longTasks} (max ${ms(g.hearth.longestTaskMs)})`,
      `${g.baseline.longTasks} (max ${ms(g.baseline.longestTaskMs)})`,
      pass(g.hearth.longTasks <= GALLERY_TARGETS.longTasks),
    ],
    [
      'Gallery scroll: frame p95 / frames over 50 ms',
      `${ms(g.hearth.frameP95Ms)} / ${g.hearth.framesOver50Ms}`,
      `${ms(g.baseline.frameP95Ms)} / ${g.baseline.framesOver50Ms}`,
      '—',
    ],
    [
      'Gallery scroll: top → bottom, 24 px a frame',
      `${(g.hearth.scrollHeightPx / 1000).toFixed(0)}k px in ${g.hearth.scrollSeconds.toFixed(1)} s`,
      `${(g.baseline.scrollHeightPx / 1000).toFixed(0)}k px in ${g.baseline.scrollSeconds.toFixed(1)} s`,
      '—',
    ],
    ['Gallery: thumbnails made (once per image)', `${Math.round(g.thumbsPerSecond)}/s`, '—', '—'],
    [
      `Generating ${g2.images} images in a row (after ${g2.warmup}): page heap`,
      `${mb(g2.pageHeapStart)} → ${mb(g2.pageHeapEnd)}, of it thumbnails ${mb(g2.thumbBytes)}; other ${(heapOther * 100).toFixed(1)}%`,
      `other < ${GALLERY_TARGETS.memoryGrowth * 100}%`,
      pass(heapOther < GALLERY_TARGETS.memoryGrowth),
    ],
    [
      `Generating ${g2.images} images in a row (after ${g2.warmup}): server RSS`,
      `${mb(g2.serverRssStart)} → ${mb(g2.serverRssEnd)} (${(rssGrowth * 100).toFixed(1)}%)`,
      `< ${GALLERY_TARGETS.memoryGrowth * 100}% growth`,
      pass(rssGrowth < GALLERY_TARGETS.memoryGrowth),
    ],
  ];
}

export function printGallery(g: GalleryBench): string {
  const rows = galleryRows(g);
  const widths = [0, 1, 2, 3].map((i) =>
    Math.max(...rows.map((r) => r[i]!.length), ['', 'Hearth', 'Baseline', ''][i]!.length),
  );
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(['', 'Hearth', 'Baseline / target', '']), ...rows.map(line)].join('\n');
}
