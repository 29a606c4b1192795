/**
 * Numbered schema migrations. Append only: never edit a migration that has shipped.
 * Every table holding a user's history carries a UUIDv7 id, an HLC `version`, the `device_id`
 * that wrote it and a `deleted` tombstone, so sync can be added without rewriting the store.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE chats (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        model TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        version TEXT NOT NULL,
        device_id TEXT NOT NULL,
        deleted INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX chats_by_recent ON chats (deleted, updated_at DESC, id DESC);
      CREATE TABLE messages (
        id TEXT PRIMARY KEY,
        chat_id TEXT NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
        parent_id TEXT REFERENCES messages (id) ON DELETE CASCADE,
        role TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
        content TEXT NOT NULL DEFAULT '',
        model TEXT,
        status TEXT NOT NULL CHECK (status IN ('done', 'streaming', 'stopped', 'interrupted', 'error')),
        error TEXT,
        stats TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        version TEXT NOT NULL,
        device_id TEXT NOT NULL,
        deleted INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX messages_by_chat ON messages (chat_id, created_at, id);
      CREATE INDEX messages_by_parent ON messages (parent_id);
      CREATE INDEX messages_streaming ON messages (status) WHERE status = 'streaming';
    `,
  },
  {
    version: 2,
    name: 'organisation, branches, attachments, full-text search',
    sql: `
      CREATE TABLE folders (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        sort REAL NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        version TEXT NOT NULL,
        device_id TEXT NOT NULL,
        deleted INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE tags (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL COLLATE NOCASE,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        version TEXT NOT NULL,
        device_id TEXT NOT NULL,
        deleted INTEGER NOT NULL DEFAULT 0
      );
      CREATE UNIQUE INDEX tags_by_name ON tags (name) WHERE deleted = 0;
      CREATE TABLE chat_tags (
        chat_id TEXT NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
        tag_id TEXT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
        version TEXT NOT NULL,
        device_id TEXT NOT NULL,
        deleted INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (chat_id, tag_id)
      );
      CREATE INDEX chat_tags_by_tag ON chat_tags (tag_id);

      ALTER TABLE chats ADD COLUMN folder_id TEXT REFERENCES folders (id) ON DELETE SET NULL;
      ALTER TABLE chats ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE chats ADD COLUMN archived INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE chats ADD COLUMN system_prompt TEXT;
      -- JSON of ChatParams: temperature, top_p, top_k, context length, max tokens, seed, keep-alive, thinking
      ALTER TABLE chats ADD COLUMN params TEXT;
      -- The leaf of the branch on screen; NULL means the newest leaf.
      ALTER TABLE chats ADD COLUMN current_leaf_id TEXT;
      -- Where an imported chat came from ("chatgpt:<id>", "openwebui:<id>"), so importing twice adds nothing.
      ALTER TABLE chats ADD COLUMN import_key TEXT;
      CREATE UNIQUE INDEX chats_by_import_key ON chats (import_key) WHERE import_key IS NOT NULL;
      DROP INDEX chats_by_recent;
      CREATE INDEX chats_by_recent ON chats (deleted, archived, pinned DESC, updated_at DESC, id DESC);
      CREATE INDEX chats_by_folder ON chats (folder_id) WHERE folder_id IS NOT NULL;

      ALTER TABLE messages ADD COLUMN thinking TEXT;
      ALTER TABLE messages ADD COLUMN thinking_ms INTEGER;
      -- How many earlier messages were left out to fit the model's context window.
      ALTER TABLE messages ADD COLUMN trimmed INTEGER NOT NULL DEFAULT 0;

      CREATE TABLE attachments (
        id TEXT PRIMARY KEY,
        chat_id TEXT NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
        message_id TEXT REFERENCES messages (id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('image', 'text')),
        name TEXT NOT NULL,
        mime TEXT NOT NULL,
        size INTEGER NOT NULL,
        -- Relative to the data directory, e.g. attachments/<id>.png
        path TEXT NOT NULL,
        width INTEGER,
        height INTEGER,
        created_at INTEGER NOT NULL,
        version TEXT NOT NULL,
        device_id TEXT NOT NULL,
        deleted INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX attachments_by_message ON attachments (message_id);

      -- Full-text search over finished message text and chat titles, kept in step by triggers.
      -- Streaming rows are indexed once they finish, so a growing answer is not re-indexed every save.
      CREATE VIRTUAL TABLE messages_fts USING fts5 (
        content, content = 'messages', content_rowid = 'rowid', tokenize = 'unicode61 remove_diacritics 2'
      );
      CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
        WHEN new.deleted = 0 AND new.status != 'streaming' BEGIN
        INSERT INTO messages_fts (rowid, content) VALUES (new.rowid, new.content);
      END;
      CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
        WHEN old.deleted = 0 AND old.status != 'streaming' BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
      END;
      CREATE TRIGGER messages_fts_update_old AFTER UPDATE OF content, status, deleted ON messages
        WHEN old.deleted = 0 AND old.status != 'streaming' BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
      END;
      CREATE TRIGGER messages_fts_update_new AFTER UPDATE OF content, status, deleted ON messages
        WHEN new.deleted = 0 AND new.status != 'streaming' BEGIN
        INSERT INTO messages_fts (rowid, content) VALUES (new.rowid, new.content);
      END;
      INSERT INTO messages_fts (rowid, content)
        SELECT rowid, content FROM messages WHERE deleted = 0 AND status != 'streaming';

      CREATE VIRTUAL TABLE chats_fts USING fts5 (
        title, content = 'chats', content_rowid = 'rowid', tokenize = 'unicode61 remove_diacritics 2'
      );
      CREATE TRIGGER chats_fts_insert AFTER INSERT ON chats WHEN new.deleted = 0 BEGIN
        INSERT INTO chats_fts (rowid, title) VALUES (new.rowid, new.title);
      END;
      CREATE TRIGGER chats_fts_delete AFTER DELETE ON chats WHEN old.deleted = 0 BEGIN
        INSERT INTO chats_fts (chats_fts, rowid, title) VALUES ('delete', old.rowid, old.title);
      END;
      CREATE TRIGGER chats_fts_update_old AFTER UPDATE OF title, deleted ON chats WHEN old.deleted = 0 BEGIN
        INSERT INTO chats_fts (chats_fts, rowid, title) VALUES ('delete', old.rowid, old.title);
      END;
      CREATE TRIGGER chats_fts_update_new AFTER UPDATE OF title, deleted ON chats WHEN new.deleted = 0 BEGIN
        INSERT INTO chats_fts (rowid, title) VALUES (new.rowid, new.title);
      END;
      INSERT INTO chats_fts (rowid, title) SELECT rowid, title FROM chats WHERE deleted = 0;
    `,
  },
  {
    version: 3,
    name: 'prefix index for search-as-you-type',
    // Rebuilds messages_fts with prefix indexes of 2, 3 and 4 characters, so a half-typed word
    // ("sto" → story, stove, storage…) reads one prepared doclist instead of merging hundreds.
    sql: `
      DROP TRIGGER messages_fts_insert;
      DROP TRIGGER messages_fts_delete;
      DROP TRIGGER messages_fts_update_old;
      DROP TRIGGER messages_fts_update_new;
      DROP TABLE messages_fts;
      CREATE VIRTUAL TABLE messages_fts USING fts5 (
        content, content = 'messages', content_rowid = 'rowid', tokenize = 'unicode61 remove_diacritics 2',
        prefix = '2 3 4'
      );
      CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
        WHEN new.deleted = 0 AND new.status != 'streaming' BEGIN
        INSERT INTO messages_fts (rowid, content) VALUES (new.rowid, new.content);
      END;
      CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
        WHEN old.deleted = 0 AND old.status != 'streaming' BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
      END;
      CREATE TRIGGER messages_fts_update_old AFTER UPDATE OF content, status, deleted ON messages
        WHEN old.deleted = 0 AND old.status != 'streaming' BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
      END;
      CREATE TRIGGER messages_fts_update_new AFTER UPDATE OF content, status, deleted ON messages
        WHEN new.deleted = 0 AND new.status != 'streaming' BEGIN
        INSERT INTO messages_fts (rowid, content) VALUES (new.rowid, new.content);
      END;
      INSERT INTO messages_fts (rowid, content)
        SELECT rowid, content FROM messages WHERE deleted = 0 AND status != 'streaming';
      INSERT INTO messages_fts (messages_fts) VALUES ('optimize');
    `,
  },
  {
    version: 4,
    name: 'sync: outbox, inbox and state',
    // Rows this device writes while sync is on are queued in sync_outbox (kind, id, version) by
    // triggers, so every writer (services, the import worker, a crash recovery) is covered; a row
    // changed again before it went up keeps one entry with its newest version. Streaming answers
    // wait until they finish; unsent attachments stay local. Pulled rows carry another device's id
    // and are not queued back. sync_inbox holds pulled rows until what they refer to is here.
    sql: `
      CREATE TABLE sync_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
      CREATE TABLE sync_outbox (
        kind TEXT NOT NULL,
        id TEXT NOT NULL,
        version TEXT NOT NULL,
        PRIMARY KEY (kind, id)
      ) WITHOUT ROWID;
      CREATE TABLE sync_inbox (
        kind TEXT NOT NULL,
        id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        version TEXT NOT NULL,
        device_id TEXT NOT NULL,
        deleted INTEGER NOT NULL,
        payload TEXT NOT NULL,
        PRIMARY KEY (kind, id)
      ) WITHOUT ROWID;
      CREATE INDEX sync_inbox_by_kind ON sync_inbox (kind, seq);
      CREATE TRIGGER chats_sync_insert AFTER INSERT ON chats
        WHEN new.device_id = (SELECT value FROM meta WHERE key = 'device_id')
        AND EXISTS (SELECT 1 FROM sync_state WHERE key = 'enabled' AND value = '1') BEGIN
        INSERT INTO sync_outbox (kind, id, version) VALUES ('chat', new.id, new.version)
          ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version;
      END;
      CREATE TRIGGER chats_sync_update AFTER UPDATE ON chats
        WHEN new.device_id = (SELECT value FROM meta WHERE key = 'device_id')
        AND EXISTS (SELECT 1 FROM sync_state WHERE key = 'enabled' AND value = '1') BEGIN
        INSERT INTO sync_outbox (kind, id, version) VALUES ('chat', new.id, new.version)
          ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version;
      END;
      CREATE TRIGGER chats_sync_delete AFTER DELETE ON chats BEGIN
        DELETE FROM sync_outbox WHERE kind = 'chat' AND id = old.id;
      END;
      CREATE TRIGGER messages_sync_insert AFTER INSERT ON messages
        WHEN new.device_id = (SELECT value FROM meta WHERE key = 'device_id')
        AND EXISTS (SELECT 1 FROM sync_state WHERE key = 'enabled' AND value = '1') AND new.status != 'streaming' BEGIN
        INSERT INTO sync_outbox (kind, id, version) VALUES ('message', new.id, new.version)
          ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version;
      END;
      CREATE TRIGGER messages_sync_update AFTER UPDATE ON messages
        WHEN new.device_id = (SELECT value FROM meta WHERE key = 'device_id')
        AND EXISTS (SELECT 1 FROM sync_state WHERE key = 'enabled' AND value = '1') AND new.status != 'streaming' BEGIN
        INSERT INTO sync_outbox (kind, id, version) VALUES ('message', new.id, new.version)
          ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version;
      END;
      CREATE TRIGGER messages_sync_delete AFTER DELETE ON messages BEGIN
        DELETE FROM sync_outbox WHERE kind = 'message' AND id = old.id;
      END;
      CREATE TRIGGER folders_sync_insert AFTER INSERT ON folders
        WHEN new.device_id = (SELECT value FROM meta WHERE key = 'device_id')
        AND EXISTS (SELECT 1 FROM sync_state WHERE key = 'enabled' AND value = '1') BEGIN
        INSERT INTO sync_outbox (kind, id, version) VALUES ('folder', new.id, new.version)
          ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version;
      END;
      CREATE TRIGGER folders_sync_update AFTER UPDATE ON folders
        WHEN new.device_id = (SELECT value FROM meta WHERE key = 'device_id')
        AND EXISTS (SELECT 1 FROM sync_state WHERE key = 'enabled' AND value = '1') BEGIN
        INSERT INTO sync_outbox (kind, id, version) VALUES ('folder', new.id, new.version)
          ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version;
      END;
      CREATE TRIGGER folders_sync_delete AFTER DELETE ON folders BEGIN
        DELETE FROM sync_outbox WHERE kind = 'folder' AND id = old.id;
      END;
      CREATE TRIGGER tags_sync_insert AFTER INSERT ON tags
        WHEN new.device_id = (SELECT value FROM meta WHERE key = 'device_id')
        AND EXISTS (SELECT 1 FROM sync_state WHERE key = 'enabled' AND value = '1') BEGIN
        INSERT INTO sync_outbox (kind, id, version) VALUES ('tag', new.id, new.version)
          ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version;
      END;
      CREATE TRIGGER tags_sync_update AFTER UPDATE ON tags
        WHEN new.device_id = (SELECT value FROM meta WHERE key = 'device_id')
        AND EXISTS (SELECT 1 FROM sync_state WHERE key = 'enabled' AND value = '1') BEGIN
        INSERT INTO sync_outbox (kind, id, version) VALUES ('tag', new.id, new.version)
          ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version;
      END;
      CREATE TRIGGER tags_sync_delete AFTER DELETE ON tags BEGIN
        DELETE FROM sync_outbox WHERE kind = 'tag' AND id = old.id;
      END;
      CREATE TRIGGER chat_tags_sync_insert AFTER INSERT ON chat_tags
        WHEN new.device_id = (SELECT value FROM meta WHERE key = 'device_id')
        AND EXISTS (SELECT 1 FROM sync_state WHERE key = 'enabled' AND value = '1') BEGIN
        INSERT INTO sync_outbox (kind, id, version) VALUES ('chat_tag', new.chat_id || ':' || new.tag_id, new.version)
          ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version;
      END;
      CREATE TRIGGER chat_tags_sync_update AFTER UPDATE ON chat_tags
        WHEN new.device_id = (SELECT value FROM meta WHERE key = 'device_id')
        AND EXISTS (SELECT 1 FROM sync_state WHERE key = 'enabled' AND value = '1') BEGIN
        INSERT INTO sync_outbox (kind, id, version) VALUES ('chat_tag', new.chat_id || ':' || new.tag_id, new.version)
          ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version;
      END;
      CREATE TRIGGER chat_tags_sync_delete AFTER DELETE ON chat_tags BEGIN
        DELETE FROM sync_outbox WHERE kind = 'chat_tag' AND id = old.chat_id || ':' || old.tag_id;
      END;
      CREATE TRIGGER attachments_sync_insert AFTER INSERT ON attachments
        WHEN new.device_id = (SELECT value FROM meta WHERE key = 'device_id')
        AND EXISTS (SELECT 1 FROM sync_state WHERE key = 'enabled' AND value = '1') AND (new.message_id IS NOT NULL OR new.deleted = 1) BEGIN
        INSERT INTO sync_outbox (kind, id, version) VALUES ('attachment', new.id, new.version)
          ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version;
      END;
      CREATE TRIGGER attachments_sync_update AFTER UPDATE ON attachments
        WHEN new.device_id = (SELECT value FROM meta WHERE key = 'device_id')
        AND EXISTS (SELECT 1 FROM sync_state WHERE key = 'enabled' AND value = '1') AND (new.message_id IS NOT NULL OR new.deleted = 1) BEGIN
        INSERT INTO sync_outbox (kind, id, version) VALUES ('attachment', new.id, new.version)
          ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version;
      END;
      CREATE TRIGGER attachments_sync_delete AFTER DELETE ON attachments BEGIN
        DELETE FROM sync_outbox WHERE kind = 'attachment' AND id = old.id;
      END;
    `,
  },
  {
    version: 5,
    name: 'images: the gallery',
    // Generated images: the file lives under images/ (path relative to the data directory), the row
    // holds what made it. Same id/version/device/tombstone columns as the rest of history, synced
    // like attachments (the file goes up once per content). chat_id/message_id: the chat turn the
    // image was made for, if any (no foreign key: the gallery keeps an image when its chat goes).
    sql: `
      CREATE TABLE images (
        id TEXT PRIMARY KEY,
        prompt TEXT NOT NULL,
        negative_prompt TEXT NOT NULL DEFAULT '',
        params TEXT NOT NULL,
        backend_kind TEXT NOT NULL,
        backend_label TEXT NOT NULL,
        model TEXT,
        seed INTEGER,
        info TEXT,
        mime TEXT NOT NULL,
        size INTEGER NOT NULL,
        width INTEGER,
        height INTEGER,
        path TEXT NOT NULL,
        chat_id TEXT,
        message_id TEXT,
        created_at INTEGER NOT NULL,
        version TEXT NOT NULL,
        device_id TEXT NOT NULL,
        deleted INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX images_by_created ON images (deleted, created_at DESC, id DESC);
      CREATE TRIGGER images_sync_insert AFTER INSERT ON images
        WHEN new.device_id = (SELECT value FROM meta WHERE key = 'device_id')
        AND EXISTS (SELECT 1 FROM sync_state WHERE key = 'enabled' AND value = '1') BEGIN
        INSERT INTO sync_outbox (kind, id, version) VALUES ('image', new.id, new.version)
          ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version;
      END;
      CREATE TRIGGER images_sync_update AFTER UPDATE ON images
        WHEN new.device_id = (SELECT value FROM meta WHERE key = 'device_id')
        AND EXISTS (SELECT 1 FROM sync_state WHERE key = 'enabled' AND value = '1') BEGIN
        INSERT INTO sync_outbox (kind, id, version) VALUES ('image', new.id, new.version)
          ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version;
      END;
      CREATE TRIGGER images_sync_delete AFTER DELETE ON images BEGIN
        DELETE FROM sync_outbox WHERE kind = 'image' AND id = old.id;
      END;
    `,
  },
];

export const LATEST_SCHEMA_VERSION = migrations[migrations.length - 1]!.version;
