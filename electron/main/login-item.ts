/**
 * Start at login (Settings → Desktop), with `--hidden` when Hearth should start in the tray.
 * Windows: the Run registry entry (app.setLoginItemSettings, with the arguments). macOS: a login item
 * (macOS 13+ takes no arguments, so index.ts reads app.getLoginItemSettings().wasOpenedAtLogin
 * instead). Linux: an XDG autostart entry (linux-autostart.ts), not for Snap or Flatpak, which have
 * their own. A development run changes nothing: it would register the development Electron.
 */
import { app } from 'electron';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname } from 'node:path';
import type { DesktopSettings } from '../../shared/types/desktop';
import { autostartFile, planAutostart } from '../services/desktop/linux-autostart';
import { HIDDEN_SWITCH } from '../services/desktop/single-instance';
import type { Logger } from '../services/util/logger';

export function applyLoginItem(settings: DesktopSettings, log: Pick<Logger, 'warn'>): void {
  if (!app.isPackaged) return;
  try {
    if (process.platform === 'linux') linuxAutostart(settings);
    else if (process.platform === 'win32') windowsRunEntry(settings);
    else if (process.platform === 'darwin') {
      // Registering again each start would show macOS's "login item added" notice every time.
      if (app.getLoginItemSettings().openAtLogin !== settings.startAtLogin) {
        app.setLoginItemSettings({ openAtLogin: settings.startAtLogin });
      }
    }
  } catch (err) {
    log.warn('could not change whether Hearth starts at login', err);
  }
}

/**
 * Written only when it changes: writing it again would also re-enable an entry the user turned off in
 * Task Manager. An entry counts only with the same arguments, so both forms are looked for.
 */
function windowsRunEntry(settings: DesktopSettings): void {
  const args = settings.startHidden ? [HIDDEN_SWITCH] : [];
  const other = settings.startHidden ? [] : [HIDDEN_SWITCH];
  const registered = app.getLoginItemSettings({ args }).openAtLogin;
  if (settings.startAtLogin && !registered) app.setLoginItemSettings({ openAtLogin: true, args });
  if (!settings.startAtLogin && (registered || app.getLoginItemSettings({ args: other }).openAtLogin)) {
    app.setLoginItemSettings({ openAtLogin: false, args });
  }
}

function linuxAutostart(settings: DesktopSettings): void {
  if (process.env.SNAP || process.env.FLATPAK_ID) return;
  const file = autostartFile(process.env, homedir());
  let existing: string | null = null;
  try {
    existing = readFileSync(file, 'utf8');
  } catch {
    // none yet
  }
  const plan = planAutostart({
    want: settings.startAtLogin,
    hidden: settings.startHidden,
    exec: process.env.APPIMAGE || process.execPath,
    existing,
  });
  if (plan.action === 'write') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, plan.content);
  } else if (plan.action === 'remove') rmSync(file, { force: true });
}

/** Started by the login item with "start in the tray" on (Windows and Linux pass --hidden themselves). */
export function openedAtLoginToStayHidden(settings: DesktopSettings): boolean {
  if (process.platform !== 'darwin' || !settings.startHidden) return false;
  try {
    return app.getLoginItemSettings().wasOpenedAtLogin;
  } catch {
    return false;
  }
}
