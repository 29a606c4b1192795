/**
 * The quick prompt's store against the shared fake client: which model it starts with, the calls a
 * question makes (quick.start for a new chat, attachments.add, messages.send with the chosen ids),
 * deltas matched by message id (others', repeats and gaps), a failed send giving the question back,
 * Esc / continue in the main window / clipboard in the desktop app and in serve, Ctrl+N discarding.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClipboardContent } from '../../../../shared/desktop/quick-prompt';
import type { Chat, Message, ModelInfo } from '../../../../shared/types/domain';
import { DEFAULT_DESKTOP_SETTINGS, type DesktopView } from '../../../../shared/types/desktop';
import { fake, emit, calls, resetFake } from '../../testing/fake-client';
import { testMessage } from '../../testing/messages';

vi.mock('../../client', async () => (await import('../../testing/fake-client')).fakeClientModule);

const { createQuickStore, ClipboardDenied, textToBase64 } = await import('./quick-store');
type Store = ReturnType<typeof createQuickStore>;

const settle = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

const model = (name: string, providerId = 'ollama'): ModelInfo => ({
  id: `${providerId}/${name}`,
  providerId,
  providerKind: 'ollama',
  providerLabel: 'Ollama',
  name,
});
const MODELS = [model('llama3.2:1b'), model('qwen2.5:0.5b'), model('phi4')];

function desktopView(p: Partial<DesktopView['settings']> = {}, desktop = false): DesktopView {
  return {
    settings: { ...DEFAULT_DESKTOP_SETTINGS, ...p },
    desktop,
    platform: 'linux',
    shortcut: null,
    updates: null,
    version: '0.1.0',
    seq: 0,
  };
}

const chatRow = (id: string): Chat => ({ id, title: 'New chat', model: null }) as unknown as Chat;

const message = (p: Partial<Message>): Message => testMessage({ status: 'streaming', version: 'v', ...p });

let goToMain: ReturnType<typeof vi.fn>;
let readClipboard: ReturnType<typeof vi.fn<() => Promise<ClipboardContent>>>;
let store: Store;

function replies(
  o: { desktop?: boolean; quickModel?: string | null; defaultModel?: string | null; saving?: boolean } = {},
) {
  fake.state.replies['models.list'] = { models: MODELS, providers: [], asOf: '1' };
  fake.state.replies['desktop.get'] = desktopView(
    { quickPromptModel: o.quickModel ?? null, saveQuickPrompts: o.saving ?? true },
    o.desktop ?? false,
  );
  fake.state.replies['settings.get'] = { defaultModel: o.defaultModel ?? null, theme: 'dark' };
  fake.state.replies['quick.start'] = (i: { id: string }) => chatRow(i.id);
  let n = 0;
  fake.state.replies['attachments.add'] = () => ({ id: `att-${++n}` });
  fake.state.replies['messages.send'] = (i: { chatId: string }) => ({ chat: chatRow(i.chatId) });
  fake.state.replies['messages.stop'] = { stopped: true };
  fake.state.replies['quick.keep'] = { ok: true };
  fake.state.replies['quick.discard'] = { removed: false };
  fake.state.replies['chats.delete'] = { ok: true, version: 'v' };
  fake.state.replies['desktop.hideQuickPrompt'] = { ok: true };
  fake.state.replies['desktop.openInMain'] = { ok: true };
}

async function started(o: Parameters<typeof replies>[0] = {}) {
  replies(o);
  store = createQuickStore({
    desktop: o.desktop ?? false,
    goToMain,
    readClipboard,
    imageContent: async () => ({ kind: 'image', mime: 'image/png', dataBase64: 'iVBO', size: 3, width: 1, height: 1 }),
  });
  store.getState().start();
  await settle();
  return store;
}

/** Type and press Enter; the ids the store chose for the question. */
async function ask(text: string) {
  store.getState().dispatch({ type: 'input', text });
  store.getState().submit();
  await settle();
  const send = calls('messages.send').at(-1) as
    { ids: { user: string; assistant: string }; chatId: string } | undefined;
  return { user: send?.ids.user, assistant: send?.ids.assistant ?? '', chatId: send?.chatId };
}

const delta = (messageId: string, offset: number, text: string) =>
  emit('message.delta', { chatId: 'c', messageId, offset, delta: text });
const done = (messageId: string, content: string, status: 'done' | 'error' | 'stopped' = 'done') =>
  emit('message.done', {
    chatId: 'c',
    messageId,
    status,
    content,
    error: status === 'error' ? { code: 'provider_error', message: 'The model crashed.' } : null,
    stats: null,
    version: 'v2',
  });

