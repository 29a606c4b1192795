/**
 * What a Hearth JSON export reads: live chats (archived ones too) with their tags and their
 * folder's name, each chat's live messages (every branch), the folder list and live gallery rows
 * (their files are read through GalleryFiles). Attachment rows with their files come from
 * AttachmentService (attachment-repo.ts).
 */
import type { Chat, Message } from '../../../shared/types/domain';
import {
  CHAT_COLS,
  MESSAGE_COLS,
  tagNamesFor,
  toChat,
  toMessageFields,
  type ChatRow,
  type MessageRow,
} from './chat-repo';
import type { Db } from './database';
import type { ImageRow } from './image-repo';

/** The columns of ImageRow (image-repo.ts). */
const IMAGE_COLS = `id, prompt, negative_prompt, params, backend_kind, backend_label, model, seed, info, mime, size,
  width, height, path, chat_id, message_id, created_at, version, deleted`;

export interface ExportedChat {
  chat: Chat;
  /** The name of the chat's folder, when it is in a live one. */
  folder: string | null;
}

export class ExportRepo {
  constructor(private readonly db: Db) {}

  /** Every live chat, or only the one asked for, oldest first. */
  chats(chatId?: string): ExportedChat[] {
    const rows = this.db
      .prepare(
        `SELECT ${CHAT_COLS.split(', ')
          .map((c) => `c.${c}`)
          .join(', ')}, f.name AS folder
         FROM chats c LEFT JOIN folders f ON f.id = c.folder_id AND f.deleted = 0
         WHERE c.deleted = 0 ${chatId ? 'AND c.id = ?' : ''} ORDER BY c.created_at, c.id`,
      )
      .all(...(chatId ? [chatId] : [])) as (ChatRow & { folder: string | null })[];
    const tags = tagNamesFor(
      this.db,
      rows.map((r) => r.id),
    );
    return rows.map((r) => ({ chat: toChat(r, tags.get(r.id) ?? []), folder: r.folder }));
  }

  /** The chat's live messages, every branch, oldest first (attachments are read with their files elsewhere). */
  messages(chatId: string): Omit<Message, 'attachments'>[] {
    return (
      this.db
        .prepare(`SELECT ${MESSAGE_COLS} FROM messages WHERE chat_id = ? AND deleted = 0 ORDER BY created_at, id`)
        .all(chatId) as MessageRow[]
    ).map(toMessageFields);
  }

  /** Live folders in the sidebar's order. */
  folders(): { name: string; sort: number }[] {
    return this.db
      .prepare(`SELECT name, sort FROM folders WHERE deleted = 0 ORDER BY sort, name COLLATE NOCASE, id`)
      .all() as { name: string; sort: number }[];
  }

  /** Live gallery rows, oldest first: all of them, or those made for one chat. */
  images(chatId?: string): ImageRow[] {
    return this.db
      .prepare(
        `SELECT ${IMAGE_COLS} FROM images WHERE deleted = 0 ${chatId ? 'AND chat_id = ?' : ''} ORDER BY created_at, id`,
      )
      .all(...(chatId ? [chatId] : [])) as ImageRow[];
  }

  /** Live gallery rows with these ids (an import announces what it added). */
  imagesById(ids: readonly string[]): ImageRow[] {
    return this.db
      .prepare(
        `SELECT ${IMAGE_COLS} FROM images WHERE deleted = 0 AND id IN (SELECT value FROM json_each(?))
         ORDER BY created_at, id`,
      )
      .all(JSON.stringify(ids)) as ImageRow[];
  }
}
