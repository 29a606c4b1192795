/** Remembers the main window's bounds and maximised state in `<data>/window-state.json`. */
import type { BrowserWindow, Rectangle } from 'electron';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface WindowState {
  bounds: Partial<Rectangle>;
  maximized: boolean;
}

const DEFAULT: WindowState = { bounds: { width: 1200, height: 800 }, maximized: false };

export function loadWindowState(dataDir: string, visible: (b: Rectangle) => boolean): WindowState {
  try {
    const s = JSON.parse(readFileSync(join(dataDir, 'window-state.json'), 'utf8')) as WindowState;
    const b = s.bounds;
    if (typeof b?.width !== 'number' || typeof b.height !== 'number') return DEFAULT;
    // A monitor that was unplugged must not leave the window off-screen.
    if (typeof b.x === 'number' && typeof b.y === 'number' && !visible(b as Rectangle)) {
      return { bounds: { width: b.width, height: b.height }, maximized: !!s.maximized };
    }
    return { bounds: b, maximized: !!s.maximized };
  } catch {
    return DEFAULT;
  }
}

export function trackWindowState(win: BrowserWindow, dataDir: string): void {
  let timer: NodeJS.Timeout | null = null;
  const save = () => {
    if (win.isDestroyed()) return;
    const state: WindowState = { bounds: win.getNormalBounds(), maximized: win.isMaximized() };
    try {
      writeFileSync(join(dataDir, 'window-state.json'), JSON.stringify(state));
    } catch {
      // Not worth interrupting the user for.
    }
  };
  const later = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, 400);
  };
  win.on('resize', later);
  win.on('move', later);
  win.on('maximize', later);
  win.on('unmaximize', later);
  win.on('close', save);
}
