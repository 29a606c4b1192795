/**
 * What the tray shows, gathered from the app's events and replies (trayState() in tray-state.ts then
 * turns it into the icon and the menu). Plain data, so the shell only wires events in and menus out.
 *
 *   createTrayInputs(platform)   .onEvent(envelope) → { changed, reloadModels }
 *                                .setModels(list) / .setDefaultModel(id) / .setTheme(theme)
 *                                .input() → TrayInput
 *   primaryOllama(status)        the primary Ollama server as the tray shows it
 *   trayModels(list)             the models as { id, label } (the provider named when there are several)
 *   trayTheme({ platform, env, systemDark, appDark })   the panel's theme, which picks the icon
 *
 * Answers being written are counted by message id: an assistant message created or updated as
 * streaming, or one sending deltas, counts until its 'message.done' (or an update that is not streaming).
 * The models list is read by the shell (models.list reaches every provider, so not on every event):
 * `reloadModels` says when — models changed, or the primary Ollama came up or went away.
 */
import type { EventEnvelope } from '../../../shared/contract';
import type { ModelList, OllamaStatus } from '../../../shared/types/domain';
import type { TrayInput } from './tray-state';

/** More than this many answers "being written" at once means ids were lost: start counting afresh. */
const ANSWERING_MAX = 1000;

export function primaryOllama(status: OllamaStatus | null | undefined): TrayInput['ollama'] {
  const s = status?.servers?.[0];
  return s ? { state: s.state, kind: s.kind, version: s.version } : null;
}

export function trayModels(list: Pick<ModelList, 'models'>): TrayInput['models'] {
  const providers = new Set(list.models.map((m) => m.providerId));
  return list.models.map((m) => ({
    id: m.id,
    label: providers.size > 1 && m.providerId !== 'ollama' ? `${m.name} (${m.providerLabel})` : m.name,
  }));
}

/**
 * The tray panel's theme: a dark panel gets the light-on-dark icon. Windows reports the taskbar's own
 * theme (systemDark); GNOME's top bar is dark in light mode too; elsewhere the panel follows the theme.
 */
export function trayTheme(o: {
  platform: string;
  env: Record<string, string | undefined>;
  /** Electron's nativeTheme.shouldUseDarkColorsForSystemIntegratedUI (Windows and macOS). */
  systemDark: boolean;
  /** nativeTheme.shouldUseDarkColors. */
  appDark: boolean;
}): 'light' | 'dark' {
  if (o.platform === 'win32') return o.systemDark ? 'dark' : 'light';
  if (o.platform === 'linux') {
    const desktop = (o.env.XDG_CURRENT_DESKTOP ?? '').toLowerCase();
    if (/\b(gnome|unity|ubuntu|pantheon)\b/.test(desktop)) return 'dark';
  }
  return o.appDark ? 'dark' : 'light';
}

export interface TrayInputs {
  onEvent(envelope: EventEnvelope): { changed: boolean; reloadModels: boolean };
  setModels(list: Pick<ModelList, 'models'>): boolean;
  setDefaultModel(id: string | null): boolean;
  setTheme(theme: 'light' | 'dark'): boolean;
  input(): TrayInput;
}

export function createTrayInputs(platform: string, theme: 'light' | 'dark' = 'light'): TrayInputs {
  const answering = new Set<string>();
  let ollama: TrayInput['ollama'] = null;
  let sync: TrayInput['sync'] = { enabled: false, paused: false, state: 'off' };
  let models: TrayInput['models'] = [];
  let defaultModel: string | null = null;
  let shortcut: string | null = null;

  const startAnswer = (id: string) => {
    if (answering.has(id)) return false;
    if (answering.size >= ANSWERING_MAX) answering.clear();
    answering.add(id);
    return true;
  };
  const none = { changed: false, reloadModels: false };

  return {
    onEvent(envelope) {
      switch (envelope.event) {
        case 'message.delta':
          return { changed: startAnswer(envelope.payload.messageId), reloadModels: false };
        case 'message.done':
          return { changed: answering.delete(envelope.payload.messageId), reloadModels: false };
        case 'message.created':
        case 'message.updated': {
          const m = envelope.payload.message;
          if (m.role === 'assistant' && m.status === 'streaming')
            return { changed: startAnswer(m.id), reloadModels: false };
          return { changed: answering.delete(m.id), reloadModels: false };
        }
        case 'ollama.status': {
          const next = primaryOllama(envelope.payload);
          const was = ollama;
          if (JSON.stringify(next) === JSON.stringify(was)) return none;
          ollama = next;
          // Its models appear or disappear with the server.
          const running = (o: TrayInput['ollama']) => o?.state === 'running';
          return { changed: true, reloadModels: running(was) !== running(next) };
        }
        case 'sync.status': {
          const p = envelope.payload;
          const next = { enabled: !!p.enabled, paused: !!p.paused, state: p.state };
          if (JSON.stringify(next) === JSON.stringify(sync)) return none;
          sync = next;
          return { changed: true, reloadModels: false };
        }
        case 'desktop.changed': {
          const r = envelope.payload.shortcut;
          // Shown next to Quick prompt only when the system gave it to Hearth.
          const next = r && r.ok ? r.accelerator : null;
          if (next === shortcut) return none;
          shortcut = next;
          return { changed: true, reloadModels: false };
        }
        case 'models.changed':
          return { changed: false, reloadModels: true };
        case 'settings.changed': {
          const next = envelope.payload.defaultModel;
          const changed = next !== defaultModel;
          defaultModel = next;
          // New endpoints or servers bring other models.
          return { changed, reloadModels: true };
        }
        default:
          return none;
      }
    },
    setModels(list) {
      const next = trayModels(list);
      if (JSON.stringify(next) === JSON.stringify(models)) return false;
      models = next;
      return true;
    },
    setDefaultModel(id) {
      if (id === defaultModel) return false;
      defaultModel = id;
      return true;
    },
    setTheme(t) {
      if (t === theme) return false;
      theme = t;
      return true;
    },
    input: () => ({
      answering: answering.size,
      ollama,
      sync,
      models,
      defaultModel,
      theme,
      quickPromptShortcut: shortcut,
      platform,
    }),
  };
}
