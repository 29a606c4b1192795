/**
 * The sidebar's chat list: paging, live updates from events, delete.
 * Public: loadChats, loadMoreChats, deleteChat, onChatUpdated, onChatDeleted.
 */
import type { StateCreator } from 'zustand';
import type { Chat } from '../../../../shared/types/domain';
import { client } from '../../client';
import type { AppState } from '../../app/store';

export interface SidebarSlice {
  chats: Chat[];
  chatsHasMore: boolean;
  chatsLoaded: boolean;
  loadChats(): Promise<void>;
  loadMoreChats(): Promise<void>;
  deleteChat(id: string): Promise<void>;
  onChatUpdated(chat: Chat): void;
  onChatDeleted(id: string): void;
}

const PAGE = 50;

/** Pinned first, then most recent; the same order as chats.list. */
const sortChats = (chats: Chat[]) =>
  [...chats].sort(
    (a, b) =>
      Number(b.pinned) - Number(a.pinned) || b.updatedAt - a.updatedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
  );

export const createSidebarSlice: StateCreator<AppState, [], [], SidebarSlice> = (set, get) => ({
  chats: [],
  chatsHasMore: false,
  chatsLoaded: false,

  async loadChats() {
    try {
      const { chats, hasMore } = await client.call('chats.list', { limit: PAGE });
      set({ chats, chatsHasMore: hasMore, chatsLoaded: true });
    } catch (err) {
      set({ chatsLoaded: true, chatError: (err as Error).message });
    }
  },

  async loadMoreChats() {
    const { chats, chatsHasMore } = get();
    const last = chats[chats.length - 1];
    if (!chatsHasMore || !last) return;
    const page = await client.call('chats.list', {
      limit: PAGE,
      before: { pinned: last.pinned, updatedAt: last.updatedAt, id: last.id },
    });
    const seen = new Set(get().chats.map((c) => c.id));
    set({ chats: [...get().chats, ...page.chats.filter((c) => !seen.has(c.id))], chatsHasMore: page.hasMore });
  },

  async deleteChat(id) {
    try {
      await client.call('chats.delete', { id });
    } catch (err) {
      set({ chatError: (err as Error).message });
    }
  },

  onChatUpdated(chat) {
    set((s) => ({ chats: sortChats([chat, ...s.chats.filter((c) => c.id !== chat.id)]) }));
  },

  onChatDeleted(id) {
    set((s) => ({
      chats: s.chats.filter((c) => c.id !== id),
      ...(s.activeChatId === id ? { activeChatId: null, messages: [] } : {}),
    }));
  },
});
