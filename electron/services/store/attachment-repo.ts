/**
 * Attachment rows in SQLite (the files themselves are AttachmentService's, under
 * `<dataDir>/attachments`; a row holds the file's relative path), and the final removal of chats
 * deleted long ago, which takes their attachment rows with them. Writes stamp a new sync version
 * (HLC) and this device's id; unsent attachments dropped are tombstoned, not erased.
 */
import type { HybridClock } from '../util/hlc';
import type { Db } from './database';

export interface AttachmentRow {
  id: string;
  chat_id: string;
  message_id: string | null;
  kind: 'image' | 'text';
  name: string;
  mime: string;
  size: number;
  /** Relative to the data folder: `attachments/<id>.<ext>`. */
  path: string;
  width: number | null;
  height: number | null;
}

export interface NewAttachmentRow {
  id: string;
  chatId: string;
  messageId: string | null;
  kind: 'image' | 'text';
  name: string;
  mime: string;
  size: number;
  path: string;
  width: number | null;
  height: number | null;
  createdAt: number;
}

/** What erasing a batch of chats removed, and the files no remaining row points at. */
export interface ErasedChats {
  chats: number;
  messages: number;
  attachments: number;
  paths: string[];
}

const COLS = 'id, chat_id, message_id, kind, name, mime, size, path, width, height';

export class AttachmentRepo {
  constructor(
    private readonly db: Db,
    private readonly clock: HybridClock,
    private readonly deviceId: string,
  ) {}

  /** Whether a chat with this id exists and is not deleted. */
  chatIsLive(chatId: string): boolean {
    return !!this.db.prepare('SELECT 1 FROM chats WHERE id = ? AND deleted = 0').get(chatId);
  }

  insert(a: NewAttachmentRow): void {
    this.db
      .prepare(
        `INSERT INTO attachments (id, chat_id, message_id, kind, name, mime, size, path, width, height,
           created_at, version, device_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        a.id,
        a.chatId,
        a.messageId,
        a.kind,
        a.name,
        a.mime,
        a.size,
        a.path,
        a.width,
        a.height,
        a.createdAt,
        this.clock.tick(),
        this.deviceId,
      );
  }

  /** A live (not deleted) attachment's row. */
  get(id: string): AttachmentRow | undefined {
    return this.db.prepare(`SELECT ${COLS} FROM attachments WHERE id = ? AND deleted = 0`).get(id) as
      AttachmentRow | undefined;
  }

  /** The chat's live attachments that were sent with a message, oldest first (exports). */
  sentInChat(chatId: string): AttachmentRow[] {
    return this.db
      .prepare(
        `SELECT ${COLS} FROM attachments WHERE chat_id = ? AND deleted = 0 AND message_id IS NOT NULL
         ORDER BY created_at, id`,
      )
      .all(chatId) as AttachmentRow[];
  }

  /** Link attachments not sent yet to a message, in one transaction (each row its own version). */
  link(messageId: string, ids: readonly string[]): void {
    const stmt = this.db.prepare(
      'UPDATE attachments SET message_id = ?, version = ?, device_id = ? WHERE id = ? AND message_id IS NULL',
    );
    this.db.transaction(() => {
      for (const id of ids) stmt.run(messageId, this.clock.tick(), this.deviceId, id);
    })();
  }

  /** Live attachments never sent with a message, created before `cutoff` (ms). */
  unsentBefore(cutoff: number): { id: string; path: string }[] {
    return this.db
      .prepare(`SELECT id, path FROM attachments WHERE message_id IS NULL AND deleted = 0 AND created_at < ?`)
      .all(cutoff) as { id: string; path: string }[];
  }

  /** Mark an attachment deleted (a tombstone sync can see). */
  tombstone(id: string): void {
    this.db
      .prepare('UPDATE attachments SET deleted = 1, version = ?, device_id = ? WHERE id = ?')
      .run(this.clock.tick(), this.deviceId, id);
  }

  /**
   * Chats deleted at or before `cutoff` (ms). When a chat was deleted is read from its version (a
   * hybrid-clock stamp starting with the wall-clock ms of its last change, which for a deleted chat
   * is the deletion).
   */
  deletedChatsBefore(cutoff: number): string[] {
    return (
      this.db
        .prepare(
          // A deletion still waiting to go up to the sync database stays until it has: erasing it
          // first would let another device's older copy come back.
          `SELECT id FROM chats WHERE deleted = 1 AND CAST(substr(version, 1, 13) AS INTEGER) <= ?
           AND id NOT IN (SELECT id FROM sync_outbox WHERE kind = 'chat')`,
        )
        .all(cutoff) as { id: string }[]
    ).map((r) => r.id);
  }

  /**
   * Remove these chats for good, in one transaction: the chat rows, their messages (and search
   * entries), tag links and attachment rows. Returns the counts and the attachment files that no row
   * outside these chats points at (for the caller to delete).
   */
  eraseChats(ids: readonly string[]): ErasedChats {
    const batch = JSON.stringify(ids);
    return this.db.transaction(() => {
      const inBatch = `SELECT value FROM json_each(@batch)`;
      // Files no row outside these chats points at (each row has its own file; this only guards).
      const files = this.db
        .prepare(
          `SELECT DISTINCT path FROM attachments WHERE chat_id IN (${inBatch})
           AND path NOT IN (SELECT path FROM attachments WHERE chat_id NOT IN (${inBatch}))`,
        )
        .all({ batch }) as { path: string }[];
      const attachments = (
        this.db.prepare(`SELECT count(*) AS n FROM attachments WHERE chat_id IN (${inBatch})`).get({ batch }) as {
          n: number;
        }
      ).n;
      // Unlink the message tree first: a cascade down a long parent chain nests one trigger level per message.
      this.db.prepare(`UPDATE messages SET parent_id = NULL WHERE chat_id IN (${inBatch})`).run({ batch });
      const messages = this.db.prepare(`DELETE FROM messages WHERE chat_id IN (${inBatch})`).run({ batch }).changes;
      const chats = this.db.prepare(`DELETE FROM chats WHERE id IN (${inBatch})`).run({ batch }).changes;
      return { chats, messages, attachments, paths: files.map((f) => f.path) };
    })();
  }
}
