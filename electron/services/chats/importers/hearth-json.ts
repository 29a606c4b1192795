/**
 * Hearth JSON: a versioned, full-fidelity export of chats with every message (branches included,
 * through parent ids) and, from version 2, chat settings, thinking and attachments (embedded as
 * base64); from version 3, folders (the list, and each chat's folder by name). Reads versions 1 to 3.
 * Importing keeps ids, so importing the same file twice adds nothing; a folder is matched by name
 * (case-insensitive) and created only when no folder has that name.
 */
import { z } from 'zod';
import type { ImportReport } from '../../../../shared/types/domain';
import type { AttachmentService } from '../../attachments/attachment-service';
import { classify } from '../../attachments/attachment-service';
import type { Db } from '../../store/database';
import type { HybridClock } from '../../util/hlc';
import { uuidv7 } from '../../../../shared/uuidv7';
import { entityIdSchema, isEntityId } from '../../../../shared/ids';

export const HEARTH_EXPORT_FORMAT = 'hearth-export';
export const HEARTH_EXPORT_VERSION = 3;

/** Chat and message ids are kept on import, so they must have the app's id shape (a file with others is refused). */
const idSchema = entityIdSchema;

const attachmentSchema = z.object({
  /** Any string: an id that does not have the app's shape is replaced by a new one on import. */
  id: z.string().max(1024),
  kind: z.enum(['image', 'text']),
  name: z.string().min(1).max(255),
  mime: z.string().max(127),
  size: z.number().int().min(0),
  width: z.number().int().nullable().optional(),
  height: z.number().int().nullable().optional(),
  createdAt: z.number().int().optional(),
  dataBase64: z.string(),
});

