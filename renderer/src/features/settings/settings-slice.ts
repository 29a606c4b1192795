/** Settings as stored by the app (endpoints, default model, theme), kept live by 'settings.changed'. */
import type { StateCreator } from 'zustand';
import type { SettingsView } from '../../../../shared/types/domain';
import type { MethodInput } from '../../../../shared/contract';
import { client } from '../../client';
import type { AppState } from '../../app/store';

export interface SettingsSlice {
  settings: SettingsView | null;
  settingsError: string | null;
  loadSettings(): Promise<void>;
  updateSettings(patch: MethodInput<'settings.update'>, opts?: { quiet?: boolean }): Promise<boolean>;
  /** Another window or the tray changed them. */
  onSettingsChanged(settings: SettingsView): void;
}

export const createSettingsSlice: StateCreator<AppState, [], [], SettingsSlice> = (set) => ({
  settings: null,
  settingsError: null,

  async loadSettings() {
    try {
      set({ settings: await client.call('settings.get', {}), settingsError: null });
    } catch (err) {
      set({ settingsError: (err as Error).message });
    }
  },

  async updateSettings(patch, opts) {
    try {
      const settings = await client.call('settings.update', patch);
      set({ settings, settingsError: null });
      return true;
    } catch (err) {
      if (!opts?.quiet) set({ settingsError: (err as Error).message });
      return false;
    }
  },

  onSettingsChanged(settings) {
    set({ settings });
  },
});
