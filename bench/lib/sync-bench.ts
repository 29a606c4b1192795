/**
 * Sync at scale, against a throwaway PostgreSQL on loopback:
 *  1. Initial sync: device A (in this process) holds 20,000 chats / 200,000 messages and pushes
 *     them all; device B (a real `hearth serve` with its UI open in Chromium) pulls them all. Rows
 *     per second both ways, and B's page's long tasks during the pull (sync runs in the serve
 *     process; the page only hears one "reload your lists" event per big page).
 *  2. Propagation: with both running and the same chat open on B, A stores a new message; the time
 *     until it is on B's screen (local-change debounce → push → NOTIFY → pull → event → render).
 * Baseline for (1), in the same run: copying the same rows with one multi-row INSERT per batch
 * straight into a plain table — what moving the bytes costs without settling anything.
 */
import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import pg from 'pg';
import { createAppServices, type AppServices } from '../../electron/services/app-services';
import { silentLogger } from '../../electron/services/util/logger';
import type { FakeOllama } from '../../e2e/support/fake-ollama';
import { startPostgres, type TestPostgres } from '../../e2e/support/postgres';
import { callApi as call } from './api';
import { freePort, makeTempDir, removeTempDir, spawnNode, stop, waitHealthy, type Spawned } from './procs';
import { summarize, type Summary } from './stats';

export interface SyncBench {
  chats: number;
  messages: number;
  rows: number;
  pushSeconds: number;
  pullSeconds: number;
  pushRowsPerS: number;
  pullRowsPerS: number;
  baselineCopySeconds: number;
  baselineRowsPerS: number;
  pullLongTasks: { count: number; maxMs: number };
  propagation: Summary;
  propagationSamples: number;
  targets: { propagationP50Ms: number };
}

const CHATS = Number(process.env.BENCH_SYNC_CHATS ?? 20_000);
const MESSAGES = Number(process.env.BENCH_SYNC_MESSAGES ?? 200_000);
const PROPAGATION_RUNS = Number(process.env.BENCH_SYNC_PROPAGATION_RUNS ?? 15);
export const SYNC_TARGETS = { propagationP50Ms: 2000 };

function fill(services: AppServices, deviceId: string): void {
  const db = services.db;
  const t0 = Date.now() - 365 * 86_400_000;
  let n = 0;
  const version = () =>
    `${String(t0 + n).padStart(13, '0')}-${(n++ % 65536).toString(16).padStart(4, '0')}-${deviceId}`;
  const chat = db.prepare(
    `INSERT INTO chats (id, title, model, created_at, updated_at, version, device_id) VALUES (?, ?, 'ollama/bench', ?, ?, ?, ?)`,
  );
  const message = db.prepare(
    `INSERT INTO messages (id, chat_id, parent_id, role, content, status, created_at, updated_at, version, device_id)
     VALUES (?, ?, ?, ?, ?, 'done', ?, ?, ?, ?)`,
  );
  const per = Math.ceil(MESSAGES / CHATS);
  db.transaction(() => {
    for (let c = 0; c < CHATS; c++) {
      const id = `bc${String(c).padStart(6, '0')}`;
      chat.run(id, `Bench chat ${c}`, t0 + c, t0 + c, version(), deviceId);
      let parent: string | null = null;
      for (let m = 0; m < per && c * per + m < MESSAGES; m++) {
        const mid = `bm${String(c * per + m).padStart(8, '0')}`;
        const role = m % 2 === 0 ? 'user' : 'assistant';
        const text =
          role === 'user'
            ? `Question ${m} about topic ${c}?`
            : `An answer of a few sentences about topic ${c}, part ${m}. `.repeat(4);
        message.run(mid, id, parent, role, text, t0 + m, t0 + m, version(), deviceId);
        parent = mid;
      }
    }
  })();
}

