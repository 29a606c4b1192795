/**
 * One cold start: spawn a server process, poll /healthz until it answers, open a fresh Chromium
 * context, navigate, read first-contentful-paint, then SIGTERM the child and remove its temp dir.
 * No `performance` import here: the page functions below must see the browser's global, and Node's
 * global `performance` is the same perf_hooks clock.
 */
import type { Browser } from 'playwright-core';
import { freePort, makeTempDir, removeTempDir, spawnNode, stop, waitHealthy, type Spawned } from './procs';

export interface ColdStartSample {
  /** spawn() → first 200 from /healthz. */
  spawnToHealthyMs: number;
  /** spawn() → FCP (Chromium's navigation start + FCP time, mapped onto this process's clock). */
  spawnToFcpMs: number;
  /** Chromium's navigation start → FCP (the paint entry's startTime). */
  navToFcpMs: number;
  /** healthy → the page.goto() call: opening the fresh page (harness time, included in spawn → FCP). */
  healthyToNavCallMs: number;
  /** page.goto() call → Chromium's navigation start (CDP latency; a clock sanity check, should be ≥ 0). */
  navCallToNavStartMs: number;
  /** spawn() → child exited after SIGTERM. */
  exit: { code: number | null; signal: string | null; killed: boolean };
}

export interface Target {
  name: string;
  /** Arguments after `node`; `port` and `dataDir` are fresh per start. */
  args(port: number, dataDir: string): string[];
  env(dataDir: string): NodeJS.ProcessEnv;
}

export async function coldStart(target: Target, browser: Browser): Promise<ColdStartSample> {
  const dataDir = makeTempDir(target.name);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // A fresh context (empty cache, no cookies) before spawn: it is browser-side bookkeeping only.
  // The page (a renderer process) is opened after /healthz answers, as a user would: opening it
  // before spawn measurably slows the child's start-up on a 2-core machine.
  const context = await browser.newContext({ serviceWorkers: 'block' });
  let sp: Spawned | null = null;
  try {
    sp = spawnNode(target.args(port, dataDir), { env: target.env(dataDir), cwd: dataDir });
    const healthyAt = await waitHealthy(`${base}/healthz`, sp);
    const page = await context.newPage();
    const navCall = performance.now();
    const response = await page.goto(`${base}/`, { waitUntil: 'commit', timeout: 15_000 });
    if (!response || response.status() !== 200) {
      throw new Error(`${target.name}: GET / answered ${response?.status() ?? 'nothing'}`);
    }
    // Functions, not strings (the page's CSP forbids eval); `performance` here is the page's global.
    await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0, undefined, {
      timeout: 15_000,
      polling: 10,
    });
    const { timeOrigin, fcp } = await page.evaluate(() => ({
      timeOrigin: performance.timeOrigin,
      fcp: performance.getEntriesByName('first-contentful-paint')[0]!.startTime,
    }));
    // Both clocks are epoch-based high-resolution clocks on the same machine.
    const nodeEpoch = (t: number) => performance.timeOrigin + t;
    const sample = {
      spawnToHealthyMs: healthyAt - sp.t0,
      spawnToFcpMs: timeOrigin + fcp - nodeEpoch(sp.t0),
      navToFcpMs: fcp,
      healthyToNavCallMs: navCall - healthyAt,
      navCallToNavStartMs: timeOrigin - nodeEpoch(navCall),
    };
    await context.close();
    const exit = await stop(sp);
    return { ...sample, exit: { code: exit.code, signal: exit.signal, killed: exit.killed } };
  } catch (err) {
    const out = sp?.output().trim();
    if (out && err instanceof Error && !err.message.includes(out)) err.message += `\n${target.name} output:\n${out}`;
    throw err;
  } finally {
    await context.close().catch(() => undefined);
    if (sp) await stop(sp);
    removeTempDir(dataDir);
  }
}