const messageSchema = z.object({
  id: idSchema,
  parentId: idSchema.nullable(),
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string(),
  model: z.string().nullable(),
  status: z.enum(['done', 'streaming', 'stopped', 'interrupted', 'error']),
  error: z.object({ code: z.string(), message: z.string() }).nullable().optional(),
  stats: z.record(z.string(), z.unknown()).nullable().optional(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
  // version 2
  thinking: z.string().nullable().optional(),
  thinkingMs: z.number().nullable().optional(),
  trimmed: z.number().int().min(0).optional(),
  attachments: z.array(attachmentSchema).optional(),
});

const chatSchema = z.object({
  id: idSchema,
  title: z.string(),
  model: z.string().nullable(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
  // version 2
  pinned: z.boolean().optional(),
  archived: z.boolean().optional(),
  systemPrompt: z.string().nullable().optional(),
  params: z.record(z.string(), z.unknown()).nullable().optional(),
  currentLeafId: idSchema.nullable().optional(),
  tags: z.array(z.string().min(1).max(40)).optional(),
  // version 3: the folder's name (folders are flat; names are unique, case-insensitive)
  folder: z.string().trim().min(1).max(200).nullable().optional(),
  messages: z.array(messageSchema),
});

const folderSchema = z.object({ name: z.string().trim().min(1).max(200), sort: z.number().optional() });

export const hearthExportSchema = z.object({
  format: z.literal(HEARTH_EXPORT_FORMAT),
  version: z.number().int().min(1),
  exportedAt: z.number().int(),
  app: z.string().optional(),
  // version 3: every folder (also empty ones) in the exporting app's order
  folders: z.array(folderSchema).optional(),
  chats: z.array(chatSchema),
});

export type HearthExport = z.infer<typeof hearthExportSchema>;
export type HearthExportChat = HearthExport['chats'][number];

interface ChatRow {
  id: string;
  title: string;
  model: string | null;
  created_at: number;
  updated_at: number;
  pinned: number;
  archived: number;
  system_prompt: string | null;
  params: string | null;
  current_leaf_id: string | null;
  folder: string | null;
}

const parse = (text: string | null) => {
  if (!text) return null;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
};

/** Every chat not deleted (or the one asked for), with messages and attachments embedded. */
export function exportHearth(
  db: Db,
  attachments: AttachmentService,
  appVersion: string,
  opts: { chatId?: string; now?: number } = {},
): HearthExport {
  const chats = db
    .prepare(
      `SELECT c.id, c.title, c.model, c.created_at, c.updated_at, c.pinned, c.archived, c.system_prompt, c.params,
         c.current_leaf_id, f.name AS folder
       FROM chats c LEFT JOIN folders f ON f.id = c.folder_id AND f.deleted = 0
       WHERE c.deleted = 0 ${opts.chatId ? 'AND c.id = ?' : ''} ORDER BY c.created_at, c.id`,
    )
    .all(...(opts.chatId ? [opts.chatId] : [])) as ChatRow[];
  const msgStmt = db.prepare(
    `SELECT id, parent_id, role, content, model, status, error, stats, created_at, updated_at, thinking, thinking_ms, trimmed
     FROM messages WHERE chat_id = ? AND deleted = 0 ORDER BY created_at, id`,
  );
  const tagStmt = db.prepare(
    `SELECT t.name FROM chat_tags ct JOIN tags t ON t.id = ct.tag_id
     WHERE ct.chat_id = ? AND ct.deleted = 0 AND t.deleted = 0 ORDER BY t.name`,
  );
  // All folders for a full export (empty ones too); for one chat, only its own.
  const folders = (
    db.prepare(`SELECT name, sort FROM folders WHERE deleted = 0 ORDER BY sort, name COLLATE NOCASE, id`).all() as {
      name: string;
      sort: number;
    }[]
  ).filter((f) => !opts.chatId || f.name === chats[0]?.folder);
  return {
    format: HEARTH_EXPORT_FORMAT,
    version: HEARTH_EXPORT_VERSION,
    exportedAt: opts.now ?? Date.now(),
    app: `Hearth ${appVersion}`,
    folders,
    chats: chats.map((c) => {
      const files = new Map<string, HearthExport['chats'][number]['messages'][number]['attachments']>();
      for (const a of attachments.rowsForChat(c.id)) {
        const list = files.get(a.message_id!) ?? [];
        let dataBase64: string;
        try {
          dataBase64 = attachments.readBase64(a);
        } catch {
          continue; // the file is gone: export the rest
        }
        list.push({
          id: a.id,
          kind: a.kind,
          name: a.name,
          mime: a.mime,
          size: a.size,
          width: a.width,
          height: a.height,
          dataBase64,
        });
        files.set(a.message_id!, list);
      }
      const tags = (tagStmt.all(c.id) as { name: string }[]).map((t) => t.name);
      return {
        id: c.id,
        title: c.title,
        model: c.model,
        createdAt: c.created_at,
        updatedAt: c.updated_at,
        pinned: c.pinned === 1,
        archived: c.archived === 1,
        systemPrompt: c.system_prompt,
        params: parse(c.params) ?? {},
        currentLeafId: c.current_leaf_id,
        tags,
        folder: c.folder,
        messages: (msgStmt.all(c.id) as Record<string, unknown>[]).map((m) => ({
          id: m.id as string,
          parentId: (m.parent_id as string | null) ?? null,
          role: m.role as 'system' | 'user' | 'assistant',
          content: m.content as string,
          model: (m.model as string | null) ?? null,
          status: m.status as 'done',
          error: (parse(m.error as string | null) as { code: string; message: string } | null) ?? null,
          stats: parse(m.stats as string | null),
          createdAt: m.created_at as number,
          updatedAt: m.updated_at as number,
          thinking: (m.thinking as string | null) ?? null,
          thinkingMs: (m.thinking_ms as number | null) ?? null,
          trimmed: (m.trimmed as number) ?? 0,
          attachments: files.get(m.id as string) ?? [],
        })),
      };
    }),
  };
}

/** Validate an already-parsed Hearth export; the error names what is wrong and where. */
export function parseHearthExport(raw: unknown): HearthExport {
  if ((raw as { format?: unknown })?.format !== HEARTH_EXPORT_FORMAT) {
    throw new Error('The file is not a Hearth export (its "format" is not "hearth-export").');
  }
  const v = (raw as { version?: unknown }).version;
  if (typeof v === 'number' && v > HEARTH_EXPORT_VERSION) {
    throw new Error(
      `The file was written by a newer Hearth (format version ${v}; this one reads up to ${HEARTH_EXPORT_VERSION}). Update Hearth to import it.`,
    );
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

export interface ImportContext {
  db: Db;
  clock: HybridClock;
  deviceId: string;
  attachments: AttachmentService;
  /** When given, the id of every chat created is appended (to undo an import that fails later). */
  createdChats?: string[];
  /** When given, the id of every folder created is appended. */
  createdFolders?: string[];
}

/** Import inside the caller's transaction; files written are listed in `written` for cleanup on failure. */
export function importHearth(ctx: ImportContext, data: HearthExport, written: string[]): ImportReport {
  const { db, clock, deviceId } = ctx;
  const report: ImportReport = { format: 'hearth', chatsImported: 0, messagesImported: 0, skipped: [] };
  const chatExists = db.prepare('SELECT 1 FROM chats WHERE id = ?');
  const msgExists = db.prepare('SELECT 1 FROM messages WHERE id = ?');
  const attExists = db.prepare('SELECT 1 FROM attachments WHERE id = ?');
  const insertChat = db.prepare(
    `INSERT INTO chats (id, title, model, created_at, updated_at, version, device_id, pinned, archived,
       system_prompt, params, current_leaf_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertMsg = db.prepare(
    `INSERT INTO messages (id, chat_id, parent_id, role, content, model, status, error, stats,
       created_at, updated_at, version, device_id, thinking, thinking_ms, trimmed)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const findTag = db.prepare('SELECT id FROM tags WHERE name = ? AND deleted = 0');
  const insertTag = db.prepare(
    'INSERT INTO tags (id, name, created_at, updated_at, version, device_id) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insertChatTag = db.prepare(
    'INSERT OR IGNORE INTO chat_tags (chat_id, tag_id, version, device_id) VALUES (?, ?, ?, ?)',
  );
  const folderIds = new Map<string, string>();
  const findFolder = db.prepare('SELECT id FROM folders WHERE deleted = 0 AND name = ? COLLATE NOCASE');
  const insertFolder = db.prepare(
    `INSERT INTO folders (id, name, sort, created_at, updated_at, version, device_id) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  /** The id of the live folder with this name (any case), created after the others when there is none. */
  const folderId = (name: string, sort?: number): string => {
    const key = name.toLowerCase();
    let id = folderIds.get(key) ?? (findFolder.get(name) as { id: string } | undefined)?.id;
    if (!id) {
      id = uuidv7();
      const next =
        sort ??
        (db.prepare('SELECT coalesce(max(sort), 0) + 1 AS n FROM folders WHERE deleted = 0').get() as { n: number }).n;
      const t = Date.now();
      insertFolder.run(id, name, next, t, t, clock.tick(), deviceId);
      ctx.createdFolders?.push(id);
    }
    folderIds.set(key, id);
    return id;
  };
  // Folders in the file's order (empty ones too), placed after the folders already here.
  const base = (db.prepare('SELECT coalesce(max(sort), 0) AS n FROM folders WHERE deleted = 0').get() as { n: number })
    .n;
  (data.folders ?? []).forEach((f, i) => folderId(f.name.trim(), base + i + 1));
  for (const chat of data.chats) {
    if (chatExists.get(chat.id)) {
      report.skipped.push({ what: `chat "${chat.title}"`, why: 'already in Hearth (same id)' });
      continue;
    }
    insertChat.run(
      chat.id,
      chat.title,
      chat.model,
      chat.createdAt,
      chat.updatedAt,
      clock.tick(),
      deviceId,
      chat.pinned ? 1 : 0,
      chat.archived ? 1 : 0,
      chat.systemPrompt ?? null,
      chat.params ? JSON.stringify(chat.params) : null,
      null,
    );
    if (chat.folder) {
      db.prepare('UPDATE chats SET folder_id = ? WHERE id = ?').run(folderId(chat.folder.trim()), chat.id);
    }
    report.chatsImported++;
    ctx.createdChats?.push(chat.id);
    for (const name of new Set(chat.tags ?? [])) {
      let tag = findTag.get(name) as { id: string } | undefined;
      if (!tag) {
        tag = { id: uuidv7() };
        insertTag.run(tag.id, name, chat.createdAt, chat.createdAt, clock.tick(), deviceId);
      }
      insertChatTag.run(chat.id, tag.id, clock.tick(), deviceId);
    }
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
          m.thinking ?? null,
          m.thinkingMs ?? null,
          m.trimmed ?? 0,
        );
        inserted.add(m.id);
        report.messagesImported++;
        for (const a of m.attachments ?? []) {
          // The id names the file on disk: one that does not fit the app's shape is never used.
          const id = isEntityId(a.id) ? a.id : uuidv7();
          if (attExists.get(id)) {
            report.skipped.push({ what: `attachment "${a.name}"`, why: 'already in Hearth (same id)' });
            continue;
          }
          const bytes = Buffer.from(a.dataBase64, 'base64');
          let kind: ReturnType<typeof classify>;
          try {
            kind = classify(a.name, a.mime, bytes);
          } catch (err) {
            report.skipped.push({ what: `attachment "${a.name}"`, why: (err as Error).message });
            continue;
          }
          const stored = ctx.attachments.store({
            id,
            chatId: chat.id,
            messageId: m.id,
            name: a.name,
            bytes,
            ...kind,
            width: a.width ?? null,
            height: a.height ?? null,
            createdAt: a.createdAt ?? m.createdAt,
          });
          written.push(stored.file);
        }
      }
    }
    for (const m of pending) report.skipped.push({ what: `message ${m.id}`, why: 'its parent chain loops' });
    if (chat.currentLeafId && inserted.has(chat.currentLeafId)) {
      db.prepare('UPDATE chats SET current_leaf_id = ? WHERE id = ?').run(chat.currentLeafId, chat.id);
    }
  }
  return report;
}
