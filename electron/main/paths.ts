/**
 * Where the shell finds its files: the packaged app's resources folder (process.resourcesPath) or,
 * when run from source, the repository (app.getAppPath()).
 */
import { app } from 'electron';
import { join } from 'node:path';

/** Where the bundled Ollama is looked for (<resources>/ollama/<platform>-<arch>/): the packaged app's
 * resources folder, or the repository's resources/ (filled by `npm run fetch-ollama`) when run from source. */
export function resourcesDir(): string {
  return app.isPackaged ? process.resourcesPath : join(app.getAppPath(), 'resources');
}

/** The tray icons: <resources>/tray/ when packaged (electron-builder.yml's extraResources), build/tray/ from source. */
export function trayIconDir(): string {
  return app.isPackaged ? join(process.resourcesPath, 'tray') : join(app.getAppPath(), 'build', 'tray');
}