beforeEach(() => {
  resetFake();
  goToMain = vi.fn();
  readClipboard = vi.fn<() => Promise<ClipboardContent>>();
});

describe('quick prompt store: the model it starts with', () => {
  it('Settings → Desktop’s quick prompt model first, then the default model, then the first listed', async () => {
    await started({ quickModel: 'ollama/phi4', defaultModel: 'ollama/qwen2.5:0.5b' });
    expect(store.getState().quick.model).toBe('ollama/phi4');
    await started({ quickModel: null, defaultModel: 'ollama/qwen2.5:0.5b' });
    expect(store.getState().quick.model).toBe('ollama/qwen2.5:0.5b');
    // A bare name and a model no longer installed.
    await started({ quickModel: 'gone:7b', defaultModel: 'phi4' });
    expect(store.getState().quick.model).toBe('ollama/phi4');
    await started();
    expect(store.getState().quick.model).toBe('ollama/llama3.2:1b');
    expect(store.getState()).toMatchObject({ theme: 'dark', saving: true, setupError: null, loading: false });
  });

  it('no model installed, or Hearth not answering: says so in plain words', async () => {
    replies();
    fake.state.replies['models.list'] = { models: [], providers: [], asOf: '1' };
    store = createQuickStore({ desktop: false, goToMain, readClipboard, imageContent: vi.fn() });
    store.getState().start();
    await settle();
    expect(store.getState().setupError).toMatch(/No model is installed yet.*ollama pull llama3\.2/);

    fake.state.replies['models.list'] = () => {
      throw new fake.ClientError('backend_unreachable', 'Hearth is not answering. Is `hearth serve` still running?');
    };
    await store.getState().reloadModels();
    expect(store.getState().setupError).toBe('Hearth is not answering. Is `hearth serve` still running?');
    // Asking anyway says what is missing, and keeps the text.
    store.getState().dispatch({ type: 'input', text: 'hello' });
    store.getState().submit();
    expect(store.getState().quick).toMatchObject({ error: 'Choose a model first.', draft: 'hello' });
    expect(calls('messages.send')).toEqual([]);
  });

  it('Alt+↑/↓ cycles through the models (wrapping) and the next question uses the one picked', async () => {
    await started();
    store.getState().cycle(1);
    expect(store.getState().quick.model).toBe('ollama/qwen2.5:0.5b');
    store.getState().cycle(-1);
    store.getState().cycle(-1);
    expect(store.getState().quick.model).toBe('ollama/phi4');
    store.getState().pickModel('ollama/qwen2.5:0.5b');
    await ask('which model?');
    expect(calls('quick.start')).toEqual([{ id: expect.any(String), model: 'ollama/qwen2.5:0.5b' }]);
    expect(calls('messages.send').at(-1)).toMatchObject({ model: 'ollama/qwen2.5:0.5b' });
  });
});

