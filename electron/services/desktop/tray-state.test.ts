import { describe, expect, it } from 'vitest';
import { TRAY_MODELS_MAX, findTrayItem, trayState, type TrayInput, type TrayMenuItem } from './tray-state';

const base: TrayInput = {
  answering: 0,
  ollama: { state: 'running', kind: 'bundled', version: '0.12.3' },
  sync: { enabled: true, paused: false, state: 'idle' },
  models: [
    { id: 'ollama/llama3.2:3b', label: 'llama3.2:3b' },
    { id: 'openai/gpt-4o', label: 'gpt-4o (OpenAI)' },
  ],
  defaultModel: 'ollama/llama3.2:3b',
  theme: 'dark',
  quickPromptShortcut: 'Alt+Space',
  platform: 'win32',
};
const tray = (over: Partial<TrayInput> = {}) => trayState({ ...base, ...over });
const item = (menu: TrayMenuItem[], id: string) => {
  const found = findTrayItem(menu, id);
  if (!found) throw new Error(`no item ${id}`);
  return found;
};
const enabled = (menu: TrayMenuItem[], id: string) => {
  const i = item(menu, id);
  return 'enabled' in i ? i.enabled : false;
};
const label = (menu: TrayMenuItem[], id: string) => {
  const i = item(menu, id);
  return 'label' in i ? i.label : null;
};
const outline = (menu: TrayMenuItem[]): string[] =>
  menu.map((i) => (i.kind === 'separator' ? '---' : i.kind === 'submenu' ? `${i.label} ▸` : i.label));

describe('trayState: the menu', () => {
  it('has the items a user expects, in order', () => {
    expect(outline(tray().menu)).toEqual([
      'Open Hearth',
      'Quick prompt',
      '---',
      'Ollama: running (v0.12.3)',
      'Start Ollama',
      'Stop Ollama',
      'Restart Ollama',
      '---',
      'Default model ▸',
      '---',
      'Sync: up to date',
      'Pause sync',
      '---',
      'Quit Hearth',
    ]);
  });

  it('every clickable item carries its action', () => {
    const m = tray().menu;
    expect(item(m, 'open')).toMatchObject({ action: { type: 'open-main' } });
    expect(item(m, 'quick-prompt')).toMatchObject({ action: { type: 'quick-prompt' }, accelerator: 'Alt+Space' });
    expect(item(m, 'ollama.restart')).toMatchObject({ action: { type: 'ollama', action: 'restart' } });
    expect(item(m, 'sync.pause')).toMatchObject({ action: { type: 'sync', action: 'pause' } });
    expect(item(m, 'quit')).toMatchObject({ action: { type: 'quit' } });
  });

  it('shows no accelerator next to Quick prompt when the shortcut is off', () => {
    expect(item(tray({ quickPromptShortcut: null }).menu, 'quick-prompt')).not.toHaveProperty('accelerator');
  });

  it('status lines are never clickable', () => {
    expect(item(tray().menu, 'ollama.status').kind).toBe('label');
    expect(item(tray().menu, 'sync.status').kind).toBe('label');
  });
});

describe('trayState: Ollama controls follow its state', () => {
  const controls = (ollama: TrayInput['ollama']) => {
    const m = tray({ ollama }).menu;
    return {
      status: label(m, 'ollama.status'),
      start: enabled(m, 'ollama.start'),
      stop: enabled(m, 'ollama.stop'),
      restart: enabled(m, 'ollama.restart'),
    };
  };

  it.each([
    ['running', { status: 'Ollama: running', start: false, stop: true, restart: true }],
    ['starting', { status: 'Ollama: starting…', start: false, stop: true, restart: false }],
    ['stopped', { status: 'Ollama: stopped', start: true, stop: false, restart: false }],
    ['error', { status: 'Ollama: not working', start: true, stop: false, restart: false }],
    ['unavailable', { status: 'Ollama: not found', start: false, stop: false, restart: false }],
  ] as const)('%s', (state, expected) => {
    expect(controls({ state, kind: 'bundled' })).toEqual(expected);
  });

  it('an external server is shown but not controlled', () => {
    expect(controls({ state: 'running', kind: 'external', version: '0.9.0' })).toEqual({
      status: 'Ollama: running (external, v0.9.0)',
      start: false,
      stop: false,
      restart: false,
    });
  });

  it('before the status is known, nothing can be pressed', () => {
    expect(controls(null)).toEqual({ status: 'Ollama: …', start: false, stop: false, restart: false });
  });
});

