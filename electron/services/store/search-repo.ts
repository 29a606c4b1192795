/**
 * Full-text queries over message text (messages_fts) and chat titles (chats_fts), FTS5. Takes a
 * MATCH expression already built from what the user typed (search-service.ts); hits are joined to
 * live rows (message not deleted, chat not deleted), most recently written first.
 *
 * The FTS table drives the loop (MATCH, rowid descending, LIMIT): the joins only filter out deleted
 * rows, so FTS5 stops after `limit` live hits, and snippet()/highlight() run only for rows returned.
 */
import { SNIPPET_END, SNIPPET_START, type SearchHit } from '../../../shared/types/domain';
import type { Db } from './database';

const SNIPPET_TOKENS = 12;

export class SearchRepo {
  private readonly messages;
  private readonly titles;

  constructor(db: Db) {
    this.messages = db.prepare(
      `SELECT c.id AS chatId, c.title AS chatTitle, m.id AS messageId, m.role AS role, m.updated_at AS updatedAt,
         snippet(messages_fts, 0, @s, @e, '…', ${SNIPPET_TOKENS}) AS snippet
       FROM messages_fts
       JOIN messages m ON m.rowid = messages_fts.rowid
       JOIN chats c ON c.id = m.chat_id
       WHERE messages_fts MATCH @q AND m.deleted = 0 AND c.deleted = 0
       ORDER BY messages_fts.rowid DESC LIMIT @limit`,
    );
    this.titles = db.prepare(
      `SELECT c.id AS chatId, c.title AS chatTitle, NULL AS messageId, NULL AS role, c.updated_at AS updatedAt,
         highlight(chats_fts, 0, @s, @e) AS snippet
       FROM chats_fts
       JOIN chats c ON c.rowid = chats_fts.rowid
       WHERE chats_fts MATCH @q AND c.deleted = 0
       ORDER BY chats_fts.rowid DESC LIMIT @limit`,
    );
  }

  /** Chats whose title matches, newest row first, the words marked in the snippet. */
  titleHits(match: string, limit: number): SearchHit[] {
    return this.titles.all({ q: match, limit, s: SNIPPET_START, e: SNIPPET_END }) as SearchHit[];
  }

  /** Messages whose text matches, newest row first, with a snippet around the words. */
  messageHits(match: string, limit: number): SearchHit[] {
    return this.messages.all({ q: match, limit, s: SNIPPET_START, e: SNIPPET_END }) as SearchHit[];
  }
}
