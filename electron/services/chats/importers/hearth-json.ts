/**
 * Hearth JSON: a versioned, full-fidelity export of chats with every message (branches included,
 * through parent ids). Importing keeps ids, so importing the same file twice adds nothing.
 */
import { z } from 'zod';
import type { Db } from '../store/database';
import type { HybridClock } from '../util/hlc';

export const HEARTH_EXPORT_FORMAT = 'hearth-export';
export const HEARTH_EXPORT_VERSION = 1;

const messageSchema = z.object({
  id: z.string().min(1).max(64),
  parentId: z.string().min(1).max(64).nullable(),
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string(),
  model: z.string().nullable(),
  status: z.enum(['done', 'streaming', 'stopped', 'interrupted', 'error']),
  error: z.object({ code: z.string(), message: z.string() }).nullable().optional(),
  stats: z.record(z.string(), z.unknown()).nullable().optional(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});

const chatSchema = z.object({
  id: z.string().min(1).max(64),
  title: z.string(),
  model: z.string().nullable(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
  messages: z.array(messageSchema),
});

export const hearthExportSchema = z.object({
  format: z.literal(HEARTH_EXPORT_FORMAT),
  version: z.number().int().min(1),
  exportedAt: z.number().int(),
  app: z.string().optional(),
  chats: z.array(chatSchema),
});

export type HearthExport = z.infer<typeof hearthExportSchema>;

export interface ImportReport {
  chatsImported: number;
  messagesImported: number;
  skipped: { what: string; why: string }[];
}

export function exportAll(db: Db, appVersion: string, now = Date.now()): HearthExport {
  const chats = db
    .prepare(`SELECT id, title, model, created_at, updated_at FROM chats WHERE deleted = 0 ORDER BY created_at, id`)
    .all() as { id: string; title: string; model: string | null; created_at: number; updated_at: number }[];
  const msgStmt = db.prepare(
    `SELECT id, parent_id, role, content, model, status, error, stats, created_at, updated_at
     FROM messages WHERE chat_id = ? AND deleted = 0 ORDER BY created_at, id`,
  );
  return {
    format: HEARTH_EXPORT_FORMAT,
    version: HEARTH_EXPORT_VERSION,
    exportedAt: now,
    app: `Hearth ${appVersion}`,
    chats: chats.map((c) => ({
      id: c.id,
      title: c.title,
      model: c.model,
      createdAt: c.created_at,
      updatedAt: c.updated_at,
      messages: (msgStmt.all(c.id) as Record<string, unknown>[]).map((m) => ({
        id: m.id as string,
        parentId: (m.parent_id as string | null) ?? null,
        role: m.role as 'system' | 'user' | 'assistant',
        content: m.content as string,
        model: (m.model as string | null) ?? null,
        status: m.status as 'done',
        error: m.error ? JSON.parse(m.error as string) : null,
        stats: m.stats ? JSON.parse(m.stats as string) : null,
        createdAt: m.created_at as number,
        updatedAt: m.updated_at as number,
      })),
    })),
  };
}

/** Parse and validate a Hearth export; the error names what is wrong and where. */
export function parseHearthExport(text: string): HearthExport {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error('The file is not valid JSON.');
  }
  if ((raw as { format?: unknown })?.format !== HEARTH_EXPORT_FORMAT) {
    throw new Error('The file is not a Hearth export (its "format" is not "hearth-export").');
  }
  const v = (raw as { version?: unknown }).version;
  if (typeof v === 'number' && v > HEARTH_EXPORT_VERSION) {
    throw new Error(`The file was written by a newer Hearth (format version ${v}); update Hearth to import it.`);
  }
  const parsed = hearthExportSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `The file does not match the Hearth export format at ${issue?.path.join('.') || 'top level'}: ${issue?.message}`,
    );
  }
  return parsed.data;
}

export function importHearth(db: Db, data: HearthExport, clock: HybridClock, deviceId: string): ImportReport {
  const report: ImportReport = { chatsImported: 0, messagesImported: 0, skipped: [] };
  const chatExists = db.prepare('SELECT 1 FROM chats WHERE id = ?');
  const msgExists = db.prepare('SELECT 1 FROM messages WHERE id = ?');
  const insertChat = db.prepare(
    `INSERT INTO chats (id, title, model, created_at, updated_at, version, device_id)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertMsg = db.prepare(
    `INSERT INTO messages (id, chat_id, parent_id, role, content, model, status, error, stats,
       created_at, updated_at, version, device_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (const chat of data.chats) {
      if (chatExists.get(chat.id)) {
        report.skipped.push({ what: `chat "${chat.title}"`, why: 'already in Hearth (same id)' });
        continue;
      }
      insertChat.run(chat.id, chat.title, chat.model, chat.createdAt, chat.updatedAt, clock.tick(), deviceId);
      report.chatsImported++;
      const ids = new Set(chat.messages.map((m) => m.id));
      // Parents first, so the foreign key on parent_id holds whatever order the file uses.
      const pending = [...chat.messages];
      const inserted = new Set<string>();
      let progress = true;
      while (pending.length && progress) {
        progress = false;
        for (let i = 0; i < pending.length; i++) {
          const m = pending[i]!;
          if (m.parentId && ids.has(m.parentId) && !inserted.has(m.parentId)) continue;
          pending.splice(i--, 1);
          progress = true;
          if (msgExists.get(m.id)) {
            report.skipped.push({ what: `message ${m.id}`, why: 'already in Hearth (same id)' });
            inserted.add(m.id);
            continue;
          }
          const parent = m.parentId && (inserted.has(m.parentId) || msgExists.get(m.parentId)) ? m.parentId : null;
          // An answer that was streaming when exported can no longer finish.
          const status = m.status === 'streaming' ? 'interrupted' : m.status;
          insertMsg.run(
            m.id,
            chat.id,
            parent,
            m.role,
            m.content,
            m.model,
            status,
            m.error ? JSON.stringify(m.error) : null,
            m.stats ? JSON.stringify(m.stats) : null,
            m.createdAt,
            m.updatedAt,
            clock.tick(),
            deviceId,
          );
          inserted.add(m.id);
          report.messagesImported++;
        }
      }
      for (const m of pending) report.skipped.push({ what: `message ${m.id}`, why: 'its parent chain loops' });
    }
  })();
  return report;
}
