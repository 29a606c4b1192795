/**
 * Electron composition root. Thin by design: it hosts the plain-Node services, binds them to IPC,
 * and owns windows, the menu and the app lifecycle.
 */
import { join } from 'node:path';
import { BrowserWindow, Menu, app, dialog, screen, shell, type IpcMainInvokeEvent } from 'electron';
import { createAppServices, type AppServices } from '../services/app-services';
import { resolveDataDir } from '../services/config/config';
import { createLogger } from '../services/util/logger';
import { createCleanQuit } from './clean-quit';
import { bindIpc } from './ipc-main';
import { buildMenu } from './menu';
import { electronNativeBinding } from './native-binding';
import { decideNavigation, decideRedirect, decideWindowOpen, type NavigationDecision } from './navigation-policy';
import { isOwnUrl, rendererEntry } from './renderer-url';
import { desktopSecretsKey } from './secrets-key';
import { secureWindowOptions } from './window-options';
import { loadWindowState, trackWindowState } from './window-state';

const log = createLogger();
let services: AppServices | null = null;
let mainWindow: BrowserWindow | null = null;

/**
 * How long quitting waits for services.close(): generations to stop, the bundled Ollama to stop
 * (SIGTERM, up to 5 s grace, then a kill of its process group) and the database to close. A hung
 * child cannot keep the app alive past it; an Ollama left running then is found through its pid
 * file and stopped at the next start.
 */
const QUIT_TIMEOUT_MS = 10_000;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.whenReady().then(start, (err) => fatal(err));
}

/** Where the bundled Ollama is looked for (<resources>/ollama/<platform>-<arch>/): the packaged app's
 * resources folder, or the repository's resources/ (filled by `npm run fetch-ollama`) when run from source. */
function resourcesDir(): string {
  return app.isPackaged ? process.resourcesPath : join(app.getAppPath(), 'resources');
}

function dataDir(): string {
  const dir = resolveDataDir(undefined, process.env, app.getPath('userData'));
  app.setPath('userData', dir);
  return dir;
}

async function start(): Promise<void> {
  const dir = dataDir();
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
    });
  } catch (err) {
    return fatal(err);
  }
  const s = services;
  bindIpc({
    router: s.router,
    events: s.events,
    isTrustedSender,
    targets: () => BrowserWindow.getAllWindows().map((w) => w.webContents),
  });
  Menu.setApplicationMenu(
    buildMenu({
      newChat: () => s.events.emit('app.command', { command: 'new-chat' }),
      settings: () => s.events.emit('app.command', { command: 'open-settings' }),
      models: () => s.events.emit('app.command', { command: 'open-models' }),
    }),
  );
  hardenContents();
  createMainWindow(dir);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createMainWindow(dir);
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
  const r = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
  return r.canceled ? null : (r.filePaths[0] ?? null);
}

function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent) return false; // top-level frames of our own windows only
  const owner = BrowserWindow.fromWebContents(event.sender);
  return !!owner && isOwnUrl(frame.url);
}

function createMainWindow(dir: string): void {
  const state = loadWindowState(dir, (b) =>
    screen.getAllDisplays().some((d) => {
      const a = d.workArea;
      return b.x < a.x + a.width && b.x + b.width > a.x && b.y < a.y + a.height && b.y + b.height > a.y;
    }),
  );
  const win = new BrowserWindow(
    secureWindowOptions({ ...state.bounds, minWidth: 480, minHeight: 360, title: 'Hearth' }),
  );
  mainWindow = win;
  if (state.maximized) win.maximize();
  trackWindowState(win, dir);
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  void win.loadURL(rendererEntry().url);
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
 * (no orphan) and close the database first, waiting at most QUIT_TIMEOUT_MS.
 */
const cleanQuit = createCleanQuit({
  services: () => services,
  quit: () => app.quit(),
  timeoutMs: QUIT_TIMEOUT_MS,
  log,
});
app.on('before-quit', (event) => cleanQuit.onBeforeQuit(event));

// Ctrl-C in the terminal of `npm start`, or the OS asking the app to end: the same clean quit
// (Electron's default would exit at once and leave the bundled Ollama running).
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => app.quit());
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

function fatal(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  log.error('Hearth could not start', err);
  dialog.showErrorBox('Hearth could not start', message);
  app.exit(1);
}
