/**
 * The shell's DesktopHost (electron/services/desktop/desktop-host.ts): what the desktop service asks
 * of Electron. Built before the windows exist (the services need it), so it reaches them through
 * getters. It keeps the settings last applied for the parts of the shell that read them when they
 * act (closing the main window, notifications).
 *
 *   registerShortcut   globalShortcut, one accelerator at a time (the quick prompt's toggle)
 *   apply              start at login (login-item.ts), update checks on or off; the rest is read
 *   readClipboard      text, else a PNG image (clipboard-content.ts)
 */
import { clipboard, globalShortcut } from 'electron';
import { DEFAULT_DESKTOP_SETTINGS, type DesktopSettings } from '../../shared/types/desktop';
import { clipboardContent } from '../services/desktop/clipboard-content';
import type { DesktopHost } from '../services/desktop/desktop-host';
import type { UpdaterDriver } from '../services/desktop/updater-driver';
import type { Logger } from '../services/util/logger';
import { applyLoginItem } from './login-item';

export interface ShellHost extends DesktopHost {
  /** The settings last applied (the defaults until the desktop service starts). */
  applied(): DesktopSettings;
  /** Let go of the shortcut (quitting). */
  unregisterShortcut(): void;
}

export function isWaylandSession(env: Record<string, string | undefined>, platform: string): boolean {
  return platform === 'linux' && (env.XDG_SESSION_TYPE?.toLowerCase() === 'wayland' || !!env.WAYLAND_DISPLAY);
}

export function createShellHost(o: {
  updater: UpdaterDriver;
  /** The shortcut was pressed. */
  onShortcut(): void;
  hideQuickPrompt(): void;
  showMain(): void;
  /** After each apply (the tray and the menu show the shortcut). */
  onApplied?(settings: DesktopSettings): void;
  log: Pick<Logger, 'warn'>;
}): ShellHost {
  let settings: DesktopSettings = { ...DEFAULT_DESKTOP_SETTINGS };
  let registered: string | null = null;

  const unregister = () => {
    if (registered) globalShortcut.unregister(registered);
    registered = null;
  };

  return {
    platform: process.platform,
    wayland: isWaylandSession(process.env, process.platform),
    updater: o.updater,
    registerShortcut(accelerator) {
      unregister();
      if (!accelerator) return true;
      let ok = false;
      try {
        ok = globalShortcut.register(accelerator, o.onShortcut);
      } catch (err) {
        o.log.warn(`the shortcut ${accelerator} could not be registered`, err);
      }
      if (ok) registered = accelerator;
      return ok;
    },
    apply(next) {
      settings = { ...next };
      applyLoginItem(next, o.log);
      o.updater.setEnabled(next.checkForUpdates);
      o.onApplied?.(settings);
    },
    readClipboard: () => clipboardContent(clipboard.readText(), () => clipboard.readImage()),
    hideQuickPrompt: () => o.hideQuickPrompt(),
    showMain: () => o.showMain(),
    applied: () => settings,
    unregisterShortcut: unregister,
  };
}
