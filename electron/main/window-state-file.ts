/**
 * The main window's place, kept in `<data>/window-state.json`: read at start and restored on the same
 * display when it is still there and unchanged (electron/services/desktop/window-state.ts decides),
 * saved as the window moves or resizes and when it closes.
 */
import type { BrowserWindow } from 'electron';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScreenLike } from '../services/desktop/geometry';
import {
  captureWindowState,
  restoreWindowState,
  type RestoreOptions,
  type RestoredWindowState,
} from '../services/desktop/window-state';

const FILE = 'window-state.json';
const SAVE_DELAY_MS = 400;

export function loadWindowPlacement(dataDir: string, screen: ScreenLike, opts?: RestoreOptions): RestoredWindowState {
  let saved: unknown = null;
  try {
    saved = JSON.parse(readFileSync(join(dataDir, FILE), 'utf8'));
  } catch {
    // None yet, or damaged: the default place.
  }
  return restoreWindowState(saved, screen, opts);
}

export function trackWindowPlacement(win: BrowserWindow, dataDir: string, screen: ScreenLike): void {
  const file = join(dataDir, FILE);
  let timer: NodeJS.Timeout | null = null;
  const save = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (win.isDestroyed()) return;
    const state = captureWindowState(win.getNormalBounds(), win.isMaximized(), screen);
    try {
      // Written beside and renamed over, so a crash mid-write never leaves half a file.
      writeFileSync(`${file}.tmp`, JSON.stringify(state));
      renameSync(`${file}.tmp`, file);
    } catch {
      // Not worth interrupting the user for.
    }
  };
  const later = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, SAVE_DELAY_MS);
  };
  win.on('resize', later);
  win.on('move', later);
  win.on('maximize', later);
  win.on('unmaximize', later);
  win.on('close', save);
}
