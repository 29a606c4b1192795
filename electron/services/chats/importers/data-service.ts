/**
 * Import and export: Hearth JSON (all chats or one, with attachments and gallery images), Markdown
 * (one chat), and imports from Hearth JSON v1–v4, ChatGPT's conversations.json and Open WebUI's chat
 * export, detected by content (import-job.ts: all or nothing, written in short batches).
 *
 * `import` runs inline (the CLI); `importInBackground` (the data.import method) parses and writes in
 * a worker thread with its own SQLite connection, so the process keeps answering while a big file
 * imports, and reports progress as 'data.importProgress' events.
 */
import type { ImportReport } from '../../../../shared/types/domain';
import { AppError, type ErrorCode } from '../../../../shared/types/errors';
import type { AttachmentService } from '../../attachments/attachment-service';
import type { EventHub } from '../../events';
import type { ChatRepo } from '../../store/chat-repo';
import type { ExportRepo } from '../../store/export-repo';
import type { ImportRepo } from '../../store/import-repo';
import { listRow, toGalleryImage } from '../../store/image-repo';
import { GalleryFiles } from '../../images/gallery-files';
import type { HybridClock } from '../../util/hlc';
import { Worker } from 'node:worker_threads';
import { workerEntry } from '../../util/worker-entry';
import { exportHearth, type HearthExport } from './hearth-json';
import { runImport, type ImportProgress, type ImportResult } from './import-job';
import type { ImportWorkerInput, ImportWorkerMessage } from './import-worker';
import { chatToMarkdown, slug } from './markdown-export';

/** Imports of at most this many chats announce each one; bigger ones let the list reload. */
const ANNOUNCE_LIMIT = 50;

export interface ExportFile {
  filename: string;
  mime: string;
  content: string;
}

/** Where the app's SQLite file is, so an import worker can open its own connection to it. */
export interface ImportWorkerOptions {
  dbFile: string;
  nativeBinding?: string;
  /** The worker script; found next to the built bundle or the source when not given. */
  entry?: string;
}

/** At most one progress event per this many ms (the first and the last always go out). */
const PROGRESS_EVERY_MS = 100;

export class DataService {
  private readonly workers = new Set<Worker>();
  /** The gallery's files (<data>/images), which exports embed and imports write. */
  private readonly gallery: GalleryFiles;

  constructor(
    private readonly repo: ChatRepo,
    private readonly imports: ImportRepo,
    private readonly exports: ExportRepo,
    private readonly attachments: AttachmentService,
    private readonly clock: HybridClock,
    private readonly deviceId: string,
    private readonly events: EventHub,
    private readonly appVersion: string,
    private readonly now: () => number,
    private readonly worker: ImportWorkerOptions,
  ) {
    this.gallery = new GalleryFiles(attachments.dataDir);
  }

  exportHearth(chatId?: string): HearthExport {
    if (chatId && !this.repo.getChat(chatId)) throw new AppError('not_found', 'That chat does not exist.');
    return exportHearth(this.exports, this.attachments, this.gallery, this.appVersion, {
      chatId,
      now: this.now(),
    });
  }

  export(input: { chatId?: string; format: 'hearth' | 'markdown' }): ExportFile {
    const day = new Date(this.now()).toISOString().slice(0, 10);
    if (input.format === 'markdown') {
      if (!input.chatId) {
        throw new AppError('invalid_input', 'Markdown export is for one chat: pick a chat (chatId).');
      }
      const chat = this.repo.getChat(input.chatId);
      if (!chat) throw new AppError('not_found', 'That chat does not exist.');
      return {
        filename: `${slug(chat.title)}.md`,
        mime: 'text/markdown',
        content: chatToMarkdown(chat, this.repo.listMessages(chat.id), this.now()),
      };
    }
    const data = this.exportHearth(input.chatId);
    const name = input.chatId ? slug(data.chats[0]?.title ?? 'chat') : `hearth-export-${day}`;
    return { filename: `${name}.json`, mime: 'application/json', content: JSON.stringify(data, null, 2) + '\n' };
  }

