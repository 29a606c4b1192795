/**
 * Electron composition root. Thin by design: it hosts the plain-Node services, binds them to IPC,
 * and wires the shell's parts together — the main window, the quick-prompt window, the tray, the menu,
 * the desktop host (shortcut, clipboard, login item, updater), notifications, taskbar progress, launches
 * and links — and owns the app's lifecycle (one instance, clean quit).
 *
 * Starting hidden (the tray is the way in): `--hidden` (the login entry on Windows and Linux adds it when
 * "start in the tray" is on), `--quick-prompt`, or on macOS a login start with that setting on.
 */
import { BrowserWindow, Menu, app, dialog, globalShortcut, shell, type IpcMainInvokeEvent } from 'electron';
import { createAppServices, type AppServices } from '../services/app-services';
import { resolveDataDir } from '../services/config/config';
import { runLaunch, type AppCommand, type LaunchTarget } from '../services/desktop/launch-runner';
import { decideMainWindowClose } from '../services/desktop/window-close';
import { createLogger } from '../services/util/logger';
import { createCleanQuit } from './clean-quit';
import { createShellHost } from './desktop-host';
import { bindIpc } from './ipc-main';
import { handleLaunches, type Launches } from './launch';
import { openedAtLoginToStayHidden } from './login-item';
import { createMainWindow, type MainWindow } from './main-window';
import { buildMenu, type MenuActions } from './menu';
import { electronNativeBinding } from './native-binding';
import { decideNavigation, decideRedirect, decideWindowOpen, type NavigationDecision } from './navigation-policy';
import { notifyFinishedAnswers } from './notifications';
import { resourcesDir, trayIconDir } from './paths';
import { createQuickWindow, type QuickWindow } from './quick-window';
import { isOwnUrl } from './renderer-url';
import { desktopSecretsKey } from './secrets-key';
import { showPullProgress } from './taskbar-progress';
import { createTray, type HearthTray } from './tray';
import { createShellUpdater } from './updater';

const log = createLogger();
let services: AppServices | null = null;
let main: MainWindow | null = null;
let quick: QuickWindow | null = null;
let tray: HearthTray | null = null;
/** Set once quitting has begun: windows then close for real instead of hiding. */
let quitting = false;

/**
 * How long quitting waits for services.close(): generations to stop, the bundled Ollama to stop
 * (SIGTERM, up to 5 s grace, then a kill of its process group) and the database to close. A hung
 * child cannot keep the app alive past it; an Ollama left running then is found through its pid
 * file and stopped at the next start.
 */
const QUIT_TIMEOUT_MS = 10_000;
/** If the updater has not quit the app this long after "Restart now", quit anyway (the services are closed). */
const INSTALL_QUIT_FALLBACK_MS = 60_000;
/** macOS may send 'activate' as the app starts: a hidden start ignores it this long. */
const HIDDEN_START_ACTIVATE_GRACE_MS = 2_000;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  // Before 'ready': links and second launches can arrive that early.
  const launches = handleLaunches(log);
  // Windows ties notifications and the taskbar button to this id (the installer's shortcut carries it).
  if (process.platform === 'win32') app.setAppUserModelId(app.isPackaged ? 'app.hearth.desktop' : process.execPath);
  app.whenReady().then(
    () => start(launches),
    (err) => fatal(err),
  );
}

function dataDir(): string {
  const dir = resolveDataDir(undefined, process.env, app.getPath('userData'));
  app.setPath('userData', dir);
  return dir;
}

