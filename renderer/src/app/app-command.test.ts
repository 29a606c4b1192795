/**
 * The main window's side of the quick prompt's Ctrl/Cmd+Enter (and of hearth:// links): the
 * 'app.command' open-chat and new-chat variants open the chat and put the draft in the composer
 * (taken once, never sent), and select a model for a new chat.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fake, emit, calls, resetFake } from '../testing/fake-client';

vi.mock('../client', async () => (await import('../testing/fake-client')).fakeClientModule);

const { createAppStore, wireEvents } = await import('./store');
let store: ReturnType<typeof createAppStore>;

const CHAT = '01900000-0000-7000-8000-000000000001';

beforeEach(() => {
  resetFake();
  store = createAppStore();
  wireEvents(store.getState, fake.client.on as never);
});

describe("'app.command' from the quick prompt", () => {
  it('open-chat shows the chat with the unsent draft in the composer, taken once', () => {
    store.getState().setView('settings');
    emit('app.command', { command: 'open-chat', chatId: CHAT, draft: 'an unsent follow-up' });
    expect(store.getState()).toMatchObject({ view: 'chat', activeChatId: CHAT });
    expect(calls('chats.get')).toEqual([{ id: CHAT }]);
    expect(store.getState().takeComposerPrefill()).toEqual({ text: 'an unsent follow-up', files: [] });
    expect(store.getState().takeComposerPrefill()).toBeNull();
    expect(calls('messages.send')).toEqual([]);
  });

  it('open-chat without a draft leaves the composer alone', () => {
    emit('app.command', { command: 'open-chat', chatId: CHAT });
    expect(store.getState().composerPrefill).toBeNull();
  });

  it('new-chat with a prompt and a model fills the composer and selects the model, without sending or remembering it', () => {
    emit('app.command', { command: 'new-chat', prompt: 'Summarise this', model: 'ollama/qwen2.5:0.5b' });
    expect(store.getState()).toMatchObject({ view: 'chat', activeChatId: null, selectedModel: 'ollama/qwen2.5:0.5b' });
    expect(store.getState().takeComposerPrefill()).toEqual({ text: 'Summarise this', files: [] });
    expect(calls('messages.send')).toEqual([]);
    expect(calls('settings.update')).toEqual([]);
  });

  it('a plain new-chat (the menu) fills nothing', () => {
    emit('app.command', { command: 'new-chat' });
    expect(store.getState().composerPrefill).toBeNull();
  });
});
