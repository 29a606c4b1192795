/**
 * The backup section of the bench on its own (`npx tsx bench/backup.ts`, after `npm run build`):
 * seeds 20,000 chats / 1,000,000 messages (BENCH_BACKUP_MESSAGES=20000 for a quick look;
 * BENCH_BACKUP_CACHE=<dir> keeps the seeded store for the next run of the same size), backs it up
 * through serve with Settings → Data open in Chromium, then restores it. `npm run bench` runs the
 * same section among the others.
 */
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { backupBench, backupLegend, backupRows } from './lib/backup-bench';
import { CHROMIUM_LAUNCH } from './lib/chromium';
import { cleanup } from './lib/procs';
import { renderTable } from './lib/table';

const ROOT = join(__dirname, '..');

async function main(): Promise<void> {
  const t0 = performance.now();
  const browser = await chromium.launch(CHROMIUM_LAUNCH);
  try {
    const env: NodeJS.ProcessEnv = { NODE_ENV: 'production', PATH: process.env.PATH, HOME: process.env.HOME };
    const result = await backupBench({
      browser,
      cli: join(ROOT, 'out', 'main', 'cli.js'),
      env,
      log: (s) => process.stderr.write(`bench: ${s}\n`),
    });
    const table = renderTable(['Figure', 'Value (Hearth)', 'Baseline', 'Ratio'], backupRows(result));
    process.stdout.write(
      `\n${table}\n\n${backupLegend(result)}\nThe section took ${((performance.now() - t0) / 1000).toFixed(0)} s.\n`,
    );
    if (process.env.BENCH_BACKUP_JSON) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await browser.close();
    await cleanup();
  }
}

process.on('SIGINT', () => void cleanup().finally(() => process.exit(130)));
void main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
