/**
 * Full-text search over message text and chat titles (the FTS5 queries are in store/search-repo.ts).
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
import type { SearchHit } from '../../../shared/types/domain';
import type { SearchRepo } from '../store/search-repo';

/** Places titles may take from matching messages (titles fill any room messages leave). */
export const TITLE_HITS = 10;
const WORD = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;

/** The FTS5 MATCH expression for what the user typed, or null when it holds no word at all. */
export function toMatchExpression(input: string): string | null {
  const words = input.match(WORD);
  if (!words) return null;
  // A one-letter prefix would expand to a large part of the vocabulary (slow, and useless as a filter).
  return words.map((w, i) => `"${w}"${i === words.length - 1 && [...w].length > 1 ? '*' : ''}`).join(' ');
}

export class SearchService {
  constructor(private readonly repo: SearchRepo) {}

  query(text: string, limit = 50): SearchHit[] {
    const q = toMatchExpression(text);
    if (!q) return [];
    const titles = this.repo.titleHits(q, limit);
    const messages = this.repo.messageHits(q, limit);
    // Messages are sure of every place but TITLE_HITS; titles take the rest.
    const shownTitles = titles.slice(0, limit - Math.min(messages.length, Math.max(0, limit - TITLE_HITS)));
    return [...shownTitles, ...messages].slice(0, limit);
  }
}
