/**
 * Searching chats and jumping to a hit: the query (debounced), the hits, and `focusMessageId`, the
 * message the chat view scrolls to and highlights once it is on screen.
 * Public: setSearchQuery, clearSearch, openSearchHit, clearFocusMessage.
 */
import type { StateCreator } from 'zustand';
import type { SearchHit } from '../../../../shared/types/domain';
import { client } from '../../client';
import type { AppState } from '../../app/store';

export interface SearchSlice {
  searchQuery: string;
  searchHits: SearchHit[];
  searchStatus: 'idle' | 'searching' | 'done' | 'error';
  searchError: string | null;
  focusMessageId: string | null;
  setSearchQuery(query: string): void;
  clearSearch(): void;
  openSearchHit(hit: SearchHit): Promise<void>;
  clearFocusMessage(): void;
}

export const SEARCH_DEBOUNCE_MS = 150;
let timer: ReturnType<typeof setTimeout> | undefined;
let seq = 0;

export const createSearchSlice: StateCreator<AppState, [], [], SearchSlice> = (set, get) => ({
  searchQuery: '',
  searchHits: [],
  searchStatus: 'idle',
  searchError: null,
  focusMessageId: null,

  setSearchQuery(query) {
    set({ searchQuery: query });
    clearTimeout(timer);
    const q = query.trim();
    const mine = ++seq;
    if (!q) {
      set({ searchHits: [], searchStatus: 'idle', searchError: null });
      return;
    }
    set({ searchStatus: 'searching' });
    timer = setTimeout(() => {
      client.call('search.query', { query: q.slice(0, 500) }).then(
        ({ hits }) => {
          if (mine === seq) set({ searchHits: hits, searchStatus: 'done', searchError: null });
        },
        (err: Error) => {
          if (mine === seq) set({ searchHits: [], searchStatus: 'error', searchError: err.message });
        },
      );
    }, SEARCH_DEBOUNCE_MS);
  },

  clearSearch() {
    get().setSearchQuery('');
  },

  async openSearchHit(hit) {
    set({ focusMessageId: hit.messageId });
    await get().openChat(hit.chatId);
    // Not on screen (another branch, or the chat failed to open): don't leave a stale request behind.
    const id = get().focusMessageId;
    if (id && !get().messages.some((m) => m.id === id)) set({ focusMessageId: null });
  },

  clearFocusMessage() {
    set({ focusMessageId: null });
  },
});
