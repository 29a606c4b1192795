/**
 * Chats and their messages in SQLite. Messages form a tree through parent_id (regenerations and
 * edits are siblings). Deletes are tombstones (`deleted = 1`) so sync can see them; deleting a chat
 * tombstones only the chat row, so Undo restores it whole.
 */
import type {
  Attachment,
  Chat,
  ChatParams,
  GenerationStats,
  Message,
  MessageRole,
  MessageStatus,
} from '../../../shared/types/domain';
import type { Db } from './database';
import { uuidv7 } from '../../../shared/uuidv7';
import type { HybridClock } from '../util/hlc';

export interface ChatRow {
  id: string;
  title: string;
  model: string | null;
  created_at: number;
  updated_at: number;
  folder_id: string | null;
  pinned: number;
  archived: number;
  system_prompt: string | null;
  params: string | null;
  current_leaf_id: string | null;
  version: string;
}

export interface MessageRow {
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
  thinking: string | null;
  thinking_ms: number | null;
  trimmed: number;
  version: string;
}

interface AttachmentRow {
  id: string;
  message_id: string | null;
  kind: 'image' | 'text';
  name: string;
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
}

export const CHAT_COLS =
  'id, title, model, created_at, updated_at, folder_id, pinned, archived, system_prompt, params, current_leaf_id, version';
export const MESSAGE_COLS =
  'id, chat_id, parent_id, role, content, model, status, error, stats, created_at, updated_at, thinking, thinking_ms, trimmed, version';

export const parseJson = <T>(text: string | null): T | null => {
  if (!text) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
};

export const toChat = (r: ChatRow, tags: string[]): Chat => ({
  id: r.id,
  title: r.title,
  model: r.model,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  folderId: r.folder_id,
  pinned: r.pinned === 1,
  archived: r.archived === 1,
  tags,
  systemPrompt: r.system_prompt,
  params: parseJson<ChatParams>(r.params) ?? {},
  currentLeafId: r.current_leaf_id,
  version: r.version,
});

export const toAttachment = (r: AttachmentRow): Attachment => ({
  id: r.id,
  kind: r.kind,
  name: r.name,
  mime: r.mime,
  size: r.size,
  width: r.width,
  height: r.height,
});

/** A message row as a Message without its attachments (read separately). */
export const toMessageFields = (r: MessageRow): Omit<Message, 'attachments'> => ({
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
  thinking: r.thinking,
  thinkingMs: r.thinking_ms,
  trimmed: r.trimmed,
  version: r.version,
});

const toMessage = (r: MessageRow, attachments: Attachment[]): Message => ({ ...toMessageFields(r), attachments });

/** Tag names per chat (live tags and links), by name, for many chats in one query. */
export function tagNamesFor(db: Db, chatIds: readonly string[]): Map<string, string[]> {
  const result = new Map<string, string[]>();
  if (chatIds.length === 0) return result;
  const rows = db
    .prepare(
      `SELECT ct.chat_id, t.name FROM chat_tags ct JOIN tags t ON t.id = ct.tag_id
       WHERE ct.deleted = 0 AND t.deleted = 0 AND ct.chat_id IN (SELECT value FROM json_each(?))
       ORDER BY t.name`,
    )
    .all(JSON.stringify(chatIds)) as { chat_id: string; name: string }[];
  for (const r of rows) {
    const list = result.get(r.chat_id) ?? [];
    list.push(r.name);
    result.set(r.chat_id, list);
  }
  return result;
}

export interface NewMessage {
  chatId: string;
  parentId: string | null;
  role: MessageRole;
  content: string;
  model: string | null;
  status: MessageStatus;
  trimmed?: number;
  /** Keep a given id and times (imports); otherwise new ones. */
  id?: string;
  createdAt?: number;
}

export interface ChatPatch {
  title?: string;
  model?: string | null;
  pinned?: boolean;
  archived?: boolean;
  folderId?: string | null;
  systemPrompt?: string | null;
  params?: ChatParams;
  currentLeafId?: string | null;
}

