/** A worker thread's script: beside the built bundle (out/main, also from out/main/chunks), else the TypeScript source. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const SOURCES: Record<string, string> = {
  'import-worker': join(__dirname, '..', 'chats', 'importers', 'import-worker.ts'),
  'backup-worker': join(__dirname, '..', 'backups', 'backup-worker.ts'),
};

/** The entry for `name`, or null when neither the built file nor the source is there. */
export function workerEntry(name: 'import-worker' | 'backup-worker'): string | null {
  const candidates = [join(__dirname, `${name}.js`), join(__dirname, '..', `${name}.js`), SOURCES[name]!];
  return candidates.find((f) => existsSync(f)) ?? null;
}
