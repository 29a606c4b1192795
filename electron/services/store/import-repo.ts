/**
 * The rows an import writes (chats, messages, tags, folders, gallery images; attachments go through
 * AttachmentService, which owns their files) and the undo of an import that failed part-way.
 * Imported rows keep their own ids and times but get a new sync version (HLC) and this device's id.
 *
 * Writes run in `writeBatch`: one IMMEDIATE transaction with the full-text trigger on new messages
 * set aside, the new rows indexed in one statement at the end. Statements are prepared once per
 * repository and reused, since an import runs them per row.
 */
import type { Statement } from 'better-sqlite3';
import type { MessageRole, MessageStatus } from '../../../shared/types/domain';
import { uuidv7 } from '../../../shared/uuidv7';
import type { HybridClock } from '../util/hlc';
import type { Db } from './database';
import { ImageRepo, type NewImageRow } from './image-repo';

export interface ChatToImport {
  id: string;
  title: string;
  model: string | null;
  createdAt: number;
  updatedAt: number;
  pinned: boolean;
  archived: boolean;
  systemPrompt?: string | null;
  params?: Record<string, unknown> | null;
  /** "<format>:<source id>" for chats from other apps, so the same file imported twice adds nothing. */
  importKey?: string | null;
}

export interface MessageToImport {
  id: string;
  chatId: string;
  parentId: string | null;
  role: MessageRole;
  content: string;
  model: string | null;
  status: MessageStatus;
  error?: { code: string; message: string } | null;
  stats?: Record<string, unknown> | null;
  createdAt: number;
  updatedAt: number;
  thinking?: string | null;
  thinkingMs?: number | null;
  trimmed?: number;
}

export class ImportRepo {
  private readonly statements = new Map<string, Statement>();

  constructor(
    private readonly db: Db,
    private readonly clock: HybridClock,
    private readonly deviceId: string,
    private readonly now: () => number = Date.now,
  ) {
    this.images = new ImageRepo(db, clock, deviceId);
  }

  private readonly images: ImageRepo;

  /** The database lives in memory (tests), so no second connection (an import worker) can open it. */
  get inMemory(): boolean {
    return this.db.memory;
  }

  /**
   * Run `write` as one IMMEDIATE transaction, indexing the messages it adds in one statement
   * instead of row by row (about 20× faster); a failure rolls everything back together.
   */
  writeBatch<T>(write: () => T): T {
    return this.db.transaction(() => this.indexedInBulk(write)).immediate();
  }

  /** Whether a chat with this id was ever stored (deleted ones too). */
  chatExists(id: string): boolean {
    return !!this.stmt('SELECT 1 FROM chats WHERE id = ?').get(id);
  }

  messageExists(id: string): boolean {
    return !!this.stmt('SELECT 1 FROM messages WHERE id = ?').get(id);
  }

  attachmentExists(id: string): boolean {
    return !!this.stmt('SELECT 1 FROM attachments WHERE id = ?').get(id);
  }

  /** Whether a gallery image with this id was ever stored (deleted ones too). */
  imageExists(id: string): boolean {
    return !!this.stmt('SELECT 1 FROM images WHERE id = ?').get(id);
  }

  /** The chat already imported under this key, if any: whether it was deleted since. */
  importedChat(importKey: string): { deleted: boolean } | undefined {
    const row = this.stmt('SELECT deleted FROM chats WHERE import_key = ?').get(importKey) as
      { deleted: number } | undefined;
    return row && { deleted: row.deleted !== 0 };
  }

  /** A chat without its current leaf (set once its messages are written: setCurrentLeaf). */
  insertChat(c: ChatToImport): void {
    this.stmt(
      `INSERT INTO chats (id, title, model, created_at, updated_at, version, device_id, pinned, archived,
         system_prompt, params, import_key, current_leaf_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)`,
    ).run(
      c.id,
      c.title,
      c.model,
      c.createdAt,
      c.updatedAt,
      this.clock.tick(),
      this.deviceId,
      c.pinned ? 1 : 0,
      c.archived ? 1 : 0,
      c.systemPrompt ?? null,
      c.params ? JSON.stringify(c.params) : null,
      c.importKey ?? null,
    );
  }

  setChatFolder(chatId: string, folderId: string): void {
    this.stmt('UPDATE chats SET folder_id = ? WHERE id = ?').run(folderId, chatId);
  }

  setCurrentLeaf(chatId: string, leafId: string): void {
    this.stmt('UPDATE chats SET current_leaf_id = ? WHERE id = ?').run(leafId, chatId);
  }

