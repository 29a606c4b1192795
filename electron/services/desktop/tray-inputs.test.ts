import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../../shared/contract';
import type {
  Message,
  ModelInfo,
  OllamaServerStatus,
  OllamaStatus,
  SettingsView,
  SyncStatus,
} from '../../../shared/types/domain';
import type { DesktopView } from '../../../shared/types/desktop';
import { createTrayInputs, primaryOllama, trayModels, trayTheme } from './tray-inputs';

const env = (e: EventEnvelope) => e;
const delta = (messageId: string) =>
  env({ event: 'message.delta', payload: { chatId: 'c', messageId, offset: 0, delta: 'x' } });
const done = (messageId: string) =>
  env({
    event: 'message.done',
    payload: { chatId: 'c', messageId, status: 'done', content: 'x', error: null, stats: null, version: 'v' },
  });
const message = (id: string, status: Message['status'], role: Message['role'] = 'assistant') =>
  ({ id, chatId: 'c', role, status }) as Message;
const server = (over: Partial<OllamaServerStatus> = {}): OllamaServerStatus => ({
  providerId: 'ollama',
  label: 'Ollama',
  kind: 'bundled',
  state: 'running',
  baseUrl: 'http://127.0.0.1:11434',
  version: '0.12.3',
  error: null,
  pid: 1,
  restarts: 0,
  since: 0,
  ...over,
});
const status = (servers: OllamaServerStatus[]) => ({ servers }) as unknown as OllamaStatus;
const model = (id: string, providerId: string, providerLabel: string): ModelInfo => ({
  id,
  providerId,
  providerKind: providerId.startsWith('ollama') ? 'ollama' : 'openai',
  providerLabel,
  name: id.split('/').slice(1).join('/'),
});

describe('createTrayInputs: answers being written', () => {
  it('counts each streaming answer once, from its creation or its first delta to its end', () => {
    const t = createTrayInputs('linux');
    expect(t.onEvent(env({ event: 'message.created', payload: { message: message('a', 'streaming') } }))).toEqual({
      changed: true,
      reloadModels: false,
    });
    expect(t.onEvent(delta('a')).changed).toBe(false);
    expect(t.onEvent(delta('b')).changed).toBe(true);
    expect(t.input().answering).toBe(2);
    expect(t.onEvent(done('a')).changed).toBe(true);
    expect(t.onEvent(done('a')).changed).toBe(false);
    expect(t.input().answering).toBe(1);
    // An image turn ends with an update, not a 'message.done'.
    expect(t.onEvent(env({ event: 'message.updated', payload: { message: message('b', 'done') } })).changed).toBe(true);
    expect(t.input().answering).toBe(0);
  });

  it('does not count user messages or finished ones', () => {
    const t = createTrayInputs('linux');
    t.onEvent(env({ event: 'message.created', payload: { message: message('u', 'done', 'user') } }));
    t.onEvent(env({ event: 'message.created', payload: { message: message('x', 'streaming', 'user') } }));
    expect(t.input().answering).toBe(0);
  });
});

