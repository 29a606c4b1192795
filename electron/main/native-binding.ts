/**
 * better-sqlite3 built for Electron's ABI lives apart from the Node build in node_modules
 * (see build/electron-native.mjs). Packaged apps are rebuilt by electron-builder, so they use
 * the default binding.
 */
import { app } from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export function electronNativeBinding(): string | undefined {
  if (app.isPackaged) return undefined;
  const file = join(app.getAppPath(), 'node_modules', '.cache', 'hearth-electron', 'better_sqlite3.node');
  return existsSync(file) ? file : undefined;
}