  /** Write a message; its parent must be written already (or be null). */
  insertMessage(m: MessageToImport): void {
    this.stmt(
      `INSERT INTO messages (id, chat_id, parent_id, role, content, model, status, error, stats,
         created_at, updated_at, version, device_id, thinking, thinking_ms, trimmed)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      m.id,
      m.chatId,
      m.parentId,
      m.role,
      m.content,
      m.model,
      m.status,
      m.error ? JSON.stringify(m.error) : null,
      m.stats ? JSON.stringify(m.stats) : null,
      m.createdAt,
      m.updatedAt,
      this.clock.tick(),
      this.deviceId,
      m.thinking ?? null,
      m.thinkingMs ?? null,
      m.trimmed ?? 0,
    );
  }

  /** A gallery row; its file (`path`, under images/) is written already. */
  insertImage(i: NewImageRow): void {
    this.images.write(i);
  }

  /** The id of the live tag with exactly this name, if any. */
  tagId(name: string): string | undefined {
    return (this.stmt('SELECT id FROM tags WHERE name = ? AND deleted = 0').get(name) as { id: string } | undefined)
      ?.id;
  }

  /** A new tag; returns its id. */
  createTag(name: string, createdAt: number): string {
    const id = uuidv7();
    this.stmt('INSERT INTO tags (id, name, created_at, updated_at, version, device_id) VALUES (?, ?, ?, ?, ?, ?)').run(
      id,
      name,
      createdAt,
      createdAt,
      this.clock.tick(),
      this.deviceId,
    );
    return id;
  }

  /** Put the tag on the chat (nothing when it is there already). */
  tagChat(chatId: string, tagId: string): void {
    this.stmt('INSERT OR IGNORE INTO chat_tags (chat_id, tag_id, version, device_id) VALUES (?, ?, ?, ?)').run(
      chatId,
      tagId,
      this.clock.tick(),
      this.deviceId,
    );
  }

  /** The id of the live folder with this name (compared case-insensitively), if any. */
  folderId(name: string): string | undefined {
    return (
      this.stmt('SELECT id FROM folders WHERE deleted = 0 AND name = ? COLLATE NOCASE').get(name) as
        { id: string } | undefined
    )?.id;
  }

  /** The highest sort position among live folders (0 when there is none). */
  lastFolderSort(): number {
    return (this.stmt('SELECT coalesce(max(sort), 0) AS n FROM folders WHERE deleted = 0').get() as { n: number }).n;
  }

  /** A new folder at `sort`; returns its id. */
  createFolder(name: string, sort: number): string {
    const id = uuidv7();
    const t = this.now();
    this.stmt(
      `INSERT INTO folders (id, name, sort, created_at, updated_at, version, device_id) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(id, name, sort, t, t, this.clock.tick(), this.deviceId);
    return id;
  }

  /**
   * Delete chats and folders an import wrote before it failed (messages, tag links and attachment
   * rows cascade), in one transaction. Returns the attachment files' stored paths, for the caller to remove.
   */
  undo(chatIds: readonly string[], folderIds: readonly string[]): string[] {
    const ids = JSON.stringify(chatIds);
    return this.db.transaction(() => {
      const paths = this.db
        .prepare(`SELECT path FROM attachments WHERE chat_id IN (SELECT value FROM json_each(?))`)
        .all(ids) as { path: string }[];
      // Unlink first: deleting a long parent chain by cascade would nest a trigger level per message.
      this.db
        .prepare(`UPDATE messages SET parent_id = NULL WHERE chat_id IN (SELECT value FROM json_each(?))`)
        .run(ids);
      this.db.prepare(`UPDATE chats SET current_leaf_id = NULL WHERE id IN (SELECT value FROM json_each(?))`).run(ids);
      this.db.prepare(`DELETE FROM chats WHERE id IN (SELECT value FROM json_each(?))`).run(ids);
      this.db
        .prepare(`DELETE FROM folders WHERE id IN (SELECT value FROM json_each(?))`)
        .run(JSON.stringify(folderIds));
      return paths.map((p) => p.path);
    })();
  }

  /**
   * Run a large write with the full-text trigger on new messages set aside, then index the new rows
   * in one statement. Called inside a transaction: the trigger comes back in any case, and a failure
   * rolls everything back together.
   */
  private indexedInBulk<T>(write: () => T): T {
    const trigger = this.db
      .prepare(`SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'messages_fts_insert'`)
      .get() as { sql: string } | undefined;
    if (!trigger) return write();
    const before = (this.db.prepare('SELECT coalesce(max(rowid), 0) AS n FROM messages').get() as { n: number }).n;
    this.db.exec('DROP TRIGGER messages_fts_insert');
    try {
      const result = write();
      this.db
        .prepare(
          `INSERT INTO messages_fts (rowid, content) SELECT rowid, content FROM messages
           WHERE rowid > ? AND deleted = 0 AND status != 'streaming'`,
        )
        .run(before);
      return result;
    } finally {
      this.db.exec(trigger.sql);
    }
  }

  private stmt(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }
}