describe('quick prompt store: asking and streaming', () => {
  it('the first question starts a quick chat, then sends into it with the ids the reducer chose', async () => {
    await started();
    const ids = await ask('  What is WAL?  ');
    const [start] = calls('quick.start') as { id: string }[];
    expect(start).toEqual({ id: store.getState().quick.chatId, model: 'ollama/llama3.2:1b' });
    expect(calls('messages.send')).toEqual([
      {
        chatId: start!.id,
        model: 'ollama/llama3.2:1b',
        content: 'What is WAL?',
        ids: { user: ids.user, assistant: ids.assistant },
      },
    ]);
    expect(store.getState().quick).toMatchObject({ phase: 'streaming', question: 'What is WAL?', draft: '' });
    expect(store.getState().quick.messageId).toBe(ids.assistant);

    // A follow-up goes into the same chat, without a new quick.start.
    delta(ids.assistant, 0, 'Write-ahead');
    done(ids.assistant, 'Write-ahead log.');
    const second = await ask('And why?');
    expect(calls('quick.start')).toHaveLength(1);
    expect(second.chatId).toBe(start!.id);
  });

  it('streams only its own answer; repeats and overlaps are written once; a gap reads the answer again', async () => {
    await started();
    const { assistant } = await ask('count');
    delta('someone-else', 0, 'not mine');
    delta(assistant, 0, 'one');
    delta(assistant, 3, ' two');
    expect(store.getState().quick.answer).toBe('one two');
    delta(assistant, 3, ' two'); // a repeat
    delta(assistant, 0, 'one'); // an older, shorter one: never cuts the text back
    expect(store.getState().quick.answer).toBe('one two');

    fake.state.replies['chats.get'] = {
      chat: chatRow('c'),
      messages: [message({ id: assistant, content: 'one two three four', status: 'streaming' })],
    };
    delta(assistant, 13, ' four'); // ' three' was missed
    await settle();
    expect(calls('chats.get')).toHaveLength(1);
    expect(store.getState().quick).toMatchObject({ answer: 'one two three four', phase: 'streaming' });

    done('someone-else', 'x');
    expect(store.getState().quick.phase).toBe('streaming');
    done(assistant, 'one two three four five');
    expect(store.getState().quick).toMatchObject({
      phase: 'answered',
      answer: 'one two three four five',
      answerStatus: 'done',
    });
  });

  it('an answer that fails shows its error in plain words', async () => {
    await started();
    const { assistant } = await ask('crash');
    done(assistant, '', 'error');
    expect(store.getState().quick).toMatchObject({
      phase: 'error',
      error: 'The model crashed.',
      answerStatus: 'error',
    });
  });

  it('a send that fails gives the question and attachments back, and removes the chat it had just made', async () => {
    await started();
    readClipboard.mockResolvedValue({ kind: 'text', text: 'copied words' });
    store.getState().attachClipboard();
    await settle();
    fake.state.replies['messages.send'] = () => {
      throw new fake.ClientError('provider_error', 'Ollama is not answering at http://127.0.0.1:11434.');
    };
    store.getState().dispatch({ type: 'input', text: 'explain this' });
    store.getState().submit();
    await settle();
    const q = store.getState().quick;
    expect(q).toMatchObject({
      phase: 'error',
      draft: 'explain this',
      chatId: null,
      question: null,
      error: 'Ollama is not answering at http://127.0.0.1:11434.',
    });
    expect(q.attachments.map((a) => a.name)).toEqual(['Clipboard.txt']);
    const made = (calls('quick.start')[0] as { id: string }).id;
    // Saved quick chats are not "temporary", so the empty chat is deleted instead.
    expect(calls('quick.discard')).toEqual([{ chatId: made }]);
    expect(calls('chats.delete')).toEqual([{ id: made }]);
  });

  it('quick.start failing sends nothing and gives the question back', async () => {
    await started();
    fake.state.replies['quick.start'] = () => {
      throw new fake.ClientError('internal', 'The database is locked.');
    };
    await ask('hello');
    expect(calls('messages.send')).toEqual([]);
    expect(store.getState().quick).toMatchObject({ draft: 'hello', error: 'The database is locked.', chatId: null });
  });

  it('Stop (Ctrl/Cmd+. or the button) stops the answer being written', async () => {
    await started();
    const { assistant } = await ask('talk');
    store.getState().stop();
    await settle();
    expect(calls('messages.stop')).toEqual([{ messageId: assistant }]);
  });
});

describe('quick prompt store: attachments', () => {
  it('clipboard text (serve: the browser clipboard) is uploaded to the chat and sent with the question', async () => {
    await started();
    readClipboard.mockResolvedValue({ kind: 'text', text: 'héllo clipboard' });
    store.getState().attachClipboard();
    await settle();
    expect(store.getState().quick.attachments).toMatchObject([{ kind: 'text', name: 'Clipboard.txt' }]);
    await store.getState().attachImageFile(new File([], 'x.png'));
    await ask('');
    const chatId = store.getState().quick.chatId;
    expect(calls('attachments.add')).toEqual([
      { chatId, name: 'Clipboard.txt', mime: 'text/plain', dataBase64: textToBase64('héllo clipboard') },
      { chatId, name: 'Clipboard.png', mime: 'image/png', dataBase64: 'iVBO', width: 1, height: 1 },
    ]);
    expect(calls('messages.send').at(-1)).toMatchObject({
      attachmentIds: ['att-1', 'att-2'],
      content: 'See the attached Clipboard.txt, Clipboard.png.',
    });
    expect(store.getState().sent?.files).toEqual(['Clipboard.txt', 'Clipboard.png']);
    expect(atob(textToBase64('héllo'))).toBe(String.fromCharCode(...new TextEncoder().encode('héllo')));
  });

  it('a browser that refuses the clipboard: a notice says to paste instead', async () => {
    await started();
    readClipboard.mockRejectedValue(new ClipboardDenied('no'));
    store.getState().attachClipboard();
    await settle();
    expect(store.getState().quick.notice).toMatch(/did not let Hearth read the clipboard\. Paste with Ctrl\+V/);
    expect(store.getState().quick.attachments).toEqual([]);
  });

  it('the desktop app reads the clipboard in the main process', async () => {
    await started({ desktop: true });
    fake.state.replies['desktop.readClipboard'] = { kind: 'text', text: 'from the shell' };
    store.getState().attachClipboard();
    await settle();
    expect(readClipboard).not.toHaveBeenCalled();
    expect(store.getState().quick.attachments).toMatchObject([{ data: 'from the shell' }]);
  });
});

