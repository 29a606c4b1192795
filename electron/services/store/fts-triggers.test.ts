import { LATEST_SCHEMA_VERSION } from './migrations';
import { it, expect } from 'vitest';
import { openDatabase } from './database';
it('schema v2 keeps FTS in step: finished text indexed, streaming text not, deletes and renames followed', () => {
  const o = openDatabase({ file: ':memory:' });
  expect(o.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
  o.db
    .prepare(
      `INSERT INTO chats (id,title,model,created_at,updated_at,version,device_id) VALUES ('c','Hello world','m',1,1,'v','d')`,
    )
    .run();
  o.db
    .prepare(
      `INSERT INTO messages (id,chat_id,role,content,status,created_at,updated_at,version,device_id) VALUES ('m1','c','user','quantum cats','done',1,1,'v','d')`,
    )
    .run();
  o.db
    .prepare(
      `INSERT INTO messages (id,chat_id,role,content,status,created_at,updated_at,version,device_id) VALUES ('m2','c','assistant','','streaming',1,1,'v','d')`,
    )
    .run();
  expect(o.db.prepare(`SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'quantum'`).all()).toHaveLength(1);
  o.db.prepare(`UPDATE messages SET content='growing quantum' WHERE id='m2'`).run();
  expect(o.db.prepare(`SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'growing'`).all()).toHaveLength(0);
  o.db.prepare(`UPDATE messages SET status='done' WHERE id='m2'`).run();
  expect(o.db.prepare(`SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'growing'`).all()).toHaveLength(1);
  o.db.prepare(`UPDATE messages SET deleted=1 WHERE id='m1'`).run();
  expect(o.db.prepare(`SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'cats'`).all()).toHaveLength(0);
  expect(o.db.prepare(`SELECT rowid FROM chats_fts WHERE chats_fts MATCH 'hello'`).all()).toHaveLength(1);
  o.db.prepare(`UPDATE chats SET title='Renamed' WHERE id='c'`).run();
  expect(o.db.prepare(`SELECT rowid FROM chats_fts WHERE chats_fts MATCH 'hello'`).all()).toHaveLength(0);
  expect(o.db.prepare(`SELECT rowid FROM chats_fts WHERE chats_fts MATCH 'renamed'`).all()).toHaveLength(1);
  o.db.prepare(`INSERT INTO messages_fts(messages_fts) VALUES('integrity-check')`).run();
});
