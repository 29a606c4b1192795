/**
 * One import, from the file's text to rows: parse, detect the format, write. Used in the import
 * worker thread (import-worker.ts, its own SQLite connection) and inline by the CLI.
 *
 * Chats are written in batches of about BATCH_MESSAGES messages, each batch one short IMMEDIATE
 * transaction (ImportRepo.writeBatch), so the app's own writes (a message being sent, a chat renamed) wait milliseconds,
 * not seconds, while a big file imports. A chat is never split across batches. If a later batch
 * fails, the chats of the earlier ones are deleted again (and their files removed): an import adds
 * everything or nothing, as before. A Hearth export's gallery images are written last, in one more
 * batch (their rows roll back with it; their files are removed like the rest).
 */
import type { ImportReport } from '../../../../shared/types/domain';
import { AppError } from '../../../../shared/types/errors';
import type { ImportRepo } from '../../store/import-repo';
import { looksLikeChatGpt, parseChatGpt } from './chatgpt';
import {
  HEARTH_EXPORT_FORMAT,
  importHearth,
  parseHearthExport,
  type HearthExport,
  type ImportContext,
} from './hearth-json';
import { removeQuietly } from '../../attachments/attachment-service';
import { importHearthImages } from './hearth-images';
import { writeImportedChats, type ParsedImport } from './imported-chat';
import { looksLikeOpenWebUi, parseOpenWebUi } from './openwebui';

/** Messages per write transaction (a few tens of milliseconds of writing on a small machine). */
export const BATCH_MESSAGES = 2_000;

export interface ImportProgress {
  phase: 'reading' | 'writing' | 'done';
  /** Chats handled so far (written or skipped), of `total`. */
  done: number;
  total: number;
}

export interface ImportResult {
  report: ImportReport;
  /** Ids of the chats created, in the order written. */
  chatIds: string[];
  /** Folders created (Hearth exports from version 3 carry them). */
  foldersCreated: number;
  /** Gallery images written (Hearth exports from version 4 carry them). */
  imageIds: string[];
}

/** Parse `text` (named `filename` in messages) and write it; `onProgress` hears each phase and batch. */
export function runImport(
  ctx: ImportContext,
  filename: string,
  text: string,
  now: number,
  onProgress: (p: ImportProgress) => void = () => {},
): ImportResult {
  onProgress({ phase: 'reading', done: 0, total: 0 });
  const name = filename ? `"${filename}"` : 'The file';
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new AppError(
      'invalid_input',
      `${name} is not valid JSON (${(err as Error).message}). Hearth imports Hearth exports, ChatGPT's conversations.json and Open WebUI chat exports.`,
    );
  }
  const chatIds: string[] = [];
  const written: string[] = [];
  const folderIds: string[] = [];
  const imageIds: string[] = [];
  const batchCtx: ImportContext = { ...ctx, createdChats: chatIds, createdFolders: folderIds };
  let report: ImportReport;
  try {
    if ((raw as { format?: unknown })?.format === HEARTH_EXPORT_FORMAT) {
      let data: HearthExport;
      try {
        data = parseHearthExport(raw);
      } catch (err) {
        throw new AppError('invalid_input', (err as Error).message);
      }
      report = { format: 'hearth', chatsImported: 0, messagesImported: 0, skipped: [] };
      inBatches(ctx.repo, data.chats, report, onProgress, (chats) =>
        importHearth(batchCtx, { ...data, chats }, written),
      );
      const images = data.images ?? [];
      if (images.length) {
        // The last batch: if it fails, its rows roll back and the chats before it are undone below.
        const r = ctx.repo.writeBatch(() => importHearthImages(ctx, images, written));
        report.imagesImported = r.imported.length;
        report.skipped.push(...r.skipped);
        imageIds.push(...r.imported);
      }
    } else {
      const parsed = detect(raw, name, now);
      report = { format: parsed.format, chatsImported: 0, messagesImported: 0, skipped: [...parsed.skipped] };
      inBatches(ctx.repo, parsed.chats, report, onProgress, (chats) =>
        writeImportedChats(batchCtx, { format: parsed.format, chats, skipped: [] }),
      );
    }
  } catch (err) {
    for (const file of written) removeQuietly(file);
    undo(ctx, chatIds, folderIds);
    throw err;
  }
  onProgress({ phase: 'done', done: report.chatsImported, total: report.chatsImported });
  return { report, chatIds, foldersCreated: folderIds.length, imageIds };
}

function detect(raw: unknown, name: string, now: number): ParsedImport {
  if (Array.isArray(raw) && raw.length === 0) {
    throw new AppError('invalid_input', `${name} holds no chats (an empty list).`);
  }
  if (looksLikeChatGpt(raw)) return parseChatGpt(raw, now);
  if (looksLikeOpenWebUi(raw)) return parseOpenWebUi(raw, now);
  throw new AppError(
    'invalid_input',
    `${name} is not a Hearth export, a ChatGPT conversations.json or an Open WebUI chat export, so Hearth cannot import it.`,
  );
}

/** Write `chats` a batch at a time, adding each batch's report to `report`. */
function inBatches<C extends { messages: unknown[] }>(
  repo: ImportRepo,
  chats: C[],
  report: ImportReport,
  onProgress: (p: ImportProgress) => void,
  write: (chats: C[]) => ImportReport,
): void {
  const total = chats.length;
  onProgress({ phase: 'writing', done: 0, total });
  for (let start = 0; start < total;) {
    let end = start;
    let messages = 0;
    while (end < total && (end === start || messages + chats[end]!.messages.length <= BATCH_MESSAGES)) {
      messages += chats[end]!.messages.length;
      end++;
    }
    const part = chats.slice(start, end);
    const r = repo.writeBatch(() => write(part));
    report.chatsImported += r.chatsImported;
    report.messagesImported += r.messagesImported;
    report.skipped.push(...r.skipped);
    start = end;
    onProgress({ phase: 'writing', done: start, total });
  }
}

/** Delete chats and folders written by earlier batches of an import that failed later (rows cascade; files removed). */
function undo({ repo, attachments }: ImportContext, chatIds: string[], folderIds: string[]): void {
  if (!chatIds.length && !folderIds.length) return;
  attachments.removeFiles(repo.undo(chatIds, folderIds));
}
