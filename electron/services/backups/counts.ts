/** What a backup holds, counted in its database: live chats and their messages, attachments, gallery images. */
import type { Database } from 'better-sqlite3';
import type { BackupCounts } from '../../../shared/types/backups';

export function countRows(db: Database): BackupCounts {
  const n = (sql: string) => {
    try {
      return (db.prepare(sql).pluck().get() as number) ?? 0;
    } catch {
      return 0; // a table an older schema does not have
    }
  };
  return {
    chats: n('SELECT count(*) FROM chats WHERE deleted = 0'),
    messages: n('SELECT count(*) FROM messages m JOIN chats c ON c.id = m.chat_id WHERE c.deleted = 0'),
    attachments: n('SELECT count(*) FROM attachments'),
    images: n('SELECT count(*) FROM images WHERE deleted = 0'),
  };
}