  /** Import a file's text here and now (the CLI); the format is detected from its content. */
  import(filename: string, text: string): ImportReport {
    const result = runImport(
      { repo: this.imports, attachments: this.attachments, gallery: this.gallery },
      filename,
      text,
      this.now(),
    );
    this.announce(filename, result);
    return result.report;
  }

  /**
   * Import in a worker thread (falls back to inline when the database is in memory). Resolves with
   * the same report as `import`; progress goes out as 'data.importProgress'.
   */
  async importInBackground(filename: string, text: string): Promise<ImportReport> {
    if (this.imports.inMemory) return this.import(filename, text);
    const entry = this.worker.entry ?? importWorkerEntry();
    const input: ImportWorkerInput = {
      dbFile: this.worker.dbFile,
      nativeBinding: this.worker.nativeBinding,
      dataDir: this.attachments.dataDir,
      deviceId: this.deviceId,
      clockAfter: this.clock.tick(),
      filename,
      text,
      now: this.now(),
    };
    const worker = entry.endsWith('.ts')
      ? // From source (vitest, tsx): load the TypeScript through tsx's require hook.
        new Worker(`require('tsx/cjs'); require(${JSON.stringify(entry)});`, { eval: true, workerData: input })
      : new Worker(entry, { workerData: input });
    this.workers.add(worker);
    let last = 0;
    const progress = (p: ImportProgress) => {
      const t = Date.now();
      if (p.phase === 'writing' && p.done !== 0 && p.done !== p.total && t - last < PROGRESS_EVERY_MS) return;
      last = t;
      this.events.emit('data.importProgress', { filename, ...p });
    };
    try {
      const result = await new Promise<ImportResult>((resolve, reject) => {
        worker.on('message', (m: ImportWorkerMessage) => {
          if (m.type === 'progress' && m.progress.phase !== 'done') progress(m.progress);
          else if (m.type === 'result') {
            this.clock.observe(m.lastVersion);
            resolve(m.result);
          } else if (m.type === 'error') reject(new AppError(m.code as ErrorCode, m.message));
        });
        worker.on('error', (err) =>
          reject(new AppError('internal', `The import stopped unexpectedly (${err.message}). Nothing was imported.`)),
        );
        worker.on('exit', (code) =>
          reject(new AppError('internal', `The import stopped unexpectedly (exit ${code}). Nothing was imported.`)),
        );
      });
      this.announce(filename, result);
      return result.report;
    } finally {
      this.workers.delete(worker);
      void worker.terminate();
    }
  }

  /** Stop imports still running (their current batch is rolled back by SQLite). */
  async close(): Promise<void> {
    await Promise.all([...this.workers].map((w) => w.terminate()));
    this.workers.clear();
  }

  /**
   * Tell open windows about new chats: each one for a small import, else only 'done', on which
   * windows reload their list. New gallery images go out as one 'images.changed'.
   */
  private announce(filename: string, { report, chatIds, foldersCreated, imageIds }: ImportResult): void {
    if (foldersCreated) this.events.emit('folders.changed', {});
    if (imageIds.length) {
      const added = this.exports.imagesById(imageIds).map((r) => listRow(toGalleryImage(r)));
      this.events.emit('images.changed', { added, deleted: [] });
    }
    if (chatIds.length <= ANNOUNCE_LIMIT) {
      for (const id of chatIds) {
        const chat = this.repo.getChat(id);
        if (chat) this.events.emit('chat.updated', { chat });
      }
    }
    this.events.emit('data.importProgress', {
      filename,
      phase: 'done',
      done: report.chatsImported,
      total: report.chatsImported,
    });
  }
}

/** The import worker's script (beside the built bundle, else the source). */
export function importWorkerEntry(): string {
  const found = workerEntry('import-worker');
  if (!found) throw new AppError('internal', 'The import worker is missing. Reinstall Hearth.');
  return found;
}
