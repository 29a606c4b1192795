/**
 * Settings → Desktop as the store keeps it: the desktop settings and state (shortcut registration,
 * updater), loaded once and kept live by 'desktop.changed' events (the newest `seq` wins, whatever
 * order replies and events arrive in); the calls that change them with what is busy and what failed,
 * in plain words.
 * Public: loadDesktop, updateDesktop, checkUpdates, downloadUpdate, installUpdate, onDesktopChanged,
 * onDesktopReconnect, focusDesktopSettings.
 */
import type { StateCreator } from 'zustand';
import type { MethodInput } from '../../../../shared/contract';
import type { UpdaterState } from '../../../../shared/desktop/updater-state';
import type { DesktopView } from '../../../../shared/types/desktop';
import { client, ClientError } from '../../client';
import type { AppState } from '../../app/store';

export type DesktopPatch = MethodInput<'desktop.update'>;
export type DesktopAction = 'load' | 'update' | 'check' | 'download' | 'install';

export interface DesktopSlice {
  desktop: DesktopView | null;
  desktopBusy: Record<Exclude<DesktopAction, 'load'>, boolean>;
  /** The last call that failed, in plain words; `field` names the setting it was about. */
  desktopError: { action: DesktopAction; message: string; field?: string } | null;
  /** Set by the menu's "Check for Updates…": Settings scrolls to Desktop once. */
  desktopFocus: number;
  loadDesktop(): Promise<void>;
  /** True when saved. */
  updateDesktop(patch: DesktopPatch): Promise<boolean>;
  checkUpdates(): Promise<void>;
  downloadUpdate(): Promise<void>;
  installUpdate(): Promise<void>;
  onDesktopChanged(view: DesktopView): void;
  onDesktopReconnect(): void;
  focusDesktopSettings(): void;
}

const FALLBACK: Record<DesktopAction, string> = {
  load: 'Could not read the desktop settings.',
  update: 'Could not save the desktop settings.',
  check: 'Could not check for updates.',
  download: 'Could not download the update.',
  install: 'Could not install the update.',
};

function plain(err: unknown, action: DesktopAction): string {
  if (!(err instanceof ClientError)) return FALLBACK[action];
  const m = /^Invalid input for [\w.]+: (?:[\w.]+: )?(.*)$/.exec(err.message);
  return m?.[1] ?? err.message;
}

export const createDesktopSlice: StateCreator<AppState, [], [], DesktopSlice> = (set, get) => {
  /** The newest `seq` taken; -1 takes whatever comes next. */
  let heldSeq = -1;
  const busy = (action: Exclude<DesktopAction, 'load'>, on: boolean) =>
    set((s) => ({ desktopBusy: { ...s.desktopBusy, [action]: on } }));
  const succeeded = (action: DesktopAction) => {
    if (get().desktopError?.action === action) set({ desktopError: null });
  };
  const updaterCall = async (action: 'check' | 'download' | 'install', method: `updates.${typeof action}`) => {
    busy(action, true);
    try {
      const updates: UpdaterState = await client.call(method, {});
      const d = get().desktop;
      // The state the call ended in, unless an event already brought a newer view.
      if (d) set({ desktop: { ...d, updates } });
      succeeded(action);
    } catch (err) {
      set({ desktopError: { action, message: plain(err, action) } });
    } finally {
      busy(action, false);
    }
  };

  return {
    desktop: null,
    desktopBusy: { update: false, check: false, download: false, install: false },
    desktopError: null,
    desktopFocus: 0,

    async loadDesktop() {
      try {
        get().onDesktopChanged(await client.call('desktop.get', {}));
        succeeded('load');
      } catch (err) {
        set({ desktopError: { action: 'load', message: plain(err, 'load') } });
      }
    },

    async updateDesktop(patch) {
      busy('update', true);
      // Switches follow the click at once; the reply (or, on failure, a fresh read) settles them.
      // A shortcut waits for the system to accept it.
      const d = get().desktop;
      const optimistic = patch.quickPromptShortcut === undefined && d;
      if (optimistic) set({ desktop: { ...d, settings: { ...d.settings, ...patch } as DesktopView['settings'] } });
      try {
        get().onDesktopChanged(await client.call('desktop.update', patch));
        succeeded('update');
        return true;
      } catch (err) {
        set({ desktopError: { action: 'update', message: plain(err, 'update'), field: Object.keys(patch)[0] } });
        if (optimistic) {
          heldSeq = -1;
          void get().loadDesktop();
        }
        return false;
      } finally {
        busy('update', false);
      }
    },

    checkUpdates: () => updaterCall('check', 'updates.check'),
    downloadUpdate: () => updaterCall('download', 'updates.download'),
    installUpdate: () => updaterCall('install', 'updates.install'),

    onDesktopChanged(view) {
      if (view.seq < heldSeq) return;
      heldSeq = view.seq;
      set({ desktop: view });
    },

    onDesktopReconnect() {
      heldSeq = -1; // the host may have restarted and counts from 0 again
      void get().loadDesktop();
    },

    focusDesktopSettings() {
      set((s) => ({ desktopFocus: s.desktopFocus + 1 }));
      get().setView('settings');
    },
  };
};
