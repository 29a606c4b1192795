/**
 * Worker-thread entry of an import (see import-job.ts): its own connection to the app's SQLite file
 * (WAL, so the main process keeps reading and writing meanwhile), the same native binding, and a
 * clock that starts after the main one. Posts progress, then the result or the error.
 * Built as out/main/import-worker.js (electron.vite.config.ts); run from source under tsx/vitest.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../../../../shared/types/errors';
import { AttachmentService } from '../../attachments/attachment-service';
import { GalleryFiles } from '../../images/gallery-files';
import { AttachmentRepo } from '../../store/attachment-repo';
import { openConnection, type Db } from '../../store/database';
import { ImportRepo } from '../../store/import-repo';
import { HybridClock } from '../../util/hlc';
import { runImport, type ImportProgress, type ImportResult } from './import-job';

export interface ImportWorkerInput {
  dbFile: string;
  nativeBinding?: string;
  dataDir: string;
  deviceId: string;
  /** The main clock's latest version: every version written here sorts after it. */
  clockAfter: string;
  filename: string;
  text: string;
  now: number;
}

export type ImportWorkerMessage =
  | { type: 'progress'; progress: ImportProgress }
  | { type: 'result'; result: ImportResult; lastVersion: string }
  | { type: 'error'; code: string; message: string };

function main(input: ImportWorkerInput): void {
  const post = (m: ImportWorkerMessage) => parentPort!.postMessage(m);
  let db: Db | undefined;
  try {
    db = openConnection(input.dbFile, input.nativeBinding);
    const clock = new HybridClock(input.deviceId);
    clock.observe(input.clockAfter);
    const attachments = new AttachmentService(new AttachmentRepo(db, clock, input.deviceId), input.dataDir);
    const ctx = {
      repo: new ImportRepo(db, clock, input.deviceId),
      attachments,
      gallery: new GalleryFiles(input.dataDir),
    };
    const result = runImport(ctx, input.filename, input.text, input.now, (progress) =>
      post({ type: 'progress', progress }),
    );
    post({ type: 'result', result, lastVersion: clock.tick() });
  } catch (err) {
    const code = err instanceof AppError ? err.code : 'internal';
    post({ type: 'error', code, message: err instanceof Error ? err.message : String(err) });
  } finally {
    db?.close();
  }
}

if (parentPort) main(workerData as ImportWorkerInput);