describe('createTrayInputs: status', () => {
  it('takes the primary Ollama server and asks for the models when it comes up or goes away', () => {
    const t = createTrayInputs('win32');
    const starting = env({ event: 'ollama.status', payload: status([server({ state: 'starting' })]) });
    expect(t.onEvent(starting)).toEqual({ changed: true, reloadModels: false });
    expect(t.onEvent(starting)).toEqual({ changed: false, reloadModels: false });
    expect(t.onEvent(env({ event: 'ollama.status', payload: status([server()]) }))).toEqual({
      changed: true,
      reloadModels: true,
    });
    expect(t.input().ollama).toEqual({ state: 'running', kind: 'bundled', version: '0.12.3' });
    expect(t.onEvent(env({ event: 'ollama.status', payload: status([server({ state: 'error' })]) }))).toEqual({
      changed: true,
      reloadModels: true,
    });
  });

  it('follows sync and reports a change only when what the tray shows changed', () => {
    const t = createTrayInputs('darwin');
    const sync = (over: Partial<SyncStatus>) =>
      env({
        event: 'sync.status',
        payload: { state: 'idle', enabled: true, paused: false, pending: 3, ...over } as SyncStatus,
      });
    expect(t.onEvent(sync({})).changed).toBe(true);
    expect(t.onEvent(sync({ pending: 4 })).changed).toBe(false);
    expect(t.onEvent(sync({ paused: true })).changed).toBe(true);
    expect(t.input().sync).toEqual({ enabled: true, paused: true, state: 'idle' });
  });

  it('shows the quick prompt shortcut only when it was registered', () => {
    const t = createTrayInputs('win32');
    const view = (shortcut: DesktopView['shortcut']) =>
      env({ event: 'desktop.changed', payload: { shortcut } as DesktopView });
    expect(t.onEvent(view({ accelerator: 'Alt+Space', ok: true, message: '' })).changed).toBe(true);
    expect(t.input().quickPromptShortcut).toBe('Alt+Space');
    expect(t.onEvent(view({ accelerator: 'Alt+Space', ok: false, message: 'taken' })).changed).toBe(true);
    expect(t.input().quickPromptShortcut).toBeNull();
  });

  it('follows the default model chosen anywhere (settings.changed) and reads the models again', () => {
    const t = createTrayInputs('linux');
    const changed = (defaultModel: string | null) =>
      t.onEvent(env({ event: 'settings.changed', payload: { defaultModel } as SettingsView }));
    expect(changed('ollama/llama3')).toEqual({ changed: true, reloadModels: true });
    expect(t.input().defaultModel).toBe('ollama/llama3');
    expect(changed('ollama/llama3')).toEqual({ changed: false, reloadModels: true });
    expect(changed(null).changed).toBe(true);
    expect(t.input().defaultModel).toBeNull();
  });

  it('asks for the models when they changed, and keeps models, default and theme', () => {
    const t = createTrayInputs('linux');
    expect(t.onEvent(env({ event: 'models.changed', payload: { providerId: 'ollama' } }))).toEqual({
      changed: false,
      reloadModels: true,
    });
    expect(t.setModels({ models: [model('ollama/llama3', 'ollama', 'Ollama')] })).toBe(true);
    expect(t.setModels({ models: [model('ollama/llama3', 'ollama', 'Ollama')] })).toBe(false);
    expect(t.setDefaultModel('ollama/llama3')).toBe(true);
    expect(t.setDefaultModel('ollama/llama3')).toBe(false);
    expect(t.setTheme('dark')).toBe(true);
    expect(t.input()).toMatchObject({
      models: [{ id: 'ollama/llama3', label: 'llama3' }],
      defaultModel: 'ollama/llama3',
      theme: 'dark',
      platform: 'linux',
    });
  });

  it('ignores events the tray does not show', () => {
    const t = createTrayInputs('linux');
    expect(t.onEvent(env({ event: 'folders.changed', payload: {} }))).toEqual({ changed: false, reloadModels: false });
  });
});

describe('primaryOllama, trayModels', () => {
  it('reads the first server, or nothing', () => {
    expect(primaryOllama(status([server({ kind: 'external', version: null })]))).toEqual({
      state: 'running',
      kind: 'external',
      version: null,
    });
    expect(primaryOllama(status([]))).toBeNull();
    expect(primaryOllama(null)).toBeNull();
  });

  it('names the provider only when there are several, and not for the primary Ollama', () => {
    expect(trayModels({ models: [model('ollama/llama3', 'ollama', 'Ollama')] })).toEqual([
      { id: 'ollama/llama3', label: 'llama3' },
    ]);
    expect(
      trayModels({
        models: [
          model('ollama/llama3', 'ollama', 'Ollama'),
          model('openai/gpt-4o', 'openai', 'OpenAI'),
          model('ollama-gpu/qwen3', 'ollama-gpu', 'GPU box'),
        ],
      }),
    ).toEqual([
      { id: 'ollama/llama3', label: 'llama3' },
      { id: 'openai/gpt-4o', label: 'gpt-4o (OpenAI)' },
      { id: 'ollama-gpu/qwen3', label: 'qwen3 (GPU box)' },
    ]);
  });
});

describe('trayTheme', () => {
  const base = { env: {}, systemDark: false, appDark: false };
  it('follows the Windows taskbar, not the app theme', () => {
    expect(trayTheme({ ...base, platform: 'win32', systemDark: true })).toBe('dark');
    expect(trayTheme({ ...base, platform: 'win32', appDark: true })).toBe('light');
  });

  it("takes GNOME's top bar as dark, and otherwise follows the theme", () => {
    expect(trayTheme({ ...base, platform: 'linux', env: { XDG_CURRENT_DESKTOP: 'ubuntu:GNOME' } })).toBe('dark');
    expect(trayTheme({ ...base, platform: 'linux', env: { XDG_CURRENT_DESKTOP: 'KDE' } })).toBe('light');
    expect(trayTheme({ ...base, platform: 'linux', env: { XDG_CURRENT_DESKTOP: 'KDE' }, appDark: true })).toBe('dark');
  });
});
