/** Chats and their messages in SQLite. Deletes are tombstones (`deleted = 1`) so sync can see them. */
import type { Chat, GenerationStats, Message, MessageRole, MessageStatus } from '../../../shared/types/domain';
import type { Db } from './database';
import { uuidv7 } from '../util/uuidv7';
import type { HybridClock } from '../util/hlc';

interface ChatRow {
  id: string;
  title: string;
  model: string | null;
  created_at: number;
  updated_at: number;
}

interface MessageRow {
  id: string;
  chat_id: string;
  parent_id: string | null;
  role: MessageRole;
  content: string;
  model: string | null;
  status: MessageStatus;
  error: string | null;
  stats: string | null;
  created_at: number;
  updated_at: number;
}

const toChat = (r: ChatRow): Chat => ({
  id: r.id,
  title: r.title,
  model: r.model,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const parseJson = <T>(text: string | null): T | null => {
  if (!text) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
};

const toMessage = (r: MessageRow): Message => ({
  id: r.id,
  chatId: r.chat_id,
  parentId: r.parent_id,
  role: r.role,
  content: r.content,
  model: r.model,
  status: r.status,
  error: parseJson<{ code: string; message: string }>(r.error),
  stats: parseJson<GenerationStats>(r.stats),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export interface NewMessage {
  chatId: string;
  parentId: string | null;
  role: MessageRole;
  content: string;
  model: string | null;
  status: MessageStatus;
}

export class ChatRepo {
  constructor(
    private readonly db: Db,
    private readonly clock: HybridClock,
    private readonly deviceId: string,
    private readonly now: () => number = Date.now,
  ) {}

  createChat(input: { title: string; model: string | null }): Chat {
    const t = this.now();
    const row: ChatRow = { id: uuidv7(t), title: input.title, model: input.model, created_at: t, updated_at: t };
    this.db
      .prepare(
        `INSERT INTO chats (id, title, model, created_at, updated_at, version, device_id)
         VALUES (@id, @title, @model, @created_at, @updated_at, @version, @device_id)`,
      )
      .run({ ...row, version: this.clock.tick(), device_id: this.deviceId });
    return toChat(row);
  }

  getChat(id: string): Chat | null {
    const row = this.db
      .prepare(`SELECT id, title, model, created_at, updated_at FROM chats WHERE id = ? AND deleted = 0`)
      .get(id) as ChatRow | undefined;
    return row ? toChat(row) : null;
  }

  listChats(limit: number, before?: { updatedAt: number; id: string }): { chats: Chat[]; hasMore: boolean } {
    const rows = (
      before
        ? this.db
            .prepare(
              `SELECT id, title, model, created_at, updated_at FROM chats
               WHERE deleted = 0 AND (updated_at < @u OR (updated_at = @u AND id < @id))
               ORDER BY updated_at DESC, id DESC LIMIT @n`,
            )
            .all({ u: before.updatedAt, id: before.id, n: limit + 1 })
        : this.db
            .prepare(
              `SELECT id, title, model, created_at, updated_at FROM chats
               WHERE deleted = 0 ORDER BY updated_at DESC, id DESC LIMIT ?`,
            )
            .all(limit + 1)
    ) as ChatRow[];
    return { chats: rows.slice(0, limit).map(toChat), hasMore: rows.length > limit };
  }

  updateChat(id: string, patch: { title?: string; model?: string | null }): Chat | null {
    const current = this.getChat(id);
    if (!current) return null;
    const next = {
      title: patch.title ?? current.title,
      model: patch.model === undefined ? current.model : patch.model,
      updated_at: this.now(),
    };
    this.db
      .prepare(
        `UPDATE chats SET title = @title, model = @model, updated_at = @updated_at, version = @version,
         device_id = @device_id WHERE id = @id`,
      )
      .run({ ...next, id, version: this.clock.tick(), device_id: this.deviceId });
    return this.getChat(id);
  }

  deleteChat(id: string): boolean {
    const t = this.now();
    return this.db.transaction(() => {
      const version = this.clock.tick();
      const changed = this.db
        .prepare(
          `UPDATE chats SET deleted = 1, updated_at = ?, version = ?, device_id = ? WHERE id = ? AND deleted = 0`,
        )
        .run(t, version, this.deviceId, id).changes;
      this.db
        .prepare(`UPDATE messages SET deleted = 1, updated_at = ?, version = ?, device_id = ? WHERE chat_id = ?`)
        .run(t, version, this.deviceId, id);
      return changed > 0;
    })();
  }

  addMessage(input: NewMessage): Message {
    const t = this.now();
    const row: MessageRow = {
      id: uuidv7(t),
      chat_id: input.chatId,
      parent_id: input.parentId,
      role: input.role,
      content: input.content,
      model: input.model,
      status: input.status,
      error: null,
      stats: null,
      created_at: t,
      updated_at: t,
    };
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO messages (id, chat_id, parent_id, role, content, model, status, error, stats,
             created_at, updated_at, version, device_id)
           VALUES (@id, @chat_id, @parent_id, @role, @content, @model, @status, @error, @stats,
             @created_at, @updated_at, @version, @device_id)`,
        )
        .run({ ...row, version: this.clock.tick(), device_id: this.deviceId });
      this.db.prepare(`UPDATE chats SET updated_at = ? WHERE id = ?`).run(t, input.chatId);
    })();
    return toMessage(row);
  }

  getMessage(id: string): Message | null {
    const row = this.db.prepare(`SELECT * FROM messages WHERE id = ? AND deleted = 0`).get(id) as
      MessageRow | undefined;
    return row ? toMessage(row) : null;
  }

  listMessages(chatId: string): Message[] {
    const rows = this.db
      .prepare(`SELECT * FROM messages WHERE chat_id = ? AND deleted = 0 ORDER BY created_at, id`)
      .all(chatId) as MessageRow[];
    return rows.map(toMessage);
  }

  /** Persist streamed text so far; cheap enough to run every few hundred ms. */
  saveProgress(id: string, content: string): void {
    this.db
      .prepare(`UPDATE messages SET content = ?, updated_at = ? WHERE id = ? AND status = 'streaming'`)
      .run(content, this.now(), id);
  }

  finishMessage(
    id: string,
    result: {
      content: string;
      status: MessageStatus;
      error: { code: string; message: string } | null;
      stats: GenerationStats | null;
    },
  ): void {
    this.db
      .prepare(
        `UPDATE messages SET content = @content, status = @status, error = @error, stats = @stats,
           updated_at = @t, version = @version, device_id = @device_id WHERE id = @id`,
      )
      .run({
        id,
        content: result.content,
        status: result.status,
        error: result.error ? JSON.stringify(result.error) : null,
        stats: result.stats ? JSON.stringify(result.stats) : null,
        t: this.now(),
        version: this.clock.tick(),
        device_id: this.deviceId,
      });
  }
}
