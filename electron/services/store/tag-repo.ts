/** Tags and how many live chats carry each (chat_tags rows and tags are tombstoned, never erased). */
import type { TagCount } from '../../../shared/types/domain';
import type { Db } from './database';

export class TagRepo {
  constructor(private readonly db: Db) {}

  /** Tags on at least one live (not deleted) chat, archived ones included, by name. */
  list(): TagCount[] {
    return this.db
      .prepare(
        `SELECT t.name AS name, COUNT(*) AS count, t.version AS version FROM tags t
         JOIN chat_tags ct ON ct.tag_id = t.id AND ct.deleted = 0
         JOIN chats c ON c.id = ct.chat_id AND c.deleted = 0
         WHERE t.deleted = 0 GROUP BY t.id ORDER BY t.name COLLATE NOCASE`,
      )
      .all() as TagCount[];
  }
}