describe('trayState: the Default model submenu', () => {
  const models = (over: Partial<TrayInput> = {}) => {
    const sub = item(tray(over).menu, 'models');
    if (sub.kind !== 'submenu') throw new Error('not a submenu');
    return sub.items;
  };

  it('is one radio group with the default checked', () => {
    expect(models()).toEqual([
      {
        kind: 'radio',
        id: 'model:ollama/llama3.2:3b',
        label: 'llama3.2:3b',
        enabled: true,
        checked: true,
        group: 'default-model',
        action: { type: 'set-default-model', modelId: 'ollama/llama3.2:3b' },
      },
      {
        kind: 'radio',
        id: 'model:openai/gpt-4o',
        label: 'gpt-4o (OpenAI)',
        enabled: true,
        checked: false,
        group: 'default-model',
        action: { type: 'set-default-model', modelId: 'openai/gpt-4o' },
      },
    ]);
  });

  it('keeps the default listed and checked when its provider is not available', () => {
    const items = models({ defaultModel: 'openai-work/gpt-5' });
    expect(items[0]).toMatchObject({ label: 'openai-work/gpt-5 (not available)', checked: true });
    expect(items.filter((i) => i.kind === 'radio' && i.checked)).toHaveLength(1);
  });

  it('says so when there are no models', () => {
    expect(models({ models: [], defaultModel: null })).toEqual([
      { kind: 'label', id: 'models.none', label: 'No models yet' },
    ]);
  });

  it('lists at most 25 and links to the rest, the default always among them', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ id: `ollama/m${i}`, label: `m${i}` }));
    const items = models({ models: many, defaultModel: 'ollama/m33' });
    const radios = items.filter((i) => i.kind === 'radio');
    expect(radios).toHaveLength(TRAY_MODELS_MAX + 1);
    expect(radios[0]).toMatchObject({ label: 'm33', checked: true });
    expect(items.at(-1)).toMatchObject({ label: 'More models…', action: { type: 'open-models' } });
  });

  it('shows “&” in model names literally (Windows and Linux read a single & as a mnemonic)', () => {
    const m = [{ id: 'openai/r&d', label: 'R&D model' }];
    expect(models({ models: m, defaultModel: null })[0]).toMatchObject({ label: 'R&&D model' });
    expect(models({ models: m, defaultModel: null, platform: 'darwin' })[0]).toMatchObject({ label: 'R&D model' });
  });

  it('shortens very long names and falls back to the id for an empty label', () => {
    const items = models({
      models: [
        { id: 'ollama/x', label: 'n'.repeat(100) },
        { id: 'ollama/y', label: '' },
      ],
      defaultModel: null,
    });
    expect(items[0]).toMatchObject({ label: `${'n'.repeat(59)}…` });
    expect(items[1]).toMatchObject({ label: 'ollama/y' });
  });
});

describe('trayState: sync', () => {
  it.each([
    [{ enabled: true, paused: false, state: 'idle' }, 'Sync: up to date', 'Pause sync'],
    [{ enabled: true, paused: false, state: 'syncing' }, 'Sync: syncing…', 'Pause sync'],
    [{ enabled: true, paused: false, state: 'offline' }, 'Sync: offline', 'Pause sync'],
    [{ enabled: true, paused: false, state: 'error' }, 'Sync: failed', 'Pause sync'],
    [{ enabled: true, paused: true, state: 'idle' }, 'Sync: paused', 'Resume sync'],
    [{ enabled: false, paused: false, state: 'off' }, 'Sync: off', null],
  ] as const)('%j', (sync, status, toggle) => {
    const m = tray({ sync }).menu;
    expect(label(m, 'sync.status')).toBe(status);
    const t = findTrayItem(m, 'sync.pause') ?? findTrayItem(m, 'sync.resume');
    expect(t && 'label' in t ? t.label : null).toBe(toggle);
  });

  it('Resume sync resumes', () => {
    expect(item(tray({ sync: { enabled: true, paused: true, state: 'idle' } }).menu, 'sync.resume')).toMatchObject({
      action: { type: 'sync', action: 'resume' },
    });
  });
});

describe('trayState: icon and tooltip', () => {
  it('idle when nothing is going on, in the taskbar’s theme', () => {
    expect(tray()).toMatchObject({
      icon: { state: 'idle', theme: 'dark', file: 'tray-idle-dark.png' },
      tooltip: 'Hearth',
    });
    expect(tray({ theme: 'light' }).icon.file).toBe('tray-idle-light.png');
  });

  it('answering while answers are being written, saying how many', () => {
    expect(tray({ answering: 1 })).toMatchObject({
      icon: { state: 'answering' },
      tooltip: 'Hearth — writing an answer',
    });
    expect(tray({ answering: 3 }).tooltip).toBe('Hearth — writing 3 answers');
  });

  it('down when Ollama has failed', () => {
    expect(tray({ ollama: { state: 'error', kind: 'bundled' } })).toMatchObject({
      icon: { state: 'down' },
      tooltip: 'Hearth — Ollama not working',
    });
  });

  it('down when Ollama is stopped or missing only if the default model needs it', () => {
    expect(tray({ ollama: { state: 'stopped' } }).icon.state).toBe('down');
    expect(tray({ ollama: { state: 'unavailable' }, defaultModel: 'ollama-gpu-box/qwen3:32b' }).icon.state).toBe(
      'down',
    );
    expect(tray({ ollama: { state: 'unavailable' }, defaultModel: 'openai/gpt-4o' }).icon.state).toBe('idle');
  });

  it('answering wins over down', () => {
    expect(tray({ answering: 1, ollama: { state: 'error' } }).icon.state).toBe('answering');
  });

  it('uses template images on macOS', () => {
    expect(tray({ platform: 'darwin', answering: 2 }).icon.file).toBe('tray-answeringTemplate.png');
  });

  it('mentions sync only when it needs attention', () => {
    expect(tray({ sync: { enabled: true, paused: true, state: 'idle' } }).tooltip).toBe('Hearth — sync paused');
    expect(tray({ sync: { enabled: true, paused: false, state: 'offline' } }).tooltip).toBe('Hearth — sync offline');
    expect(tray({ sync: { enabled: true, paused: false, state: 'syncing' } }).tooltip).toBe('Hearth');
    expect(
      tray({ answering: 2, ollama: { state: 'starting' }, sync: { enabled: true, paused: false, state: 'error' } })
        .tooltip,
    ).toBe('Hearth — writing 2 answers · Ollama starting… · sync failed');
  });

  it('keeps the tooltip within 127 characters', () => {
    expect(tray({ answering: 10 ** 120 }).tooltip.length).toBeLessThanOrEqual(127);
  });
});
