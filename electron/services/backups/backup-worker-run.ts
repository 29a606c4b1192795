/** Runs one job in the backup worker (backup-worker.ts) and resolves with its result. */
import { Worker } from 'node:worker_threads';
import type { BackupWorkerInput, BackupWorkerMessage } from './backup-worker';

export type WorkerResult = Extract<BackupWorkerMessage, { type: 'result' }>;

export function runBackupWorker(
  entry: string,
  input: BackupWorkerInput,
  onProgress?: (done: number, total: number) => void,
): Promise<WorkerResult> {
  const worker = entry.endsWith('.ts')
    ? // From source (vitest, tsx): load the TypeScript through tsx's require hook.
      new Worker(`require('tsx/cjs'); require(${JSON.stringify(entry)});`, { eval: true, workerData: input })
    : new Worker(entry, { workerData: input });
  return new Promise((resolve, reject) => {
    let settled = false;
    worker.on('message', (m: BackupWorkerMessage) => {
      if (m.type === 'progress') onProgress?.(m.done, m.total);
      else if (m.type === 'result') {
        settled = true;
        resolve(m);
      } else {
        settled = true;
        reject(Object.assign(new Error(m.message), m.code ? { code: m.code } : {}));
      }
    });
    worker.on('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`The backup worker stopped (exit code ${code}).`));
    });
  });
}
