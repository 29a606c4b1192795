/**
 * Worker-thread entry of a backup's database copy: its own connection to the app's SQLite file (WAL:
 * the main thread keeps reading and writing), SQLite's online backup API into `dest`, then the
 * copy's counts and schema version. Off the main thread, because the copy's last step (its commit)
 * and the counting take long enough on a big store to stall every request and stream.
 * Built as out/main/backup-worker.js (electron.vite.config.ts); run from source under tsx/vitest.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { BackupCounts } from '../../../shared/types/backups';
import { openConnection } from '../store/database';
import { countRows } from './counts';

export interface BackupWorkerInput {
  dbFile: string;
  dest: string;
  nativeBinding?: string;
}

export type BackupWorkerMessage =
  | { type: 'progress'; done: number; total: number }
  | { type: 'result'; counts: BackupCounts; schemaVersion: number }
  | { type: 'error'; code: string | null; message: string };

async function main(input: BackupWorkerInput): Promise<void> {
  const post = (m: BackupWorkerMessage) => parentPort!.postMessage(m);
  try {
    const db = openConnection(input.dbFile, input.nativeBinding);
    try {
      await db.backup(input.dest, {
        progress: ({ totalPages, remainingPages }) => {
          post({ type: 'progress', done: totalPages - remainingPages, total: totalPages });
          return 512;
        },
      });
    } finally {
      db.close();
    }
    const copy = new Database(input.dest, {
      readonly: true,
      fileMustExist: true,
      ...(input.nativeBinding ? { nativeBinding: input.nativeBinding } : {}),
    });
    try {
      post({
        type: 'result',
        counts: countRows(copy),
        schemaVersion: copy.pragma('user_version', { simple: true }) as number,
      });
    } finally {
      copy.close();
    }
  } catch (err) {
    post({
      type: 'error',
      code: (err as { code?: string })?.code ?? null,
      message: err instanceof Error ? err.message : String(err),
    });
  }
}

void main(workerData as BackupWorkerInput);
