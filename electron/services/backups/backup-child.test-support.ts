/** Test support: makes one backup of the data folder given as argv[2] (backups.test.ts kills it half-way). */
import { randomBytes } from 'node:crypto';
import { createAppServices } from '../app-services';
import { createLogger } from '../util/logger';

const s = createAppServices({
  dataDir: process.argv[2]!,
  host: 'cli',
  secretsKey: randomBytes(32),
  env: { OLLAMA_BASE_URL: 'http://127.0.0.1:9' },
  log: createLogger(() => {}),
});
void s.backups.create('manual').then(
  () => s.close(),
  () => s.close(),
);