describe('quick prompt store: hiding, continuing in the main window, starting over', () => {
  it('serve: Esc collapses the page and keeps everything; opening brings it back as it was', async () => {
    await started();
    const { assistant } = await ask('keep me');
    delta(assistant, 0, 'half an');
    store.getState().dispatch({ type: 'input', text: 'next thought' });
    store.getState().dispatch({ type: 'escape' });
    await settle();
    expect(store.getState().quick).toMatchObject({ visible: false, draft: 'next thought', answer: 'half an' });
    expect(calls('desktop.hideQuickPrompt')).toEqual([]);
    delta(assistant, 7, ' answer'); // still streams while collapsed
    store.getState().dispatch({ type: 'open' });
    expect(store.getState().quick).toMatchObject({ visible: true, draft: 'next thought', answer: 'half an answer' });
  });

  it('desktop: Esc hides the window through the shell', async () => {
    await started({ desktop: true });
    store.getState().dispatch({ type: 'escape' });
    await settle();
    expect(calls('desktop.hideQuickPrompt')).toEqual([{}]);
  });

  it('serve: Ctrl/Cmd+Enter keeps the chat, then hands the chat and draft to the main UI', async () => {
    await started({ saving: false });
    await ask('first');
    const chatId = store.getState().quick.chatId!;
    store.getState().dispatch({ type: 'input', text: 'an unsent follow-up' });
    store.getState().continueInMain();
    await settle();
    expect(calls('quick.keep')).toEqual([{ chatId }]);
    expect(goToMain).toHaveBeenCalledWith({ chatId, draft: 'an unsent follow-up', attachments: [] });
    expect(calls('desktop.openInMain')).toEqual([]);
  });

  it('desktop: Ctrl/Cmd+Enter asks the shell to open the chat with the draft', async () => {
    await started({ desktop: true });
    await ask('first');
    const chatId = store.getState().quick.chatId!;
    store.getState().dispatch({ type: 'input', text: 'more' });
    store.getState().continueInMain();
    await settle();
    expect(calls('desktop.openInMain')).toEqual([{ chatId, draft: 'more' }]);
    expect(goToMain).not.toHaveBeenCalled();
    expect(store.getState().quick).toMatchObject({ chatId: null, draft: '', question: null });
  });

  it('a hand-over that fails leaves everything as it was, with a notice', async () => {
    await started();
    const { assistant } = await ask('first');
    delta(assistant, 0, 'partial');
    fake.state.replies['quick.keep'] = () => {
      throw new fake.ClientError('backend_unreachable', 'Hearth is not answering.');
    };
    fake.state.replies['chats.get'] = {
      chat: chatRow('c'),
      messages: [message({ id: assistant, content: 'partial and more' })],
    };
    store.getState().dispatch({ type: 'input', text: 'draft' });
    store.getState().continueInMain();
    await settle();
    expect(goToMain).not.toHaveBeenCalled();
    expect(store.getState().quick).toMatchObject({
      visible: true,
      draft: 'draft',
      messageId: assistant,
      phase: 'streaming',
      answer: 'partial and more',
      notice: 'Could not continue in the main window: Hearth is not answering.',
    });
  });

  it('Ctrl/Cmd+N discards the previous quick chat (gone when unsaved) and starts afresh with the same model', async () => {
    await started();
    store.getState().cycle(1);
    await ask('old topic');
    const old = store.getState().quick.chatId!;
    store.getState().newChat();
    await settle();
    expect(calls('quick.discard')).toEqual([{ chatId: old }]);
    expect(store.getState().quick).toMatchObject({
      chatId: null,
      question: null,
      model: 'ollama/qwen2.5:0.5b',
      visible: true,
    });
    expect(store.getState().sent).toBeNull();
    await ask('new topic');
    expect(calls('quick.start')).toHaveLength(2);
  });

  it('a failing call never throws out of a handler: Stop that fails leaves a notice', async () => {
    await started();
    await ask('talk');
    fake.state.replies['messages.stop'] = () => {
      throw new fake.ClientError('not_found', 'That answer is already over.');
    };
    expect(() => store.getState().stop()).not.toThrow();
    await settle();
    expect(store.getState().quick.notice).toBe('The answer could not be stopped: That answer is already over.');
  });
});