async function start(launches: Launches): Promise<void> {
  const dir = dataDir();
  const updater = createShellUpdater({ log, beforeInstall: installUpdate });
  const host = createShellHost({
    updater,
    onShortcut: () => quick?.toggle(),
    hideQuickPrompt: () => quick?.hide(),
    showMain: () => main?.show(),
    log,
  });
  try {
    services = createAppServices({
      dataDir: dir,
      host: 'electron',
      env: process.env,
      secretsKey: desktopSecretsKey(dir),
      nativeBinding: electronNativeBinding(),
      resourcesDir: resourcesDir(),
      log,
      // The only way a program to run reaches the settings: the user picks it here, not over IPC.
      chooseOllamaExecutable: chooseOllamaExecutable,
      // Settings → Log → Open folder: the file manager with hearth.log selected.
      openLogFolder: async (file) => shell.showItemInFolder(file),
      desktopHost: host,
      // Settings → Data → Restore: the services close, the data is swapped, Hearth starts again on it.
      reopen: async (swap) => {
        await services?.close();
        const result = await swap();
        log.info(`restored a backup; the data that was there is kept in ${result.movedAside}`);
        app.relaunch();
        app.exit(0);
        return result;
      },
    });
  } catch (err) {
    return fatal(err);
  }
  const s = services;

  const mainWindow = createMainWindow({
    dataDir: dir,
    closeDecision: () =>
      decideMainWindowClose({
        platform: process.platform,
        quitting,
        closeToTray: host.applied().closeToTray,
        trayAvailable: !!tray,
      }),
    quit: () => app.quit(),
    emitCommand: (command) => s.events.emit('app.command', command),
  });
  main = mainWindow;
  const command = (c: AppCommand) => mainWindow.command(c);

  bindIpc({
    router: s.router,
    events: s.events,
    isTrustedSender,
    targets: () => BrowserWindow.getAllWindows().map((w) => w.webContents),
  });
  hardenContents();

  const quickWindow = createQuickWindow({
    isQuitting: () => quitting,
    mainOnScreen: () => mainWindow.isOnScreen(),
    log,
  });
  quick = quickWindow;

  try {
    tray = createTray({
      router: s.router,
      events: s.events,
      iconDir: trayIconDir(),
      actions: {
        openMain: () => mainWindow.show(),
        quickPrompt: () => quickWindow.open(),
        openModels: () => command({ command: 'open-models' }),
        quit: () => app.quit(),
      },
      log,
    });
  } catch (err) {
    // Closing the window then quits instead of hiding (there would be no way back).
    log.warn('the tray icon could not be created', err);
  }

  const menuActions: MenuActions = {
    newChat: () => command({ command: 'new-chat' }),
    quickPrompt: () => quickWindow.open(),
    settings: () => command({ command: 'open-settings' }),
    models: () => command({ command: 'open-models' }),
    checkForUpdates: () => {
      command({ command: 'open-desktop-settings' });
      void updater.check();
    },
  };
  let menuShortcut: string | null = null;
  Menu.setApplicationMenu(buildMenu(menuActions));
  s.events.subscribe((e) => {
    if (e.event !== 'desktop.changed') return;
    const r = e.payload.shortcut;
    const shown = r?.ok ? r.accelerator : null;
    if (shown === menuShortcut) return;
    menuShortcut = shown;
    Menu.setApplicationMenu(buildMenu(menuActions, shown));
  });

  notifyFinishedAnswers({
    events: s.events,
    enabled: () => host.applied().notifyOnAnswer,
    chatTitle: (chatId) => {
      try {
        return s.chats.get(chatId).chat.title;
      } catch {
        return null;
      }
    },
    imageJobRunning: (messageId) =>
      s.images.listJobs().some((j) => j.messageId === messageId && (j.state === 'queued' || j.state === 'running')),
    openChat: (chatId) => command({ command: 'open-chat', chatId }),
    log,
  });
  showPullProgress(s.events, () => mainWindow.window());

  // What this launch asked for. The main window is made hidden and shown by the 'show' action.
  let first = launches.first;
  if (first.length === 1 && first[0]!.type === 'show' && openedAtLoginToStayHidden(s.desktop.settings())) {
    first = [{ type: 'start-hidden' }];
  }
  const startedHidden = !first.some((a) => a.type === 'show');
  mainWindow.create({ show: false });
  const target: LaunchTarget = {
    showMain: () => mainWindow.show(),
    startHidden: () => {},
    openQuickPrompt: () => quickWindow.open(),
    command,
    invalidLink: (reason) => {
      // Attached to the main window when it is on screen (a sheet on a hidden window is never seen).
      const w = mainWindow.isOnScreen() ? mainWindow.window() : null;
      const options = { type: 'warning' as const, message: 'Hearth could not open the link.', detail: reason };
      void (w ? dialog.showMessageBox(w, options) : dialog.showMessageBox(options));
    },
  };
  runLaunch(first, target);
  launches.attach(target);

  const startedAt = Date.now();
  app.on('activate', () => {
    if (startedHidden && Date.now() - startedAt < HIDDEN_START_ACTIVATE_GRACE_MS) return;
    mainWindow.show();
  });

  // The shortcut, login item and update checks, now that the windows exist.
  s.desktop.start();
}