export interface ListChatsOptions {
  limit: number;
  before?: { pinned?: boolean; updatedAt: number; id: string };
  folderId?: string | null;
  archived?: boolean;
  tag?: string;
}

export class ChatRepo {
  constructor(
    private readonly db: Db,
    private readonly clock: HybridClock,
    readonly deviceId: string,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Run `write` in one transaction (a savepoint inside another): every row it writes is stored, or
   * none. Services group their writes with this instead of reaching for the connection.
   */
  transaction<T>(write: () => T): T {
    return this.db.transaction(write)();
  }

  /** A fresh sync version (HLC) for a row written now. */
  version(): string {
    return this.clock.tick();
  }

  createChat(input: {
    title: string;
    model: string | null;
    id?: string;
    createdAt?: number;
    importKey?: string;
  }): Chat {
    const t = input.createdAt ?? this.now();
    const id = input.id ?? uuidv7();
    this.db
      .prepare(
        `INSERT INTO chats (id, title, model, created_at, updated_at, version, device_id, import_key)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, input.title, input.model, t, t, this.clock.tick(), this.deviceId, input.importKey ?? null);
    return this.getChat(id)!;
  }

  getChat(id: string, opts: { includeDeleted?: boolean } = {}): Chat | null {
    const row = this.db
      .prepare(`SELECT ${CHAT_COLS} FROM chats WHERE id = ? ${opts.includeDeleted ? '' : 'AND deleted = 0'}`)
      .get(id) as ChatRow | undefined;
    return row ? toChat(row, this.tagsFor([id]).get(id) ?? []) : null;
  }

  listChats(o: ListChatsOptions): { chats: Chat[]; hasMore: boolean } {
    const where = ['c.deleted = 0', 'c.archived = @archived'];
    const params: Record<string, unknown> = { archived: o.archived ? 1 : 0, n: o.limit + 1 };
    if (o.folderId === null) where.push('c.folder_id IS NULL');
    else if (o.folderId !== undefined) {
      where.push('c.folder_id = @folder');
      params.folder = o.folderId;
    }
    if (o.tag) {
      where.push(
        `EXISTS (SELECT 1 FROM chat_tags ct JOIN tags t ON t.id = ct.tag_id
                 WHERE ct.chat_id = c.id AND ct.deleted = 0 AND t.deleted = 0 AND t.name = @tag)`,
      );
      params.tag = o.tag;
    }
    if (o.before) {
      where.push('(c.pinned, c.updated_at, c.id) < (@p, @u, @id)');
      Object.assign(params, { p: o.before.pinned ? 1 : 0, u: o.before.updatedAt, id: o.before.id });
    }
    const rows = this.db
      .prepare(
        `SELECT ${CHAT_COLS.split(', ')
          .map((c) => `c.${c}`)
          .join(', ')} FROM chats c
         WHERE ${where.join(' AND ')} ORDER BY c.pinned DESC, c.updated_at DESC, c.id DESC LIMIT @n`,
      )
      .all(params) as ChatRow[];
    const page = rows.slice(0, o.limit);
    const tags = this.tagsFor(page.map((r) => r.id));
    return { chats: page.map((r) => toChat(r, tags.get(r.id) ?? [])), hasMore: rows.length > o.limit };
  }

  /** Tag names per chat, for a page of chats at once. */
  tagsFor(chatIds: string[]): Map<string, string[]> {
    return tagNamesFor(this.db, chatIds);
  }

  /** Replace a chat's tags (names compared case-insensitively), creating tags as needed, in one transaction. */
  setTags(chatId: string, names: string[]): void {
    const byKey = new Map<string, string>();
    for (const n of names.map((x) => x.trim()).filter(Boolean))
      if (!byKey.has(n.toLowerCase())) byKey.set(n.toLowerCase(), n);
    const wanted = [...byKey.values()];
    this.db.transaction(() => {
      const version = this.clock.tick();
      const ids = wanted.map((name) => {
        const found = this.db.prepare(`SELECT id FROM tags WHERE name = ? AND deleted = 0`).get(name) as
          { id: string } | undefined;
        if (found) return found.id;
        const id = uuidv7();
        const t = this.now();
        this.db
          .prepare(`INSERT INTO tags (id, name, created_at, updated_at, version, device_id) VALUES (?, ?, ?, ?, ?, ?)`)
          .run(id, name, t, t, version, this.deviceId);
        return id;
      });
      this.db
        .prepare(
          `UPDATE chat_tags SET deleted = 1, version = ?, device_id = ?
           WHERE chat_id = ? AND deleted = 0 AND tag_id NOT IN (SELECT value FROM json_each(?))`,
        )
        .run(version, this.deviceId, chatId, JSON.stringify(ids));
      const upsert = this.db.prepare(
        `INSERT INTO chat_tags (chat_id, tag_id, version, device_id) VALUES (?, ?, ?, ?)
         ON CONFLICT (chat_id, tag_id) DO UPDATE SET deleted = 0, version = excluded.version,
           device_id = excluded.device_id WHERE chat_tags.deleted = 1`,
      );
      for (const tagId of ids) upsert.run(chatId, tagId, version, this.deviceId);
      // The chat as shown changed (its tags): a new version, so every window takes it.
      this.db.prepare(`UPDATE chats SET version = ?, device_id = ? WHERE id = ?`).run(version, this.deviceId, chatId);
    })();
  }

  /** Update chat fields. Only new activity (a message) moves a chat up the list, so this keeps updated_at. */
  updateChat(id: string, patch: ChatPatch): Chat | null {
    const sets: string[] = [];
    const params: Record<string, unknown> = { id, version: this.clock.tick(), device_id: this.deviceId };
    const map: [keyof ChatPatch, string, (v: unknown) => unknown][] = [
      ['title', 'title', (v) => v],
      ['model', 'model', (v) => v],
      ['pinned', 'pinned', (v) => (v ? 1 : 0)],
      ['archived', 'archived', (v) => (v ? 1 : 0)],
      ['folderId', 'folder_id', (v) => v],
      ['systemPrompt', 'system_prompt', (v) => v],
      ['params', 'params', (v) => JSON.stringify(v ?? {})],
      ['currentLeafId', 'current_leaf_id', (v) => v],
    ];
    for (const [key, column, convert] of map) {
      if (patch[key] === undefined) continue;
      sets.push(`${column} = @${column}`);
      params[column] = convert(patch[key]);
    }
    if (sets.length) {
      const changed = this.db
        .prepare(
          `UPDATE chats SET ${sets.join(', ')}, version = @version, device_id = @device_id WHERE id = @id AND deleted = 0`,
        )
        .run(params).changes;
      if (!changed) return null;
    }
    return this.getChat(id);
  }

  /** Mark the chat active now (a new message), so it moves to the top of the list (a new version). */
  touchChat(id: string, t = this.now()): void {
    this.db
      .prepare(`UPDATE chats SET updated_at = ?, version = ?, device_id = ? WHERE id = ?`)
      .run(t, this.clock.tick(), this.deviceId, id);
  }

  /** Tombstone the chat; returns the deletion's version, or null when there was no such live chat. */
  deleteChat(id: string): string | null {
    const version = this.clock.tick();
    const changed = this.db
      .prepare(`UPDATE chats SET deleted = 1, version = ?, device_id = ? WHERE id = ? AND deleted = 0`)
      .run(version, this.deviceId, id).changes;
    return changed > 0 ? version : null;
  }

  restoreChat(id: string): Chat | null {
    this.db
      .prepare(`UPDATE chats SET deleted = 0, version = ?, device_id = ? WHERE id = ? AND deleted = 1`)
      .run(this.clock.tick(), this.deviceId, id);
    return this.getChat(id);
  }

  addMessage(input: NewMessage): Message {
    const t = input.createdAt ?? this.now();
    const id = input.id ?? uuidv7();
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO messages (id, chat_id, parent_id, role, content, model, status, trimmed,
             created_at, updated_at, version, device_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          input.chatId,
          input.parentId,
          input.role,
          input.content,
          input.model,
          input.status,
          input.trimmed ?? 0,
          t,
          t,
          this.clock.tick(),
          this.deviceId,
        );
      this.touchChat(input.chatId, t);
    })();
    return this.getMessage(id)!;
  }

  /** Whether a message with this id was ever stored (deleted ones too). */
  messageExists(id: string): boolean {
    return !!this.db.prepare('SELECT 1 FROM messages WHERE id = ?').get(id);
  }

  getMessage(id: string): Message | null {
    const row = this.db
      .prepare(
        `SELECT ${MESSAGE_COLS} FROM messages WHERE id = ? AND deleted = 0
         AND chat_id IN (SELECT id FROM chats WHERE deleted = 0)`,
      )
      .get(id) as MessageRow | undefined;
    if (!row) return null;
    return toMessage(row, this.attachmentsFor(`message_id = ?`, row.id).get(row.id) ?? []);
  }

  /** Every message of the chat (all branches), oldest first. */
  listMessages(chatId: string): Message[] {
    const rows = this.db
      .prepare(
        `SELECT ${MESSAGE_COLS} FROM messages WHERE chat_id = ? AND deleted = 0
         AND EXISTS (SELECT 1 FROM chats WHERE id = ? AND deleted = 0) ORDER BY created_at, id`,
      )
      .all(chatId, chatId) as MessageRow[];
    const attachments = this.attachmentsFor(`chat_id = ?`, chatId);
    return rows.map((r) => toMessage(r, attachments.get(r.id) ?? []));
  }

  private attachmentsFor(where: string, arg: string): Map<string, Attachment[]> {
    const rows = this.db
      .prepare(
        `SELECT id, message_id, kind, name, mime, size, width, height FROM attachments
         WHERE ${where} AND deleted = 0 AND message_id IS NOT NULL ORDER BY created_at, id`,
      )
      .all(arg) as AttachmentRow[];
    const map = new Map<string, Attachment[]>();
    for (const r of rows) {
      const list = map.get(r.message_id!) ?? [];
      list.push(toAttachment(r));
      map.set(r.message_id!, list);
    }
    return map;
  }

  /** Persist streamed text so far; cheap enough to run every few hundred ms. */
  saveProgress(id: string, content: string, thinking?: string | null): void {
    this.db
      .prepare(
        `UPDATE messages SET content = ?, thinking = COALESCE(?, thinking), updated_at = ?
         WHERE id = ? AND status = 'streaming'`,
      )
      .run(content, thinking ?? null, this.now(), id);
  }

  /** Put an answer back into streaming state (continue an interrupted answer); returns it. */
  reopenMessage(id: string): Message | null {
    this.db
      .prepare(
        `UPDATE messages SET status = 'streaming', error = NULL, updated_at = ?, version = ?, device_id = ? WHERE id = ?`,
      )
      .run(this.now(), this.clock.tick(), this.deviceId, id);
    return this.getMessage(id);
  }

  finishMessage(
    id: string,
    result: {
      content: string;
      status: MessageStatus;
      error: { code: string; message: string } | null;
      stats: GenerationStats | null;
      thinking?: string | null;
      thinkingMs?: number | null;
    },
  ): string {
    const version = this.clock.tick();
    this.db
      .prepare(
        `UPDATE messages SET content = @content, status = @status, error = @error, stats = @stats,
           thinking = @thinking, thinking_ms = @thinking_ms,
           updated_at = @t, version = @version, device_id = @device_id WHERE id = @id`,
      )
      .run({
        id,
        content: result.content,
        status: result.status,
        error: result.error ? JSON.stringify(result.error) : null,
        stats: result.stats ? JSON.stringify(result.stats) : null,
        thinking: result.thinking || null,
        thinking_ms: result.thinkingMs ?? null,
        t: this.now(),
        version,
        device_id: this.deviceId,
      });
    return version;
  }
}
