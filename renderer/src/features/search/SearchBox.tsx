/**
 * "Search chats": live results (debounced) over every message and title, with the matched words
 * marked. Ctrl/Cmd+K focuses it from anywhere; ↓ moves into the results; Escape clears.
 * Snippets are rendered as text with <mark> elements, never as HTML.
 */
import { useEffect, useRef, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { useAppStore } from '../../app/store';
import { parseSnippet } from './snippet';

export function SearchBox() {
  const query = useAppStore((s) => s.searchQuery);
  const { setSearchQuery, clearSearch, openSearchHit } = useAppStore.getState();
  const ref = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        ref.current?.focus();
        ref.current?.select();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="search-box">
      <input
        ref={ref}
        type="search"
        className="search-input"
        aria-label="Search chats"
        placeholder="Search chats (Ctrl+K)"
        value={query}
        maxLength={500}
        onChange={(e) => setSearchQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            clearSearch();
          } else if (e.key === 'ArrowDown') {
            e.preventDefault();
            document.querySelector<HTMLElement>('.search-hit')?.focus();
          } else if (e.key === 'Enter') {
            const first = useAppStore.getState().searchHits[0];
            if (first) void openSearchHit(first);
          }
        }}
      />
    </div>
  );
}

function Snippet({ text }: { text: string }) {
  return (
    <>{parseSnippet(text).map((p, i) => (p.mark ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}</>
  );
}

const ROLE_LABEL: Record<string, string> = { user: 'You', assistant: 'Answer', system: 'System' };

export function SearchResults() {
  const query = useAppStore((s) => s.searchQuery);
  const hits = useAppStore((s) => s.searchHits);
  const status = useAppStore((s) => s.searchStatus);
  const error = useAppStore((s) => s.searchError);
  const { openSearchHit } = useAppStore.getState();

  const move = (e: ReactKeyboardEvent<HTMLButtonElement>) => {
    const all = [...document.querySelectorAll<HTMLElement>('.search-hit')];
    const i = all.indexOf(e.currentTarget);
    if (e.key === 'ArrowDown') all[Math.min(i + 1, all.length - 1)]?.focus();
    else if (e.key === 'ArrowUp')
      (i === 0 ? document.querySelector<HTMLElement>('.search-input') : all[i - 1])?.focus();
    else if (e.key === 'Escape') document.querySelector<HTMLElement>('.search-input')?.focus();
    else return;
    e.preventDefault();
  };

  return (
    <div className="search-results">
      <p className="search-status muted" role="status">
        {status === 'searching' && hits.length === 0
          ? 'Searching…'
          : status === 'error'
            ? `Search failed: ${error ?? 'unknown error'}`
            : status === 'done' && hits.length === 0
              ? `No chats match “${query.trim()}”.`
              : status === 'done'
                ? `${hits.length}${hits.length >= 50 ? '+' : ''} ${hits.length === 1 ? 'match' : 'matches'}`
                : ''}
      </p>
      <ul className="search-list" aria-label="Search results">
        {hits.map((h) => (
          <li key={`${h.chatId}:${h.messageId ?? 'title'}`}>
            <button type="button" className="search-hit" onClick={() => void openSearchHit(h)} onKeyDown={move}>
              <span className="search-hit-title">{h.chatTitle}</span>
              <span className="search-hit-snippet">
                {h.role && <span className="search-hit-role">{ROLE_LABEL[h.role] ?? h.role}: </span>}
                <Snippet text={h.snippet} />
              </span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
