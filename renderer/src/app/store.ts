/** The one zustand store, combined from feature slices; events from the app are wired in once here. */
import { create } from 'zustand';
import type { HearthClient } from '../../../shared/contract';
import { client, onConnectionChange, type ConnectionState } from '../client';
import { createChatSlice, type ChatSlice } from '../features/chat/chat-slice';
import { createModelsSlice, type ModelsSlice } from '../features/chat/models-slice';
import { createSettingsSlice, type SettingsSlice } from '../features/settings/settings-slice';
import { createSidebarSlice, type SidebarSlice } from '../features/sidebar/sidebar-slice';
import { createSearchSlice, type SearchSlice } from '../features/search/search-slice';
import { createOllamaSlice, type OllamaSlice } from '../features/ollama/ollama-slice';
import { createModelManagerSlice, type ModelManagerSlice } from '../features/models/model-manager-slice';
import { createSyncSlice, type SyncSlice } from '../features/sync/sync-slice';
import { createImagesSlice, type ImagesSlice } from '../features/images/images-slice';
import { createDesktopSlice, type DesktopSlice } from '../features/desktop/desktop-slice';
import { createBackupsSlice, type BackupsSlice } from '../features/data/backups-slice';

export type View = 'chat' | 'settings' | 'models' | 'images';

export interface UiSlice {
  view: View;
  connection: ConnectionState;
  setView(view: View): void;
}

export type AppState = ChatSlice &
  SidebarSlice &
  SearchSlice &
  ModelsSlice &
  SettingsSlice &
  OllamaSlice &
  ModelManagerSlice &
  SyncSlice &
  ImagesSlice &
  DesktopSlice &
  BackupsSlice &
  UiSlice;

/** A fresh store (the app has one; tests make their own). */
export const createAppStore = () =>
  create<AppState>()((...a) => ({
    ...createChatSlice(...a),
    ...createSidebarSlice(...a),
    ...createSearchSlice(...a),
    ...createModelsSlice(...a),
    ...createSettingsSlice(...a),
    ...createOllamaSlice(...a),
    ...createModelManagerSlice(...a),
    ...createSyncSlice(...a),
    ...createImagesSlice(...a),
    ...createDesktopSlice(...a),
    ...createBackupsSlice(...a),
    view: 'chat',
    connection: 'open',
    setView: (view) => a[0]({ view }),
  }));

export const useAppStore = createAppStore();

/** Hand the app's events to a store's slices. */
export function wireEvents(s: () => AppState, on: HearthClient['on']): void {
  on('message.delta', (p) => s().onDelta(p));
  on('message.done', (p) => s().onDone(p));
  on('chat.updated', ({ chat }) => s().onChatUpdated(chat));
  on('message.created', ({ message }) => s().onMessageRow(message));
  on('message.updated', ({ message }) => s().onMessageRow(message));
  on('models.pullProgress', (p) => s().onPullProgress(p));
  on('ollama.status', (status) => s().onOllamaStatus(status));
  on('chat.deleted', ({ id, version }) => s().onChatDeleted(id, version));
  on('models.changed', ({ providerId }) => {
    void s().loadModels();
    s().onModelsChanged(providerId);
  });
  on('folders.changed', () => s().onFoldersChanged());
  on('sync.status', (status) => s().onSyncStatus(status));
  // Many rows pulled at once (not announced one by one): read the list and the open chat again.
  on('sync.changed', ({ rows }) => s().onSyncChanged(rows));
  // A finished import (possibly from another window, or too big to announce chat by chat).
  on('data.importProgress', (p) => {
    if (p.phase === 'done' && p.done > 0) void s().loadChats();
  });
  on('images.job', (job) => s().onImageJob(job));
  on('images.progress', (p) => s().onImageProgress(p));
  on('images.changed', (p) => s().onImagesChanged(p));
  on('desktop.changed', (view) => s().onDesktopChanged(view));
  on('settings.changed', (settings) => s().onSettingsChanged(settings));
  on('backups.changed', (view) => s().onBackupsChanged(view));
  // A restore replaced the data: everything on screen is stale, the page reads it all again.
  on('data.restored', ({ movedAside }) => s().onDataRestored(movedAside));
  on('app.command', (c) => {
    if (c.command === 'new-chat') {
      // A prompt (a hearth://new link, the quick prompt's unsent draft) fills the composer, never sent by itself.
      s().newChat();
      if (c.model) s().selectModel(c.model, false);
      if (c.prompt) s().prefillComposer(c.prompt);
    } else if (c.command === 'open-chat') {
      // The quick prompt's Ctrl/Cmd+Enter (with its unsent draft) or a hearth://chat/<id> link.
      s().setView('chat');
      void s().openChat(c.chatId);
      if (c.draft) s().prefillComposer(c.draft);
    } else if (c.command === 'open-settings') s().setView('settings');
    else if (c.command === 'open-models') s().setView('models');
    else if (c.command === 'open-images') s().setView('images');
    else if (c.command === 'open-desktop-settings') s().focusDesktopSettings();
  });
}

let wired = false;
/** Subscribe the store to app events and load the first data. Call once at start-up. */
export function startStore(): void {
  if (wired) return;
  wired = true;
  const s = useAppStore.getState;
  wireEvents(s, client.on);
  let wasClosed = false;
  onConnectionChange((connection) => {
    useAppStore.setState({ connection });
    if (connection === 'closed') wasClosed = true;
    if (connection === 'open' && wasClosed) {
      wasClosed = false;
      void s().resync();
      void s().loadOllamaStatus();
      s().onSyncReconnect();
      s().onImagesReconnect();
      s().onDesktopReconnect();
      s().onBackupsReconnect();
    }
  });
  void s()
    .loadSettings()
    .then(() => s().loadModels());
  void s().loadChats();
  void s().loadOllamaStatus();
  void s().loadSyncStatus();
  void s().loadDesktop();
  // Backups are read when Settings → Data opens; after a restore's reload, say where the old data went.
  s().resumeAfterRestore();
}
