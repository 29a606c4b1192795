/**
 * Hearth JSON: a versioned, full-fidelity export of chats with every message (branches included,
 * through parent ids) and, from version 2, chat settings, thinking and attachments (embedded as
 * base64); from version 3, folders (the list, and each chat's folder by name); from version 4,
 * gallery images with their bytes (hearth-images.ts). Reads versions 1 to 4.
 * Importing keeps ids, so importing the same file twice adds nothing; a folder is matched by name
 * (case-insensitive) and created only when no folder has that name.
 */
import { z } from 'zod';
import type { ImportReport } from '../../../../shared/types/domain';
import type { AttachmentService } from '../../attachments/attachment-service';
import { classify } from '../../attachments/attachment-service';
import type { GalleryFiles } from '../../images/gallery-files';
import type { ExportRepo } from '../../store/export-repo';
import type { ImportRepo } from '../../store/import-repo';
import { uuidv7 } from '../../../../shared/uuidv7';
import { entityIdSchema, isEntityId } from '../../../../shared/ids';
import { exportHearthImages, hearthImageSchema } from './hearth-images';

export const HEARTH_EXPORT_FORMAT = 'hearth-export';
export const HEARTH_EXPORT_VERSION = 4;

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
  // version 4: gallery images (all of them, or those made for the one chat exported)
  images: z.array(hearthImageSchema).optional(),
});

export type HearthExport = z.infer<typeof hearthExportSchema>;
export type HearthExportChat = HearthExport['chats'][number];

/** Every chat not deleted (or the one asked for), with messages, attachments and gallery images embedded. */
export function exportHearth(
  store: ExportRepo,
  attachments: AttachmentService,
  gallery: GalleryFiles,
  appVersion: string,
  opts: { chatId?: string; now?: number } = {},
): HearthExport {
  const chats = store.chats(opts.chatId);
  // All folders for a full export (empty ones too); for one chat, only its own.
  const folders = store.folders().filter((f) => !opts.chatId || f.name === chats[0]?.folder);
  return {
    format: HEARTH_EXPORT_FORMAT,
    version: HEARTH_EXPORT_VERSION,
    exportedAt: opts.now ?? Date.now(),
    app: `Hearth ${appVersion}`,
    folders,
    chats: chats.map(({ chat: c, folder }) => {
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
      return {
        id: c.id,
        title: c.title,
        model: c.model,
        createdAt: c.createdAt,
        updatedAt: c.updatedAt,
        pinned: c.pinned,
        archived: c.archived,
        systemPrompt: c.systemPrompt,
        params: c.params as Record<string, unknown>, // the stored JSON as it is
        currentLeafId: c.currentLeafId,
        tags: c.tags,
        folder,
        messages: store.messages(c.id).map((m) => ({
          id: m.id,
          parentId: m.parentId,
          role: m.role,
          content: m.content,
          model: m.model,
          status: m.status,
          error: m.error,
          stats: m.stats as Record<string, unknown> | null,
          createdAt: m.createdAt,
          updatedAt: m.updatedAt,
          thinking: m.thinking,
          thinkingMs: m.thinkingMs,
          trimmed: m.trimmed,
          attachments: files.get(m.id) ?? [],
        })),
      };
    }),
    images: exportHearthImages(store, gallery, opts.chatId),
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
  /** Where the rows go (in the caller's transaction: ImportRepo.writeBatch). */
  repo: ImportRepo;
  attachments: AttachmentService;
  /** Where imported gallery images go (<data>/images). */
  gallery: GalleryFiles;
  /** When given, the id of every chat created is appended (to undo an import that fails later). */
  createdChats?: string[];
  /** When given, the id of every folder created is appended. */
  createdFolders?: string[];
}

/**
 * Import chats and folders inside the caller's transaction; files written are listed in `written`
 * for cleanup on failure. Gallery images are written apart (importHearthImages, hearth-images.ts),
 * once, after the chats.
 */
export function importHearth(ctx: ImportContext, data: HearthExport, written: string[]): ImportReport {
  const { repo } = ctx;
  const report: ImportReport = { format: 'hearth', chatsImported: 0, messagesImported: 0, skipped: [] };
  const folderIds = new Map<string, string>();
  /** The id of the live folder with this name (any case), created after the others when there is none. */
  const folderId = (name: string, sort?: number): string => {
    const key = name.toLowerCase();
    let id = folderIds.get(key) ?? repo.folderId(name);
    if (!id) {
      id = repo.createFolder(name, sort ?? repo.lastFolderSort() + 1);
      ctx.createdFolders?.push(id);
    }
    folderIds.set(key, id);
    return id;
  };
  // Folders in the file's order (empty ones too), placed after the folders already here.
  const base = repo.lastFolderSort();
  (data.folders ?? []).forEach((f, i) => folderId(f.name.trim(), base + i + 1));
  for (const chat of data.chats) {
    if (repo.chatExists(chat.id)) {
      report.skipped.push({ what: `chat "${chat.title}"`, why: 'already in Hearth (same id)' });
      continue;
    }
    repo.insertChat({
      id: chat.id,
      title: chat.title,
      model: chat.model,
      createdAt: chat.createdAt,
      updatedAt: chat.updatedAt,
      pinned: chat.pinned ?? false,
      archived: chat.archived ?? false,
      systemPrompt: chat.systemPrompt,
      params: chat.params,
    });
    if (chat.folder) repo.setChatFolder(chat.id, folderId(chat.folder.trim()));
    report.chatsImported++;
    ctx.createdChats?.push(chat.id);
    for (const name of new Set(chat.tags ?? [])) {
      const tagId = repo.tagId(name) ?? repo.createTag(name, chat.createdAt);
      repo.tagChat(chat.id, tagId);
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
        if (repo.messageExists(m.id)) {
          report.skipped.push({ what: `message ${m.id}`, why: 'already in Hearth (same id)' });
          inserted.add(m.id);
          continue;
        }
        const parent = m.parentId && (inserted.has(m.parentId) || repo.messageExists(m.parentId)) ? m.parentId : null;
        // An answer that was streaming when exported can no longer finish.
        const status = m.status === 'streaming' ? 'interrupted' : m.status;
        repo.insertMessage({
          id: m.id,
          chatId: chat.id,
          parentId: parent,
          role: m.role,
          content: m.content,
          model: m.model,
          status,
          error: m.error,
          stats: m.stats,
          createdAt: m.createdAt,
          updatedAt: m.updatedAt,
          thinking: m.thinking,
          thinkingMs: m.thinkingMs,
          trimmed: m.trimmed,
        });
        inserted.add(m.id);
        report.messagesImported++;
        for (const a of m.attachments ?? []) {
          // The id names the file on disk: one that does not fit the app's shape is never used.
          const id = isEntityId(a.id) ? a.id : uuidv7();
          if (repo.attachmentExists(id)) {
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
    if (chat.currentLeafId && inserted.has(chat.currentLeafId)) repo.setCurrentLeaf(chat.id, chat.currentLeafId);
  }
  return report;
}
