/**
 * Full-text search over message text (messages_fts) and chat titles (chats_fts), FTS5.
 *
 * User input never reaches FTS5 as syntax: it is split into words the way the unicode61 tokenizer
 * splits them, each word is quoted, and the last one becomes a prefix ("quantu" finds "quantum"),
 * so `"`, `*`, `(`, `NEAR`, `AND`, `-` … are just text (a one-letter last word is matched whole).
 * Hits are joined to live rows (message not deleted, chat not deleted).
 *
 * Order: chats whose TITLE matches come first, then matching messages, each most recently written
 * first (FTS rowid = the row's insertion order). Titles never push messages out beyond TITLE_HITS
 * places: with many of both, the first TITLE_HITS hits are titles and the rest messages.
 * Walking the index backwards by rowid lets FTS5 stop after `limit` live hits: the cost no longer
 * grows with how many messages match. Ranking by bm25 could not stop early (it needs statistics of
 * every match: a common prefix on 1,000,000 messages cost ~70 ms), and recent first is what people
 * look for in their own chats. Snippets are computed in the same statement, for the returned rows only.
 */
import { SNIPPET_END, SNIPPET_START, type MessageRole, type SearchHit } from '../../../shared/types/domain';
import type { Db } from '../store/database';

/** Places titles may take from matching messages (titles fill any room messages leave). */
export const TITLE_HITS = 10;
const SNIPPET_TOKENS = 12;
const WORD = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;

/** The FTS5 MATCH expression for what the user typed, or null when it holds no word at all. */
export function toMatchExpression(input: string): string | null {
  const words = input.match(WORD);
  if (!words) return null;
  // A one-letter prefix would expand to a large part of the vocabulary (slow, and useless as a filter).
  return words.map((w, i) => `"${w}"${i === words.length - 1 && [...w].length > 1 ? '*' : ''}`).join(' ');
}

interface Row {
  chatId: string;
  chatTitle: string;
  messageId: string | null;
  role: MessageRole | null;
  snippet: string;
  updatedAt: number;
}

export class SearchService {
  private readonly messages;
  private readonly titles;

  constructor(db: Db) {
    // The FTS table drives the loop (MATCH, rowid descending, LIMIT): the joins only filter out
    // deleted rows, and snippet()/highlight() run only for rows that are returned.
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

  query(text: string, limit = 50): SearchHit[] {
    const q = toMatchExpression(text);
    if (!q) return [];
    const params = { q, limit, s: SNIPPET_START, e: SNIPPET_END };
    const titles = this.titles.all(params) as Row[];
    const messages = this.messages.all(params) as Row[];
    // Messages are sure of every place but TITLE_HITS; titles take the rest.
    const shownTitles = titles.slice(0, limit - Math.min(messages.length, Math.max(0, limit - TITLE_HITS)));
    return [...shownTitles, ...messages].slice(0, limit);
  }
}
