/** The desktop app's own settings and state: quick prompt, tray habits, notifications, updates. */
import type { UpdaterState } from '../desktop/updater-state';

export interface DesktopSettings {
  /** The global shortcut that opens the quick prompt (an Electron accelerator), or null when off. */
  quickPromptShortcut: string | null;
  /** The quick prompt's model; null: the default model. */
  quickPromptModel: string | null;
  /** Quick prompts are kept in the chat list, in a folder called "Quick". Off: they are removed when done with. */
  saveQuickPrompts: boolean;
  /** A system notification when an answer finishes while Hearth's window is hidden or not focused. */
  notifyOnAnswer: boolean;
  /** Closing the window keeps Hearth in the tray (Quit from the tray or the menu ends it). */
  closeToTray: boolean;
  /** Start Hearth when you log in. */
  startAtLogin: boolean;
  /** Start in the tray, without opening the window (at login or always). */
  startHidden: boolean;
  /** Look for a new version at start and every few hours (downloading always waits for you). */
  checkForUpdates: boolean;
}

export interface DesktopView {
  settings: DesktopSettings;
  /** True in the desktop app; in serve only the quick prompt's own settings apply. */
  desktop: boolean;
  /** process.platform of the machine running Hearth (shortcuts are shown in its words). */
  platform: string;
  /** How registering the quick prompt's shortcut went (null in serve). */
  shortcut: { accelerator: string | null; ok: boolean; message: string } | null;
  /** The updater (null in serve). */
  updates: UpdaterState | null;
  /** The app's version, for "You have Hearth 1.2.3". */
  version: string;
  /** Grows with every change; the UI keeps the newest. */
  seq: number;
}

export const DEFAULT_DESKTOP_SETTINGS: DesktopSettings = {
  quickPromptShortcut: 'Alt+Space',
  quickPromptModel: null,
  saveQuickPrompts: true,
  notifyOnAnswer: true,
  closeToTray: true,
  startAtLogin: false,
  startHidden: false,
  checkForUpdates: true,
};

/** The folder quick prompts are kept in. */
export const QUICK_FOLDER_NAME = 'Quick';
