/**
 * The sidebar: the chat list (paged, pinned first, filtered by folder / tag / archived), live updates
 * from events, organising chats (rename, pin, archive, tags, folder, delete with Undo), folders, tags,
 * and the toast that offers Undo.
 * Public: loadChats, loadMoreChats, deleteChat, onChatUpdated, onChatDeleted (used by app/store.ts),
 * setChatFilter, updateChat, restoreChat, loadFolders, loadTags, createFolder, renameFolder,
 * deleteFolder, onFoldersChanged, showToast, dismissToast.
 * Every chat row, from a reply or an event, goes through `chatRows` (shared/versioned.ts): the
 * newest version wins, and a list that arrives late is merged with the rows held.
 */
import type { StateCreator } from 'zustand';
import type { MethodInput } from '../../../../shared/contract';
import type { Chat, Folder, TagCount } from '../../../../shared/types/domain';
import { LatestReply, RowBook } from '../../../../shared/versioned';
import { client } from '../../client';
import type { AppState } from '../../app/store';

export interface ChatFilter {
  /** A folder id; omitted for every chat. */
  folderId?: string;
  tag?: string;
  archived: boolean;
}

export interface Toast {
  id: number;
  message: string;
  kind: 'info' | 'error';
  action?: { label: string; run: () => void };
}

export type ChatPatch = Omit<MethodInput<'chats.update'>, 'id'>;

export interface SidebarSlice {
  /** The newest version of every chat seen (this window's truth; `chats` is the filtered page of it). */
  chatRows: RowBook<Chat>;
  chats: Chat[];
  chatsHasMore: boolean;
  chatsLoaded: boolean;
  chatsLoadingMore: boolean;
  chatFilter: ChatFilter;
  folders: Folder[];
  tags: TagCount[];
  toast: Toast | null;
  loadChats(): Promise<void>;
  loadMoreChats(): Promise<void>;
  setChatFilter(filter: ChatFilter): void;
  deleteChat(id: string): Promise<void>;
  restoreChat(id: string, reopen?: boolean): Promise<void>;
  updateChat(id: string, patch: ChatPatch): Promise<boolean>;
  loadFolders(): Promise<void>;
  loadTags(): Promise<void>;
  createFolder(name: string): Promise<boolean>;
  renameFolder(id: string, name: string): Promise<boolean>;
  deleteFolder(id: string): Promise<void>;
  /** A chat row from an event or a reply: taken when newer, in the list and as the open chat. */
  onChatUpdated(chat: Chat): void;
  onChatDeleted(id: string, version: string): void;
  onFoldersChanged(): void;
  showToast(toast: Omit<Toast, 'id'>): void;
  dismissToast(id: number): void;
}

export const PAGE = 50;
export const UNDO_MS = 8000;

