/**
 * Full-text search over message text (messages_fts) and chat titles (chats_fts), FTS5 with bm25.
 *
 * User input never reaches FTS5 as syntax: it is split into words the way the unicode61 tokenizer
 * splits them, each word is quoted, and the last one becomes a prefix ("quantu" finds "quantum"),
 * so `"`, `*`, `(`, `NEAR`, `AND`, `-` … are just text (a one-letter last word is matched whole).
 * Hits are joined to live rows (message not deleted, chat not deleted). Ranking: bm25 (best first),
 * then most recent. To keep a very common word fast on a big history, bm25 ranks the most recent
 * CANDIDATES matches of each index (every match, when there are fewer). */
import { SNIPPET_END, SNIPPET_START, type MessageRole, type SearchHit } from '../../../shared/types/domain';
import type { Db } from '../store/database';

const CANDIDATES = 500;
const SNIPPET_TOKENS = 12;
const WORD = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;

/** The FTS5 MATCH expression for what the user typed, or null when it holds no word at all. */
export function toMatchExpression(input: string): string | null {
  const words = input.match(WORD);
  if (!words) return null;
  // A one-letter prefix would expand to a large part of the vocabulary (slow, and useless as a filter).
  return words.map((w, i) => `"${w}"${i === words.length - 1 && [...w].length > 1 ? '*' : ''}`).join(' ');
}

interface Candidate {
  kind: 'message' | 'title';
  rowid: number;
  score: number;
  updatedAt: number;
  chatId: string;
  chatTitle: string;
  messageId: string | null;
  role: MessageRole | null;
}

export class SearchService {
  constructor(private readonly db: Db) {}

  query(text: string, limit = 50): SearchHit[] {
    const match = toMatchExpression(text);
    if (!match) return [];
    const messages = this.db
      .prepare(
        `SELECT 'message' AS kind, f.rowid AS rowid, f.score AS score, m.updated_at AS updatedAt,
           c.id AS chatId, c.title AS chatTitle, m.id AS messageId, m.role AS role
         FROM (SELECT rowid, bm25(messages_fts) AS score FROM messages_fts WHERE messages_fts MATCH @q
               ORDER BY rowid DESC LIMIT @cand) f
         JOIN messages m ON m.rowid = f.rowid AND m.deleted = 0
         JOIN chats c ON c.id = m.chat_id AND c.deleted = 0
         ORDER BY f.score, m.updated_at DESC LIMIT @limit`,
      )
      .all({ q: match, cand: CANDIDATES, limit }) as Candidate[];
    const titles = this.db
      .prepare(
        `SELECT 'title' AS kind, f.rowid AS rowid, f.score AS score, c.updated_at AS updatedAt,
           c.id AS chatId, c.title AS chatTitle, NULL AS messageId, NULL AS role
         FROM (SELECT rowid, bm25(chats_fts) AS score FROM chats_fts WHERE chats_fts MATCH @q
               ORDER BY rowid DESC LIMIT @cand) f
         JOIN chats c ON c.rowid = f.rowid AND c.deleted = 0
         ORDER BY f.score, c.updated_at DESC LIMIT @limit`,
      )
      .all({ q: match, cand: CANDIDATES, limit }) as Candidate[];
    const best = [...titles, ...messages]
      .sort((a, b) => a.score - b.score || b.updatedAt - a.updatedAt)
      .slice(0, limit);

    // Snippets for the chosen hits only, in one MATCH per index (each MATCH re-expands a prefix),
    // narrowed to the hits' rowid range so FTS5 walks only that part of the index. `+rowid` keeps
    // the planner from running the MATCH once per id (one prefix expansion each: ~50x slower).
    const snippets = (kind: Candidate['kind']) => {
      const rowids = best.filter((c) => c.kind === kind).map((c) => c.rowid);
      const map = new Map<number, string>();
      if (!rowids.length) return map;
      const fn =
        kind === 'message'
          ? `snippet(messages_fts, 0, @s, @e, '…', ${SNIPPET_TOKENS})`
          : `highlight(chats_fts, 0, @s, @e)`;
      const table = kind === 'message' ? 'messages_fts' : 'chats_fts';
      const rows = this.db
        .prepare(
          `SELECT rowid, ${fn} AS snippet FROM ${table}
           WHERE ${table} MATCH @q AND rowid >= @min AND rowid <= @max
             AND +rowid IN (SELECT value FROM json_each(@ids))`,
        )
        .all({
          s: SNIPPET_START,
          e: SNIPPET_END,
          q: match,
          min: Math.min(...rowids),
          max: Math.max(...rowids),
          ids: JSON.stringify(rowids),
        }) as { rowid: number; snippet: string }[];
      for (const r of rows) map.set(r.rowid, r.snippet);
      return map;
    };
    const found = { message: snippets('message'), title: snippets('title') };
    return best.map((c) => ({
      chatId: c.chatId,
      chatTitle: c.chatTitle,
      messageId: c.messageId,
      role: c.role,
      snippet: found[c.kind].get(c.rowid) ?? c.chatTitle,
      updatedAt: c.updatedAt,
    }));
  }
}
