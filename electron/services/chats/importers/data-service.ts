/**
 * Import and export: Hearth JSON (all chats or one, with attachments), Markdown (one chat), and
 * imports from Hearth JSON v1/v2, ChatGPT's conversations.json and Open WebUI's chat export,
 * detected by content. An import parses once and writes in one transaction; nothing is half-imported.
 */
import type { ImportReport } from '../../../../shared/types/domain';
import { AppError } from '../../../../shared/types/errors';
import type { AttachmentService } from '../../attachments/attachment-service';
import type { EventHub } from '../../events';
import type { ChatRepo } from '../../store/chat-repo';
import type { Db } from '../../store/database';
import type { HybridClock } from '../../util/hlc';
import { looksLikeChatGpt, parseChatGpt } from './chatgpt';
import {
  exportHearth,
  HEARTH_EXPORT_FORMAT,
  importHearth,
  parseHearthExport,
  removeFiles,
  type HearthExport,
} from './hearth-json';
import { writeImportedChats, type ParsedImport } from './imported-chat';
import { chatToMarkdown, slug } from './markdown-export';
import { looksLikeOpenWebUi, parseOpenWebUi } from './openwebui';

/** Imports of at most this many chats announce each one; bigger ones let the list reload. */
const ANNOUNCE_LIMIT = 50;

export interface ExportFile {
  filename: string;
  mime: string;
  content: string;
}

export class DataService {
  constructor(
    private readonly db: Db,
    private readonly repo: ChatRepo,
    private readonly attachments: AttachmentService,
    private readonly clock: HybridClock,
    private readonly deviceId: string,
    private readonly events: EventHub,
    private readonly appVersion: string,
    private readonly now: () => number = Date.now,
  ) {}

  exportHearth(chatId?: string): HearthExport {
    if (chatId && !this.repo.getChat(chatId)) throw new AppError('not_found', 'That chat does not exist.');
    return exportHearth(this.db, this.attachments, this.appVersion, { chatId, now: this.now() });
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

  /** Import a file's text; the format is detected from its content. */
  import(filename: string, text: string): ImportReport {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new AppError(
        'invalid_input',
        `${filename ? `"${filename}"` : 'The file'} is not valid JSON (${(err as Error).message}). Hearth imports Hearth exports, ChatGPT's conversations.json and Open WebUI chat exports.`,
      );
    }
    const ctx = { db: this.db, clock: this.clock, deviceId: this.deviceId, attachments: this.attachments };
    const written: string[] = [];
    let report: ImportReport;
    try {
      if ((raw as { format?: unknown })?.format === HEARTH_EXPORT_FORMAT) {
        let data: HearthExport;
        try {
          data = parseHearthExport(raw);
        } catch (err) {
          throw new AppError('invalid_input', (err as Error).message);
        }
        report = this.db.transaction(() => indexedInBulk(this.db, () => importHearth(ctx, data, written)))();
      } else {
        const parsed = this.detect(raw, filename);
        report = this.db.transaction(() => indexedInBulk(this.db, () => writeImportedChats(ctx, parsed)))();
      }
    } catch (err) {
      removeFiles(written);
      throw err;
    }
    this.announce(report);
    return report;
  }

  private detect(raw: unknown, filename: string): ParsedImport {
    if (Array.isArray(raw) && raw.length === 0) {
      throw new AppError('invalid_input', `${filename ? `"${filename}"` : 'The file'} holds no chats (an empty list).`);
    }
    if (looksLikeChatGpt(raw)) return parseChatGpt(raw, this.now());
    if (looksLikeOpenWebUi(raw)) return parseOpenWebUi(raw, this.now());
    throw new AppError(
      'invalid_input',
      `${filename ? `"${filename}"` : 'The file'} is not a Hearth export, a ChatGPT conversations.json or an Open WebUI chat export, so Hearth cannot import it.`,
    );
  }

  /** Tell open windows about new chats; a large import is announced by the list reloading instead. */
  private announce(report: ImportReport): void {
    if (report.chatsImported === 0 || report.chatsImported > ANNOUNCE_LIMIT) return;
    const recent = this.db
      .prepare('SELECT id FROM chats WHERE deleted = 0 ORDER BY rowid DESC LIMIT ?')
      .all(report.chatsImported) as { id: string }[];
    for (const { id } of recent.reverse()) {
      const chat = this.repo.getChat(id);
      if (chat) this.events.emit('chat.updated', { chat });
    }
  }
}

/**
 * Run a large write with the full-text trigger on new messages set aside, then index the new rows
 * in one statement (about 20× faster than row by row). Call inside a transaction: the trigger comes
 * back in any case, and a failure rolls everything back together.
 */
function indexedInBulk<T>(db: Db, write: () => T): T {
  const trigger = db
    .prepare(`SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'messages_fts_insert'`)
    .get() as { sql: string } | undefined;
  if (!trigger) return write();
  const before = (db.prepare('SELECT coalesce(max(rowid), 0) AS n FROM messages').get() as { n: number }).n;
  db.exec('DROP TRIGGER messages_fts_insert');
  try {
    const result = write();
    db.prepare(
      `INSERT INTO messages_fts (rowid, content) SELECT rowid, content FROM messages
       WHERE rowid > ? AND deleted = 0 AND status != 'streaming'`,
    ).run(before);
    return result;
  } finally {
    db.exec(trigger.sql);
  }
}