/** "Restart now": close the services, let go of the single-instance lock, then hand over to the installer. */
function installUpdate(install: () => void): void {
  quitting = true;
  cleanQuit.quitWith(() => {
    // The new version may start before this process has gone: it must not find the lock held.
    app.releaseSingleInstanceLock();
    try {
      install();
    } catch (err) {
      log.error('the update could not be installed', err);
    }
    setTimeout(() => app.quit(), INSTALL_QUIT_FALLBACK_MS);
  });
}

async function chooseOllamaExecutable(current: string | null): Promise<string | null> {
  const options: Electron.OpenDialogOptions = {
    title: 'Choose the Ollama program',
    buttonLabel: 'Use this program',
    properties: ['openFile', 'dontAddToRecent'],
    ...(current ? { defaultPath: current } : {}),
    ...(process.platform === 'win32' ? { filters: [{ name: 'Programs', extensions: ['exe'] }] } : {}),
  };
  const w = main?.window();
  const r = w ? await dialog.showOpenDialog(w, options) : await dialog.showOpenDialog(options);
  return r.canceled ? null : (r.filePaths[0] ?? null);
}

function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent) return false; // top-level frames of our own windows only
  const owner = BrowserWindow.fromWebContents(event.sender);
  return !!owner && isOwnUrl(frame.url);
}

/** Every web contents: no navigation away from the app, no new windows; http(s) links go to the OS browser. */
function hardenContents(): void {
  const follow = (e: { preventDefault(): void }, d: NavigationDecision) => {
    if (!d.allow) e.preventDefault();
    if (d.openExternal) void shell.openExternal(d.openExternal);
  };
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (e, url) => follow(e, decideNavigation(url, isOwnUrl)));
    contents.on('will-redirect', (e, url) => follow(e, decideRedirect(url, isOwnUrl)));
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      const d = decideWindowOpen(url);
      if (d.openExternal) void shell.openExternal(d.openExternal);
      return { action: 'deny' };
    });
    contents.session.setPermissionRequestHandler((_wc, permission, callback) => {
      callback(permission === 'clipboard-sanitized-write');
    });
  });
}

/**
 * Clean quit: stop generations (partial answers are kept as interrupted), stop the bundled Ollama
 * (no orphan) and close the database first, waiting at most QUIT_TIMEOUT_MS. Every way out goes
 * through it: the menu's and the tray's Quit, Cmd+Q, closing the last window, signals, updates.
 */
const cleanQuit = createCleanQuit({
  services: () => services,
  quit: () => app.quit(),
  timeoutMs: QUIT_TIMEOUT_MS,
  log,
});
app.on('before-quit', (event) => {
  quitting = true;
  cleanQuit.onBeforeQuit(event);
});
app.on('will-quit', () => {
  globalShortcut.unregisterAll();
  tray?.destroy();
  tray = null;
});

// Ctrl-C in the terminal of `npm start`, or the OS asking the app to end: the same clean quit
// (Electron's default would exit at once and leave the bundled Ollama running).
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => app.quit());
}

// The main window decides when closing it ends Hearth (main-window.ts); the hidden quick-prompt
// window and the tray alone never keep it running once every window is gone.
app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

function fatal(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  log.error('Hearth could not start', err);
  dialog.showErrorBox('Hearth could not start', message);
  app.exit(1);
}
