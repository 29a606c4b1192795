/**
 * Electron composition root. Thin by design: it hosts the plain-Node services, binds them to IPC,
 * and owns windows, the menu and the app lifecycle.
 */
import { BrowserWindow, Menu, app, dialog, screen, shell, type IpcMainInvokeEvent } from 'electron';
import { createAppServices, type AppServices } from '../services/app-services';
import { resolveDataDir } from '../services/config/config';
import { createLogger } from '../services/util/logger';
import { bindIpc } from './ipc-main';
import { buildMenu } from './menu';
import { electronNativeBinding } from './native-binding';
import { isOwnUrl, rendererEntry } from './renderer-url';
import { desktopSecretsKey } from './secrets-key';
import { secureWindowOptions } from './window-options';
import { loadWindowState, trackWindowState } from './window-state';

const log = createLogger();
let services: AppServices | null = null;
let mainWindow: BrowserWindow | null = null;
let quitting = false;

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
      log,
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
    }),
  );
  hardenContents();
  createMainWindow(dir);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createMainWindow(dir);
  });
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
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (e, url) => {
      if (!isOwnUrl(url)) {
        e.preventDefault();
        openExternal(url);
      }
    });
    contents.on('will-redirect', (e, url) => {
      if (!isOwnUrl(url)) e.preventDefault();
    });
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      openExternal(url);
      return { action: 'deny' };
    });
    contents.session.setPermissionRequestHandler((_wc, permission, callback) => {
      callback(permission === 'clipboard-sanitized-write');
    });
  });
}

function openExternal(url: string): void {
  try {
    const u = new URL(url);
    if (u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'mailto:')
      void shell.openExternal(u.toString());
  } catch {
    // not a URL: ignore
  }
}

/** Clean quit: stop generations (partial answers are kept as interrupted) and close the database first. */
app.on('before-quit', (event) => {
  if (quitting || !services) return;
  event.preventDefault();
  quitting = true;
  const s = services;
  services = null;
  const timeout = new Promise<void>((r) => setTimeout(r, 5000));
  void Promise.race([s.close(), timeout])
    .catch((err) => log.error('error while stopping services', err))
    .finally(() => app.quit());
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

function fatal(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  log.error('Hearth could not start', err);
  dialog.showErrorBox('Hearth could not start', message);
  app.exit(1);
}
