/**
 * The gallery section of the bench on its own (`npx tsx bench/gallery.ts`, after `npm run build`):
 * 5,000 images, first paint and scroll against a plain lazy-loading page, and memory while 50
 * images are generated. `npm run bench` runs the same section among the others.
 */
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { galleryBench, printGallery } from './lib/gallery-bench';
import { CHROMIUM_LAUNCH } from './lib/chromium';

const ROOT = join(__dirname, '..');

async function main(): Promise<void> {
  const browser = await chromium.launch(CHROMIUM_LAUNCH);
  try {
    const env: NodeJS.ProcessEnv = { NODE_ENV: 'production', PATH: process.env.PATH, HOME: process.env.HOME };
    const result = await galleryBench({
      browser,
      cli: join(ROOT, 'out', 'main', 'cli.js'),
      staticServer: join(ROOT, 'bench', 'static-server.mjs'),
      env,
      log: (s) => process.stderr.write(`${s}\n`),
    });
    process.stdout.write(`${printGallery(result)}\n`);
  } finally {
    await browser.close();
  }
}

void main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
