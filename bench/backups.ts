/**
 * The backup section of the bench on its own (`npx tsx bench/backups.ts`, after `npm run build`):
 * builds the store at scale (BENCH_STORE_MESSAGES shrinks it), then backs it up with the UI open and
 * restores it. `npm run bench` runs the same section on the store its store-scale section built.
 */
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { backupsBench, backupsRows } from './lib/backups-bench';
import { CHROMIUM_LAUNCH } from './lib/chromium';
import { makeTempDir, removeTempDir } from './lib/procs';
import { storeScaleBench } from './lib/store-scale';
import { renderTable } from './lib/table';

const ROOT = join(__dirname, '..');

async function main(): Promise<void> {
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const dataDir = makeTempDir('backups');
  const browser = await chromium.launch(CHROMIUM_LAUNCH);
  try {
    await storeScaleBench(dataDir, log);
    const env: NodeJS.ProcessEnv = { NODE_ENV: 'production', PATH: process.env.PATH, HOME: process.env.HOME };
    const result = await backupsBench({ browser, cli: join(ROOT, 'out', 'main', 'cli.js'), dataDir, env, log });
    process.stdout.write(`${renderTable(['figure', 'Hearth', 'baseline', 'verdict'], backupsRows(result))}\n`);
  } finally {
    await browser.close();
    removeTempDir(dataDir);
  }
}

void main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
