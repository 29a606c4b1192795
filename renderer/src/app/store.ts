/** The one zustand store, combined from feature slices; events from the app are wired in once here. */
import { create } from 'zustand';
import { client, onConnectionChange, type ConnectionState } from '../client';
import { createChatSlice, type ChatSlice } from '../features/chat/chat-slice';
import { createModelsSlice, type ModelsSlice } from '../features/chat/models-slice';
import { createSettingsSlice, type SettingsSlice } from '../features/settings/settings-slice';
import { createSidebarSlice, type SidebarSlice } from '../features/sidebar/sidebar-slice';
import { createSearchSlice, type SearchSlice } from '../features/search/search-slice';
import { createOllamaSlice, type OllamaSlice } from '../features/ollama/ollama-slice';
import { createModelManagerSlice, type ModelManagerSlice } from '../features/models/model-manager-slice';

export type View = 'chat' | 'settings' | 'models';

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
  UiSlice;

export const useAppStore = create<AppState>()((...a) => ({
  ...createChatSlice(...a),
  ...createSidebarSlice(...a),
  ...createSearchSlice(...a),
  ...createModelsSlice(...a),
  ...createSettingsSlice(...a),
  ...createOllamaSlice(...a),
  ...createModelManagerSlice(...a),
  view: 'chat',
  connection: 'open',
  setView: (view) => a[0]({ view }),
}));

let wired = false;
/** Subscribe the store to app events and load the first data. Call once at start-up. */
export function startStore(): void {
  if (wired) return;
  wired = true;
  const s = useAppStore.getState;
  client.on('message.delta', (p) => s().onDelta(p));
  client.on('message.done', (p) => s().onDone(p));
  client.on('chat.updated', ({ chat }) => s().onChatUpdated(chat));
  client.on('message.created', ({ message }) => s().onMessageRow(message));
  client.on('message.updated', ({ message }) => s().onMessageRow(message));
  client.on('models.pullProgress', (p) => {
    s().onPullProgress(p);
    s().onManagedPullProgress(p);
  });
  client.on('ollama.status', (status) => s().onOllamaStatus(status));
  client.on('chat.deleted', ({ id, version }) => s().onChatDeleted(id, version));
  client.on('models.changed', ({ providerId }) => {
    void s().loadModels();
    s().onModelsChanged(providerId);
  });
  client.on('folders.changed', () => s().onFoldersChanged());
  // A finished import (possibly from another window, or too big to announce chat by chat).
  client.on('data.importProgress', (p) => {
    if (p.phase === 'done' && p.done > 0) void s().loadChats();
  });
  client.on('app.command', ({ command }) => {
    if (command === 'new-chat') s().newChat();
    if (command === 'open-settings') s().setView('settings');
    if (command === 'open-models') s().setView('models');
  });
  let wasClosed = false;
  onConnectionChange((connection) => {
    useAppStore.setState({ connection });
    if (connection === 'closed') wasClosed = true;
    if (connection === 'open' && wasClosed) {
      wasClosed = false;
      void s().resync();
      void s().loadOllamaStatus();
    }
  });
  void s()
    .loadSettings()
    .then(() => s().loadModels());
  void s().loadChats();
  void s().loadOllamaStatus();
}
