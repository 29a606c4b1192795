/**
 * The tray icon's state from the app's state, as plain data: which icon, the tooltip, and the menu
 * as a tree the shell turns into an Electron Menu (Menu.buildFromTemplate, each item's click
 * carrying out its `action`). Recomputed whenever an input changes; the shell replaces the menu.
 *
 *   trayState(input)           → { icon, tooltip, menu }
 *   findTrayItem(menu, id)     the item with that id, anywhere in the tree
 *
 * The icon: 'answering' while any answer is being written; 'down' when Ollama has failed, or is
 * stopped/missing while the default model is an Ollama one; otherwise 'idle'. Each in a light and a
 * dark variant (the taskbar's theme), or as a macOS template image.
 */
import type { OllamaState, SyncStatus } from '../../../shared/types/domain';

export type TrayIconState = 'idle' | 'answering' | 'down';

export interface TrayInput {
  /** Answers being written now (all chats, all windows). */
  answering: number;
  /** The primary Ollama server, or null before its status is known. */
  ollama: { state: OllamaState; kind?: 'bundled' | 'external'; version?: string | null } | null;
  sync: { enabled: boolean; paused: boolean; state: SyncStatus['state'] };
  models: { id: string; label: string }[];
  defaultModel: string | null;
  /** The taskbar's (system) theme: a dark taskbar gets the light-on-dark icon. */
  theme: 'light' | 'dark';
  /** Shown next to Quick prompt (display only: the global shortcut is registered elsewhere). */
  quickPromptShortcut?: string | null;
  platform: string;
}

export type TrayAction =
  | { type: 'open-main' }
  | { type: 'quick-prompt' }
  | { type: 'open-models' }
  | { type: 'ollama'; action: 'start' | 'stop' | 'restart' }
  | { type: 'set-default-model'; modelId: string }
  | { type: 'sync'; action: 'pause' | 'resume' }
  | { type: 'quit' };

export type TrayMenuItem =
  | { kind: 'action'; id: string; label: string; enabled: boolean; accelerator?: string; action: TrayAction }
  | { kind: 'radio'; id: string; label: string; enabled: boolean; checked: boolean; group: string; action: TrayAction }
  /** A status line: shown, never clickable. */
  | { kind: 'label'; id: string; label: string }
  | { kind: 'separator'; id: string }
  | { kind: 'submenu'; id: string; label: string; enabled: boolean; items: TrayMenuItem[] };

export interface TrayState {
  icon: {
    state: TrayIconState;
    theme: 'light' | 'dark';
    /** The image to load from resources/tray/: `tray-<state>-<theme>.png`, or `tray-<state>Template.png` on macOS. */
    file: string;
  };
  /** At most 127 characters (the Windows limit). */
  tooltip: string;
  menu: TrayMenuItem[];
}

/** Models listed in the Default model submenu before "More models…". */
export const TRAY_MODELS_MAX = 25;
const TOOLTIP_MAX = 127;
const LABEL_MAX = 60;

const OLLAMA_WORDS: Record<OllamaState, string> = {
  starting: 'starting…',
  running: 'running',
  stopped: 'stopped',
  error: 'not working',
  unavailable: 'not found',
};

function syncWords(sync: TrayInput['sync']): string {
  if (!sync.enabled || sync.state === 'off') return 'off';
  if (sync.paused) return 'paused';
  switch (sync.state) {
    case 'idle':
      return 'up to date';
    case 'syncing':
      return 'syncing…';
    case 'offline':
      return 'offline';
    case 'error':
      return 'failed';
  }
}

const isOllamaModel = (id: string | null) => !!id && /^ollama(-[a-z0-9-]+)?\//.test(id);

function iconState(input: TrayInput): TrayIconState {
  if (input.answering > 0) return 'answering';
  const s = input.ollama?.state;
  if (s === 'error') return 'down';
  if ((s === 'stopped' || s === 'unavailable') && isOllamaModel(input.defaultModel)) return 'down';
  return 'idle';
}

/** Menu labels from data: shortened, and "&" doubled where Electron reads it as a mnemonic marker. */
function dataLabel(text: string, platform: string): string {
  const chars = Array.from(text.replace(/\s+/g, ' ').trim());
  const short = chars.length > LABEL_MAX ? `${chars.slice(0, LABEL_MAX - 1).join('')}…` : chars.join('');
  return platform === 'darwin' ? short : short.replace(/&/g, '&&');
}

function tooltip(input: TrayInput): string {
  const parts: string[] = [];
  if (input.answering > 0)
    parts.push(input.answering === 1 ? 'writing an answer' : `writing ${input.answering} answers`);
  const s = input.ollama?.state;
  if (s && s !== 'running') parts.push(`Ollama ${OLLAMA_WORDS[s]}`);
  if (input.sync.enabled && (input.sync.paused || input.sync.state === 'offline' || input.sync.state === 'error')) {
    parts.push(`sync ${syncWords(input.sync)}`);
  }
  const text = parts.length ? `Hearth — ${parts.join(' · ')}` : 'Hearth';
  return text.length > TOOLTIP_MAX ? `${text.slice(0, TOOLTIP_MAX - 1)}…` : text;
}

