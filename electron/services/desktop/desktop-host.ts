/**
 * What only the desktop shell can do, as the services see it. electron/main implements it with
 * globalShortcut, clipboard, BrowserWindow, app.setLoginItemSettings and electron-updater; serve and
 * the CLI have none, and the desktop methods then answer `unsupported` in plain words.
 */
import type { ClipboardContent } from '../../../shared/desktop/quick-prompt';
import type { UpdaterState } from '../../../shared/desktop/updater-state';
import type { DesktopSettings } from '../../../shared/types/desktop';

export interface DesktopHost {
  /** process.platform. */
  platform: string;
  /** A Wayland session (global shortcuts are often refused there; the message says what to do instead). */
  wayland?: boolean;
  /**
   * Make `accelerator` (null: none) the quick prompt's shortcut in place of the current one. False
   * when the system refused it (another app holds it); the caller then registers the previous one again.
   */
  registerShortcut(accelerator: string | null): boolean;
  /** Apply the settings the shell owns (start at login, start hidden, close to tray, notifications, update checks). */
  apply(settings: DesktopSettings): void;
  readClipboard(): ClipboardContent;
  hideQuickPrompt(): void;
  /** Show and focus the main window (the command that says which chat follows as app.command). */
  showMain(): void;
  updater: DesktopUpdater | null;
}

export interface DesktopUpdater {
  state(): UpdaterState;
  /** Look for a new version; resolves with the state after the check. */
  check(): Promise<UpdaterState>;
  /** Download the version found (the user's click). */
  download(): Promise<UpdaterState>;
  /** Quit and install a downloaded update. */
  install(): UpdaterState;
  /** Called with every new state (the service passes it on as desktop.changed). */
  onChange(listener: (state: UpdaterState) => void): void;
}
