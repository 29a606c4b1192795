/**
 * Worker-thread entry for a backup's heavy database work, off the main thread because on a big store
 * each takes seconds that would stall every request and stream:
 *   copy   its own connection to the app's SQLite file (WAL: the app keeps reading and writing),
 *          SQLite's online backup API into `dest`, then the copy's counts and schema version
 *   check  a database a restore would put in place: PRAGMA integrity_check, schema version, counts
 * Built as out/main/backup-worker.js (electron.vite.config.ts); run from source under tsx/vitest.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { BackupCounts } from '../../../shared/types/backups';
import { openConnection } from '../store/database';
import { countRows } from './counts';

export type BackupWorkerInput =
  /** Copy the live database to `dest`, then count the copy. */
  | { kind: 'copy'; dbFile: string; dest: string; nativeBinding?: string }
  /** Check a database a restore would put in place: integrity, schema version, counts. */
  | { kind: 'check'; file: string; nativeBinding?: string };

export type BackupWorkerMessage =
  | { type: 'progress'; done: number; total: number }
  | { type: 'result'; counts: BackupCounts; schemaVersion: number; integrity?: string }
  | { type: 'error'; code: string | null; message: string };

function check(input: Extract<BackupWorkerInput, { kind: 'check' }>): BackupWorkerMessage {
  const db = new Database(input.file, {
    readonly: true,
    fileMustExist: true,
    ...(input.nativeBinding ? { nativeBinding: input.nativeBinding } : {}),
  });
  try {
    const integrity = String(db.pragma('integrity_check', { simple: true }));
    return {
      type: 'result',
      integrity,
      schemaVersion: db.pragma('user_version', { simple: true }) as number,
      counts: integrity === 'ok' ? countRows(db) : { chats: 0, messages: 0, attachments: 0, images: 0 },
    };
  } finally {
    db.close();
  }
}

async function main(input: BackupWorkerInput): Promise<void> {
  const post = (m: BackupWorkerMessage) => parentPort!.postMessage(m);
  try {
    if (input.kind === 'check') {
      post(check(input));
      return;
    }
    const db = openConnection(input.dbFile, input.nativeBinding);
    try {
      await db.backup(input.dest, {
        progress: ({ totalPages, remainingPages }) => {
          post({ type: 'progress', done: totalPages - remainingPages, total: totalPages });
          // The rest in one step: a copy made in small steps starts over whenever the app writes
          // (a streaming answer saves every few hundred ms) and would never finish. One step holds a
          // read snapshot instead; in WAL mode the app keeps writing meanwhile.
          return 0x7fffffff;
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