function ollamaItems(input: TrayInput): TrayMenuItem[] {
  const o = input.ollama;
  let status = 'Ollama: …';
  if (o) {
    const detail = [
      o.kind === 'external' ? 'external' : null,
      o.state === 'running' && o.version ? `v${o.version}` : null,
    ]
      .filter(Boolean)
      .join(', ');
    status = `Ollama: ${OLLAMA_WORDS[o.state]}${detail ? ` (${detail})` : ''}`;
  }
  // Hearth starts and stops only the Ollama it runs itself; an external server is the user's own.
  const managed = !!o && o.kind !== 'external';
  const st = o?.state;
  return [
    { kind: 'label', id: 'ollama.status', label: status },
    {
      kind: 'action',
      id: 'ollama.start',
      label: 'Start Ollama',
      enabled: managed && (st === 'stopped' || st === 'error'),
      action: { type: 'ollama', action: 'start' },
    },
    {
      kind: 'action',
      id: 'ollama.stop',
      label: 'Stop Ollama',
      enabled: managed && (st === 'running' || st === 'starting'),
      action: { type: 'ollama', action: 'stop' },
    },
    {
      kind: 'action',
      id: 'ollama.restart',
      label: 'Restart Ollama',
      enabled: managed && st === 'running',
      action: { type: 'ollama', action: 'restart' },
    },
  ];
}

function modelItems(input: TrayInput): TrayMenuItem[] {
  const items: TrayMenuItem[] = [];
  const radio = (id: string, label: string): TrayMenuItem => ({
    kind: 'radio',
    id: `model:${id}`,
    label,
    enabled: true,
    checked: id === input.defaultModel,
    group: 'default-model',
    action: { type: 'set-default-model', modelId: id },
  });
  const listed = input.models.slice(0, TRAY_MODELS_MAX);
  for (const m of listed) items.push(radio(m.id, dataLabel(m.label || m.id, input.platform)));
  const d = input.defaultModel;
  if (d && !listed.some((m) => m.id === d)) {
    const known = input.models.find((m) => m.id === d);
    // The default is always there and checked: further down the list, or not available right now.
    items.unshift(radio(d, dataLabel(known ? known.label || d : `${d} (not available)`, input.platform)));
  }
  if (input.models.length === 0 && !d) {
    items.push({ kind: 'label', id: 'models.none', label: 'No models yet' });
  }
  if (input.models.length > TRAY_MODELS_MAX) {
    items.push({ kind: 'separator', id: 'models.sep' });
    items.push({
      kind: 'action',
      id: 'models.more',
      label: 'More models…',
      enabled: true,
      action: { type: 'open-models' },
    });
  }
  return items;
}

function syncItems(input: TrayInput): TrayMenuItem[] {
  const items: TrayMenuItem[] = [{ kind: 'label', id: 'sync.status', label: `Sync: ${syncWords(input.sync)}` }];
  if (input.sync.enabled) {
    items.push(
      input.sync.paused
        ? {
            kind: 'action',
            id: 'sync.resume',
            label: 'Resume sync',
            enabled: true,
            action: { type: 'sync', action: 'resume' },
          }
        : {
            kind: 'action',
            id: 'sync.pause',
            label: 'Pause sync',
            enabled: true,
            action: { type: 'sync', action: 'pause' },
          },
    );
  }
  return items;
}

export function trayState(input: TrayInput): TrayState {
  const state = iconState(input);
  const file = input.platform === 'darwin' ? `tray-${state}Template.png` : `tray-${state}-${input.theme}.png`;
  const quick: TrayMenuItem = {
    kind: 'action',
    id: 'quick-prompt',
    label: 'Quick prompt',
    enabled: true,
    action: { type: 'quick-prompt' },
    ...(input.quickPromptShortcut ? { accelerator: input.quickPromptShortcut } : {}),
  };
  const menu: TrayMenuItem[] = [
    { kind: 'action', id: 'open', label: 'Open Hearth', enabled: true, action: { type: 'open-main' } },
    quick,
    { kind: 'separator', id: 'sep.ollama' },
    ...ollamaItems(input),
    { kind: 'separator', id: 'sep.models' },
    { kind: 'submenu', id: 'models', label: 'Default model', enabled: true, items: modelItems(input) },
    { kind: 'separator', id: 'sep.sync' },
    ...syncItems(input),
    { kind: 'separator', id: 'sep.quit' },
    { kind: 'action', id: 'quit', label: 'Quit Hearth', enabled: true, action: { type: 'quit' } },
  ];
  return { icon: { state, theme: input.theme, file }, tooltip: tooltip(input), menu };
}

export function findTrayItem(menu: readonly TrayMenuItem[], id: string): TrayMenuItem | null {
  for (const item of menu) {
    if (item.id === id) return item;
    if (item.kind === 'submenu') {
      const found = findTrayItem(item.items, id);
      if (found) return found;
    }
  }
  return null;
}
