/** The one factory for every window's options: sandboxed, isolated, no Node in the page. */
import type { BrowserWindowConstructorOptions } from 'electron';
import { join } from 'node:path';

export function secureWindowOptions(extra: BrowserWindowConstructorOptions = {}): BrowserWindowConstructorOptions {
  return {
    show: false,
    backgroundColor: '#1b1b1f',
    ...extra,
    webPreferences: {
      ...extra.webPreferences,
      preload: join(__dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: true,
    },
  };
}