/** Pinned first, then most recent; the same order as chats.list. */
export function compareChats(a: Chat, b: Chat): number {
  return Number(b.pinned) - Number(a.pinned) || b.updatedAt - a.updatedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

export function matchesFilter(chat: Chat, f: ChatFilter): boolean {
  if (chat.archived !== f.archived) return false;
  if (f.folderId !== undefined && chat.folderId !== f.folderId) return false;
  if (f.tag && !chat.tags.some((t) => t.toLowerCase() === f.tag!.toLowerCase())) return false;
  return true;
}

const listInput = (f: ChatFilter): MethodInput<'chats.list'> => ({
  limit: PAGE,
  archived: f.archived,
  ...(f.folderId !== undefined ? { folderId: f.folderId } : {}),
  ...(f.tag ? { tag: f.tag } : {}),
});

let toastSeq = 0;
let countsTimer: ReturnType<typeof setTimeout> | undefined;

const sameFilter = (a: ChatFilter, b: ChatFilter) =>
  a.archived === b.archived && a.folderId === b.folderId && a.tag === b.tag;

/**
 * The page on screen from a list reply: each row the newest held, plus rows held that the reply
 * does not have (created or moved here by an event meanwhile) where they belong in the order.
 */
function pageFrom(book: RowBook<Chat>, reply: Chat[], filter: ChatFilter, hasMore: boolean): Chat[] {
  const { rows } = book.merge(reply);
  const listed = new Set(rows.map((c) => c.id));
  const last = reply[reply.length - 1];
  const extra = book.rows(
    (c) => !listed.has(c.id) && matchesFilter(c, filter) && (!hasMore || !last || compareChats(c, last) < 0),
  );
  // A newer copy may sort elsewhere (pinned meanwhile) or have left the filter (archived meanwhile).
  return [...rows.filter((c) => matchesFilter(c, filter)), ...extra].sort(compareChats);
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const createSidebarSlice: StateCreator<AppState, [], [], SidebarSlice> = (set, get) => {
  const latestFolders = new LatestReply();
  const latestTags = new LatestReply();
  /** Folder chat counts and tag counts change with many events: re-read them, at most every 400 ms. */
  const refreshCounts = () => {
    clearTimeout(countsTimer);
    countsTimer = setTimeout(() => {
      void get().loadFolders();
      void get().loadTags();
    }, 400);
  };
  const fail = (what: string, err: unknown) => get().showToast({ kind: 'error', message: `${what}: ${message(err)}` });

  return {
    chatRows: new RowBook<Chat>(),
    chats: [],
    chatsHasMore: false,
    chatsLoaded: false,
    chatsLoadingMore: false,
    chatFilter: { archived: false },
    folders: [],
    tags: [],
    toast: null,

    async loadChats() {
      const filter = get().chatFilter;
      void get().loadFolders();
      void get().loadTags();
      try {
        const { chats, hasMore } = await client.call('chats.list', listInput(filter));
        if (!sameFilter(filter, get().chatFilter)) return; // another filter was chosen meanwhile
        set({
          chats: pageFrom(get().chatRows, chats, filter, hasMore),
          chatsHasMore: hasMore,
          chatsLoaded: true,
          chatsLoadingMore: false,
        });
      } catch (err) {
        if (sameFilter(filter, get().chatFilter)) set({ chatsLoaded: true, chatError: message(err) });
      }
    },

    async loadMoreChats() {
      const { chats, chatsHasMore, chatsLoadingMore, chatFilter } = get();
      const last = chats[chats.length - 1];
      if (!chatsHasMore || !last || chatsLoadingMore) return;
      set({ chatsLoadingMore: true });
      try {
        const page = await client.call('chats.list', {
          ...listInput(chatFilter),
          before: { pinned: last.pinned, updatedAt: last.updatedAt, id: last.id },
        });
        if (!sameFilter(chatFilter, get().chatFilter)) return;
        const seen = new Set(get().chats.map((c) => c.id));
        const more = get()
          .chatRows.merge(page.chats)
          .rows.filter((c) => !seen.has(c.id));
        set({
          chats: [...get().chats, ...more.filter((c) => matchesFilter(c, chatFilter))],
          chatsHasMore: page.hasMore,
          chatsLoadingMore: false,
        });
      } catch (err) {
        if (sameFilter(chatFilter, get().chatFilter)) set({ chatsLoadingMore: false });
        fail('Could not load more chats', err);
      }
    },

    setChatFilter(filter) {
      set({ chatFilter: filter, chats: [], chatsLoaded: false, chatsHasMore: false, chatsLoadingMore: false });
      void get().loadChats();
    },

    async deleteChat(id) {
      const chat = get().chats.find((c) => c.id === id);
      const wasActive = get().activeChatId === id;
      try {
        const { version } = await client.call('chats.delete', { id });
        get().onChatDeleted(id, version);
        const title = chat?.title ?? 'the chat';
        get().showToast({
          kind: 'info',
          message: `Deleted “${title.length > 40 ? `${title.slice(0, 40)}…` : title}”.`,
          action: { label: 'Undo', run: () => void get().restoreChat(id, wasActive) },
        });
      } catch (err) {
        fail('Could not delete the chat', err);
      }
    },

    async restoreChat(id, reopen = false) {
      try {
        const chat = await client.call('chats.restore', { id });
        get().onChatUpdated(chat);
        if (reopen) await get().openChat(id);
      } catch (err) {
        fail('Could not restore the chat', err);
      }
    },

    async updateChat(id, patch) {
      try {
        const chat = await client.call('chats.update', { id, ...patch });
        get().onChatUpdated(chat);
        return true;
      } catch (err) {
        fail('Could not change the chat', err);
        return false;
      }
    },

    async loadFolders() {
      try {
        const { folders, asOf } = await client.call('folders.list', {});
        if (!latestFolders.take(asOf)) return; // a newer list is already shown
        set({ folders });
        const f = get().chatFilter;
        if (f.folderId && !folders.some((x) => x.id === f.folderId)) get().setChatFilter({ ...f, folderId: undefined });
      } catch {
        // Counts are a nicety; the list itself reports its own errors.
      }
    },

    async loadTags() {
      try {
        const { tags, asOf } = await client.call('tags.list', {});
        if (latestTags.take(asOf)) set({ tags });
      } catch {}
    },

    async createFolder(name) {
      try {
        const folder = await client.call('folders.create', { name });
        set((s) => ({ folders: [...s.folders.filter((f) => f.id !== folder.id), folder] }));
        return true;
      } catch (err) {
        fail('Could not create the folder', err);
        return false;
      }
    },

    async renameFolder(id, name) {
      try {
        const folder = await client.call('folders.rename', { id, name });
        set((s) => ({ folders: s.folders.map((f) => (f.id === id ? folder : f)) }));
        return true;
      } catch (err) {
        fail('Could not rename the folder', err);
        return false;
      }
    },

    async deleteFolder(id) {
      try {
        await client.call('folders.delete', { id });
        set((s) => ({
          folders: s.folders.filter((f) => f.id !== id),
          chats: s.chats.map((c) => (c.folderId === id ? { ...c, folderId: null } : c)),
        }));
        const f = get().chatFilter;
        if (f.folderId === id) get().setChatFilter({ ...f, folderId: undefined });
      } catch (err) {
        fail('Could not delete the folder', err);
      }
    },

    onChatUpdated(chat) {
      if (!get().chatRows.apply(chat)) return; // an older copy than the one shown
      get().onActiveChatUpdated(chat);
      set((s) => {
        const rest = s.chats.filter((c) => c.id !== chat.id);
        if (!matchesFilter(chat, s.chatFilter)) return rest.length === s.chats.length ? {} : { chats: rest };
        const last = rest[rest.length - 1];
        // A chat beyond the loaded pages arrives with its page; don't show it out of place.
        const wasThere = rest.length !== s.chats.length;
        if (!wasThere && s.chatsHasMore && last && compareChats(chat, last) > 0) return {};
        const i = rest.findIndex((c) => compareChats(chat, c) < 0);
        const next = rest.slice();
        next.splice(i < 0 ? next.length : i, 0, chat);
        return { chats: next };
      });
      refreshCounts();
    },

    onChatDeleted(id, version) {
      if (!get().chatRows.remove(id, version)) return;
      set((s) => ({
        chats: s.chats.filter((c) => c.id !== id),
        ...(s.activeChatId === id ? { activeChatId: null, messages: [] } : {}),
      }));
      refreshCounts();
    },

    onFoldersChanged() {
      refreshCounts();
    },

    showToast(toast) {
      set({ toast: { ...toast, id: ++toastSeq } });
    },

    dismissToast(id) {
      if (get().toast?.id === id) set({ toast: null });
    },
  };
};
