/**
 * Updates through electron-updater (GitHub releases, electron-builder.yml's `publish`), driven by the
 * updater reducer (updater-driver.ts): it checks at start and every few hours when this copy can update
 * itself (not in development, the portable or store builds, or Linux packages other than the
 * AppImage) and the user has not turned checks off; it downloads only on the user's click and
 * installs when Hearth quits, or at once on "Restart now".
 *
 * electron-updater is loaded only when a check is due, so a copy that cannot update never loads it.
 */
import { app } from 'electron';
import type { AppUpdater } from 'electron-updater';
import { canSelfUpdate, updaterErrorMessage } from '../../shared/desktop/updater-state';
import { createUpdaterDriver, type UpdaterBackend, type UpdaterDriver } from '../services/desktop/updater-driver';
import type { Logger } from '../services/util/logger';

export function createShellUpdater(o: {
  log: Logger;
  /**
   * Installing: quit cleanly (services closed, single-instance lock let go) and then call `install`,
   * which hands over to the installer.
   */
  beforeInstall(install: () => void): void;
}): UpdaterDriver {
  let backend: UpdaterBackend | null = null;

  const driver = createUpdaterDriver({
    capability: (disabledByUser) =>
      canSelfUpdate({
        platform: process.platform,
        isPackaged: app.isPackaged,
        env: process.env,
        exePath: process.execPath,
        disabledByUser,
      }),
    backend: () => (backend ??= load()),
    log: o.log,
  });

  function load(): UpdaterBackend {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { autoUpdater } = require('electron-updater') as { autoUpdater: AppUpdater };
    autoUpdater.autoDownload = false;
    autoUpdater.autoInstallOnAppQuit = true;
    autoUpdater.logger = {
      info: (m?: unknown) => o.log.info(`updater: ${String(m)}`),
      warn: (m?: unknown) => o.log.warn(`updater: ${String(m)}`),
      error: (m?: unknown) => o.log.error(`updater: ${String(m)}`),
    };
    autoUpdater.on('download-progress', (p) => {
      void driver.dispatch({ type: 'progress', percent: p.percent, bytesPerSecond: p.bytesPerSecond });
    });
    autoUpdater.on('update-downloaded', (info) => {
      void driver.dispatch({ type: 'downloaded', version: info.version });
    });
    autoUpdater.on('error', (err) => {
      void driver.dispatch({ type: 'error', message: updaterErrorMessage(err) });
    });
    return {
      async check() {
        const r = await autoUpdater.checkForUpdates();
        if (!r?.isUpdateAvailable) return null;
        return { version: r.updateInfo.version, notes: r.updateInfo.releaseNotes };
      },
      async download() {
        await autoUpdater.downloadUpdate();
      },
      // Silent (the installer keeps the folder chosen at install time), then Hearth starts again.
      quitAndInstall: () => o.beforeInstall(() => autoUpdater.quitAndInstall(true, true)),
    };
  }

  return driver;
}
