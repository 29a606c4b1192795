/**
 * The main window: where it opens (restored per display, window-state-file.ts), whether it shows at
 * start, what closing it does (hide to the tray, hide on macOS, or quit: window-close.ts decides), and
 * the commands for its page ('app.command'), held until the page has loaded and can hear them.
 *
 *   create({ show })   at start; `show: false` keeps it hidden (login start, --hidden, --quick-prompt)
 *   show()             restore, show and focus (made again if it was closed)
 *   command(cmd)       show it, then send the page the command (queued while it loads)
 */
import { BrowserWindow, screen } from 'electron';
import type { EventPayload } from '../../shared/contract';
import { createReadyQueue } from '../services/desktop/launch-runner';
import type { MainWindowClose } from '../services/desktop/window-close';
import { MIN_WINDOW_SIZE } from '../services/desktop/window-state';
import { rendererEntry } from './renderer-url';
import { loadWindowPlacement, trackWindowPlacement } from './window-state-file';
import { secureWindowOptions } from './window-options';

type AppCommand = EventPayload<'app.command'>;

export interface MainWindow {
  window(): BrowserWindow | null;
  create(opts: { show: boolean }): void;
  show(): void;
  command(command: AppCommand): void;
  /** Shown and not minimised. */
  isOnScreen(): boolean;
}

export function createMainWindow(o: {
  dataDir: string;
  /** What closing the window does right now (settings and quitting read at that moment). */
  closeDecision(): MainWindowClose;
  /** Quit Hearth (through the clean quit). */
  quit(): void;
  /** Send the page a command (events.emit('app.command', …): every window hears it). */
  emitCommand(command: AppCommand): void;
}): MainWindow {
  let win: BrowserWindow | null = null;
  let showWhenReady = false;
  let painted = false;
  let shownOnce = false;
  let maximizeOnShow = false;
  const commands = createReadyQueue<AppCommand>((c) => o.emitCommand(c));

  function create(opts: { show: boolean }): BrowserWindow {
    const placement = loadWindowPlacement(o.dataDir, screen);
    const w = new BrowserWindow(
      secureWindowOptions({
        ...placement.bounds,
        minWidth: MIN_WINDOW_SIZE.width,
        minHeight: MIN_WINDOW_SIZE.height,
        title: 'Hearth',
      }),
    );
    win = w;
    painted = false;
    shownOnce = false;
    // maximize() would show a hidden window: it waits for the first show.
    maximizeOnShow = placement.maximized;
    showWhenReady = opts.show;
    trackWindowPlacement(w, o.dataDir, screen);
    w.once('ready-to-show', () => {
      painted = true;
      if (showWhenReady) reveal(w);
    });
    // The page hears commands once it has loaded (its store subscribes as it starts); a reload or a
    // crash holds them again until it is back.
    w.webContents.on('did-navigate', () => commands.reset());
    w.webContents.on('render-process-gone', () => commands.reset());
    w.webContents.on('did-finish-load', () => commands.ready());
    w.on('close', (e) => {
      const decision = o.closeDecision();
      if (decision === 'close') return;
      e.preventDefault();
      if (decision === 'hide') hide(w);
      else {
        w.hide();
        o.quit();
      }
    });
    w.on('closed', () => {
      if (win === w) win = null;
      commands.reset();
    });
    void w.loadURL(rendererEntry().url);
    return w;
  }

  function reveal(w: BrowserWindow): void {
    showWhenReady = false;
    if (!shownOnce && maximizeOnShow) w.maximize();
    shownOnce = true;
    if (w.isMinimized()) w.restore();
    w.show();
    w.focus();
  }

  function hide(w: BrowserWindow): void {
    // macOS: a full-screen window hidden as it is leaves a black Space behind.
    if (w.isFullScreen()) {
      w.once('leave-full-screen', () => w.hide());
      w.setFullScreen(false);
    } else w.hide();
  }

  function show(): void {
    const w = win && !win.isDestroyed() ? win : create({ show: true });
    // Not painted yet: it shows itself when ready (no white flash).
    if (painted) reveal(w);
    else showWhenReady = true;
  }

  return {
    window: () => (win && !win.isDestroyed() ? win : null),
    create: (opts) => void create(opts),
    show,
    command(command) {
      show();
      commands.push(command);
    },
    isOnScreen: () => !!win && !win.isDestroyed() && win.isVisible() && !win.isMinimized(),
  };
}
