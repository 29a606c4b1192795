/**
 * The quick-prompt window: small, frameless, always on top, out of the taskbar, titled "Quick prompt"
 * (the title stays whatever the page says), showing the renderer's `#/quick` route. Created hidden at
 * start so the shortcut shows it at once; the page keeps its own state (draft, answer) while hidden.
 *
 *   toggle()   the global shortcut: hidden → shown centred on the display under the cursor;
 *              shown and focused → hidden; shown behind another window → brought to the front
 *   open()     the tray item and `--quick-prompt`: shown, never hidden
 *   hide()     Esc in the page (desktop.hideQuickPrompt), or Ctrl/Cmd+Enter continuing in the main window
 *
 * Closing it (Alt+F4) hides it; it closes for real only when Hearth quits, and it never keeps Hearth
 * running (the main window decides that). Hiding on blur is the page's call (its reducer's 'blur').
 */
import { BrowserWindow, app, screen } from 'electron';
import { QUICK_PROMPT_SIZE, quickPromptBounds } from '../services/desktop/quick-window-bounds';
import type { Logger } from '../services/util/logger';
import { rendererEntry } from './renderer-url';
import { secureWindowOptions } from './window-options';

export const QUICK_PROMPT_TITLE = 'Quick prompt';

export interface QuickWindow {
  window(): BrowserWindow | null;
  toggle(): void;
  open(): void;
  hide(): void;
  isOnScreen(): boolean;
}

export function createQuickWindow(o: {
  isQuitting(): boolean;
  /** The main window is on screen (macOS: hiding the quick prompt then gives the focus back to the app before). */
  mainOnScreen(): boolean;
  log: Pick<Logger, 'warn'>;
}): QuickWindow {
  const mac = process.platform === 'darwin';
  let win: BrowserWindow | null = null;
  let loaded = false;
  let showWhenLoaded = false;

  function create(): BrowserWindow {
    const w = new BrowserWindow(
      secureWindowOptions({
        title: QUICK_PROMPT_TITLE,
        width: QUICK_PROMPT_SIZE.width,
        height: QUICK_PROMPT_SIZE.height,
        frame: false,
        resizable: false,
        minimizable: false,
        maximizable: false,
        fullscreenable: false,
        alwaysOnTop: true,
        skipTaskbar: true,
        show: false,
      }),
    );
    win = w;
    loaded = false;
    if (mac) {
      // Over full-screen apps and on every Space, like Spotlight (the app keeps its Dock icon).
      w.setVisibleOnAllWorkspaces(true, { visibleOnFullScreen: true, skipTransformProcessType: true });
    } else {
      // No menu bar accelerators (Ctrl+N, Ctrl+W…) in the small window.
      w.removeMenu();
    }
    w.on('page-title-updated', (e) => e.preventDefault());
    w.on('close', (e) => {
      if (o.isQuitting()) return;
      e.preventDefault();
      hide();
    });
    w.on('closed', () => {
      if (win === w) win = null;
    });
    w.once('ready-to-show', () => {
      loaded = true;
      if (showWhenLoaded) reveal();
    });
    // A crashed page is not reloaded in a loop: the window goes, and the next open makes a new one.
    w.webContents.on('render-process-gone', (_e, details) => {
      o.log.warn(`the quick prompt page stopped (${details.reason})`);
      if (!w.isDestroyed()) w.destroy();
    });
    void w.loadURL(rendererEntry('/quick').url);
    return w;
  }

  function current(): BrowserWindow {
    return win && !win.isDestroyed() ? win : create();
  }

  /** Centred on the display under the cursor, in front, focused. */
  function reveal(): void {
    const w = current();
    showWhenLoaded = false;
    if (!w.isVisible()) {
      w.setBounds(quickPromptBounds({ displays: screen.getAllDisplays(), cursor: screen.getCursorScreenPoint() }));
    }
    w.show();
    w.focus();
    if (mac) app.focus({ steal: true });
  }

  function open(): void {
    current();
    if (loaded) reveal();
    else showWhenLoaded = true;
  }

  function hide(): void {
    showWhenLoaded = false;
    if (!win || win.isDestroyed() || !win.isVisible()) return;
    win.hide();
    // macOS: give the focus back to the app that had it, unless Hearth's main window is out.
    if (mac && !o.mainOnScreen()) app.hide();
  }

  // Created at once, hidden: the first shortcut press then shows a page that is already there.
  create();
  return {
    window: () => (win && !win.isDestroyed() ? win : null),
    open,
    hide,
    toggle() {
      const w = current();
      if (!w.isVisible()) open();
      else if (w.isFocused()) hide();
      else reveal();
    },
    isOnScreen: () => !!win && !win.isDestroyed() && win.isVisible(),
  };
}
