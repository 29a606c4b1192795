/**
 * What a Hearth JSON export reads: live chats (archived ones too) with their tags and their
 * folder's name, each chat's live messages (every branch), and the folder list. Attachment rows with
 * their files come from AttachmentService (attachment-repo.ts).
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
}