export async function syncBench(o: {
  browser: Browser;
  fake: FakeOllama;
  cli: string;
  env: NodeJS.ProcessEnv;
  log: (s: string) => void;
}): Promise<SyncBench> {
  const cluster: TestPostgres = await startPostgres();
  const dirA = makeTempDir('sync-a');
  const dirB = makeTempDir('sync-b');
  let a: AppServices | null = null;
  let b: Spawned | null = null;
  const context = await o.browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const url = cluster.url();
    // Device A: in this process, syncing in the background like the app.
    a = createAppServices({
      dataDir: dirA,
      host: 'serve',
      secretsKey: randomBytes(32),
      log: silentLogger,
      env: { DATABASE_URL: url, OLLAMA_BASE_URL: o.fake.url },
    });
    const deviceA = a.sync.repo.deviceId;
    o.log(
      `sync: filling device A with ${CHATS.toLocaleString('en')} chats / ${MESSAGES.toLocaleString('en')} messages`,
    );
    fill(a, deviceA);
    await a.router.call('sync.configure', { enabled: false }); // nothing runs until measured
    a.sync.repo.enable();
    const rows = a.sync.repo.pendingCount();
    o.log(`sync: pushing ${rows.toLocaleString('en')} rows`);
    const tPush = performance.now();
    const pushed = await a.router.call('sync.now', {});
    if (!pushed.ok) throw new Error(`push failed: ${pushed.error.message}`);
    const pushSeconds = (performance.now() - tPush) / 1000;

    // Baseline: the same number of rows copied into a plain table in batches of 500.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('CREATE TABLE copy_baseline (k text, i text, v text, d text, x boolean, p text)');
    const { rows: source } = await client.query<{
      kind: string;
      id: string;
      version: string;
      device_id: string;
      deleted: boolean;
      payload: string;
    }>('SELECT kind, id, version, device_id, deleted, payload FROM hearth.rows');
    const tCopy = performance.now();
    for (let i = 0; i < source.length; i += 500) {
      const batch = source.slice(i, i + 500);
      await client.query(
        `INSERT INTO copy_baseline SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::boolean[], $6::text[])`,
        [
          batch.map((r) => r.kind),
          batch.map((r) => r.id),
          batch.map((r) => r.version),
          batch.map((r) => r.device_id),
          batch.map((r) => r.deleted),
          batch.map((r) => r.payload),
        ],
      );
    }
    const baselineCopySeconds = (performance.now() - tCopy) / 1000;
    await client.end();

    // Device B: a real serve with its page open, pulling everything.
    const port = await freePort();
    b = spawnNode([o.cli, 'serve', '--port', String(port), '--data-dir', dirB], {
      env: { ...o.env, DATABASE_URL: url, OLLAMA_BASE_URL: o.fake.url },
      cwd: dirB,
    });
    await waitHealthy(`http://127.0.0.1:${port}/healthz`, b);
    const base = `http://127.0.0.1:${port}`;
    const page = await context.newPage();
    await page.goto(base);
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    await page.evaluate(() => {
      const w = window as unknown as { __longTasks: number[] };
      w.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longTasks.push(e.duration);
      }).observe({ type: 'longtask', buffered: false });
    });
    o.log('sync: device B pulling');
    const tPull = performance.now();
    await call(base, 'sync.configure', { enabled: true });
    for (;;) {
      const s = (await call(base, 'sync.status', {})) as {
        state: string;
        lastReport: { down: Record<string, number> } | null;
        lastError: string | null;
      };
      if (s.lastError) throw new Error(`B's sync failed: ${s.lastError}`);
      const down = s.lastReport ? Object.values(s.lastReport.down).reduce((x, y) => x + y, 0) : 0;
      if (s.state === 'idle' && down >= rows) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const pullSeconds = (performance.now() - tPull) / 1000;
    const long = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);

    // Propagation: the same chat open on B; A stores a message in it.
    await page.reload();
    // The newest chat is first in the sidebar: open it on B.
    const chatId = `bc${String(CHATS - 1).padStart(6, '0')}`;
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    await page
      .getByRole('list', { name: 'Chats' })
      .getByRole('listitem')
      .filter({ hasText: `Bench chat ${CHATS - 1}` })
      .click();
    await page.getByRole('article').first().waitFor();
    const samples: number[] = [];
    for (let i = 0; i < PROPAGATION_RUNS; i++) {
      const marker = `propagation-${i}-${Date.now()}`;
      // A string: tsx would wrap named functions in helpers the page does not have.
      const seen = page.evaluate(`new Promise((resolve) => {
        const m = ${JSON.stringify(marker)};
        const obs = new MutationObserver(() => {
          if (document.body.textContent.includes(m)) { obs.disconnect(); resolve(Date.now()); }
        });
        obs.observe(document.body, { subtree: true, childList: true, characterData: true });
        if (document.body.textContent.includes(m)) { obs.disconnect(); resolve(Date.now()); }
      })`) as Promise<number>;
      const t0 = Date.now();
      const sent = await a.router.call('messages.send', { chatId, model: 'ollama/llama3.2:1b', content: marker });
      if (!sent.ok) throw new Error(`send failed: ${sent.error.message}`);
      const t1 = await Promise.race([
        seen,
        new Promise<number>((_, rej) => setTimeout(() => rej(new Error('not propagated within 20 s')), 20_000)),
      ]);
      samples.push(t1 - t0);
      await new Promise((r) => setTimeout(r, 500));
    }
    return {
      chats: CHATS,
      messages: MESSAGES,
      rows,
      pushSeconds,
      pullSeconds,
      pushRowsPerS: rows / pushSeconds,
      pullRowsPerS: rows / pullSeconds,
      baselineCopySeconds,
      baselineRowsPerS: source.length / baselineCopySeconds,
      pullLongTasks: { count: long.length, maxMs: long.length ? Math.max(...long) : 0 },
      propagation: summarize(samples),
      propagationSamples: samples.length,
      targets: SYNC_TARGETS,
    };
  } finally {
    await context.close().catch(() => {});
    if (b) await stop(b);
    await a?.close();
    await cluster.remove();
    removeTempDir(dirA);
    removeTempDir(dirB);
  }
}
