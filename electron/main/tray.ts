/**
 * The tray icon and its menu: trayState() (tray-state.ts) from the app's state as tray-inputs.ts
 * gathers it, turned into an Electron Tray and Menu. Redrawn, at most once per tick, when what it
 * shows changes — an answer starts or ends, Ollama or sync change, the default model, the models, the
 * shortcut or the panel's theme; nothing is rebuilt when nothing changed (Linux panels flicker).
 *
 * Its items act through the router like the renderer does (so input is validated the same way):
 * ollama.control, settings.update { defaultModel }, sync.configure { paused }. Quit goes through the
 * clean quit. Left click opens Hearth on Windows and Linux; on macOS it opens the menu (template icons).
 * The Tray is also globalThis.__hearthTray, for the packaged-app smoke test (Electron cannot list trays).
 */
import { Menu, Tray, nativeImage, nativeTheme, type MenuItemConstructorOptions } from 'electron';
import { join } from 'node:path';
import type { Router } from '../services/api';
import type { EventHub } from '../services/events';
import { createTrayInputs, trayTheme } from '../services/desktop/tray-inputs';
import { trayState, type TrayAction, type TrayMenuItem } from '../services/desktop/tray-state';
import type { Logger } from '../services/util/logger';
import { callRouter } from './router-call';

export interface HearthTray {
  tray: Tray;
  /** A call the shell cannot hear as an event succeeded (settings.update: the default model). */
  destroy(): void;
}

export interface TrayActions {
  openMain(): void;
  quickPrompt(): void;
  openModels(): void;
  quit(): void;
}

export function createTray(o: {
  router: Router;
  events: EventHub;
  iconDir: string;
  actions: TrayActions;
  log: Pick<Logger, 'warn'>;
}): HearthTray {
  const platform = process.platform;
  const theme = () =>
    trayTheme({
      platform,
      env: process.env,
      systemDark: nativeTheme.shouldUseDarkColorsForSystemIntegratedUI,
      appDark: nativeTheme.shouldUseDarkColors,
    });
  const inputs = createTrayInputs(platform, theme());
  const first = trayState(inputs.input());
  const tray = new Tray(image(first.icon.file));
  (globalThis as { __hearthTray?: Tray }).__hearthTray = tray;
  let drawn = { icon: first.icon.file, tooltip: '', menu: '' };
  let pending = false;
  let destroyed = false;

  function image(file: string) {
    return nativeImage.createFromPath(join(o.iconDir, file)); // @2x beside it is picked up by itself
  }

  function draw(): void {
    pending = false;
    if (destroyed || tray.isDestroyed()) return;
    const s = trayState(inputs.input());
    if (s.icon.file !== drawn.icon) tray.setImage(image(s.icon.file));
    if (s.tooltip !== drawn.tooltip) tray.setToolTip(s.tooltip);
    const menu = JSON.stringify(s.menu);
    if (menu !== drawn.menu) tray.setContextMenu(Menu.buildFromTemplate(template(s.menu)));
    drawn = { icon: s.icon.file, tooltip: s.tooltip, menu };
  }

  function redraw(): void {
    if (pending) return;
    pending = true;
    setImmediate(draw);
  }

  function template(items: readonly TrayMenuItem[]): MenuItemConstructorOptions[] {
    return items.map((i): MenuItemConstructorOptions => {
      switch (i.kind) {
        case 'action':
          return {
            id: i.id,
            label: i.label,
            enabled: i.enabled,
            // Shown, not registered: the global shortcut is registered by the desktop host.
            ...(i.accelerator ? { accelerator: i.accelerator, registerAccelerator: false } : {}),
            click: () => run(i.action),
          };
        case 'radio':
          return {
            id: i.id,
            type: 'radio',
            label: i.label,
            enabled: i.enabled,
            checked: i.checked,
            click: () => run(i.action),
          };
        case 'label':
          return { id: i.id, label: i.label, enabled: false };
        case 'separator':
          return { id: i.id, type: 'separator' };
        case 'submenu':
          return { id: i.id, label: i.label, enabled: i.enabled, submenu: template(i.items) };
      }
    });
  }

  function run(action: TrayAction): void {
    const attempt = (what: string, p: Promise<unknown>) =>
      p.catch((err: unknown) => {
        o.log.warn(`tray: ${what} failed: ${err instanceof Error ? err.message : String(err)}`);
        redraw(); // a radio item Electron checked by itself goes back
      });
    switch (action.type) {
      case 'open-main':
        return o.actions.openMain();
      case 'quick-prompt':
        return o.actions.quickPrompt();
      case 'open-models':
        return o.actions.openModels();
      case 'quit':
        return o.actions.quit();
      case 'ollama':
        void attempt(`${action.action} Ollama`, callRouter(o.router, 'ollama.control', { action: action.action }));
        return;
      case 'set-default-model':
        void attempt(
          'choosing the default model',
          callRouter(o.router, 'settings.update', { defaultModel: action.modelId }).then((view) => {
            if (inputs.setDefaultModel(view.defaultModel)) redraw();
          }),
        );
        return;
      case 'sync':
        void attempt(
          `${action.action === 'pause' ? 'pausing' : 'resuming'} sync`,
          callRouter(o.router, 'sync.configure', { paused: action.action === 'pause' }),
        );
        return;
    }
  }

  // models.list asks every provider: one read at a time, and one more if asked for meanwhile.
  let loading = false;
  let again = false;
  async function loadModels(): Promise<void> {
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    try {
      const [list, settings] = await Promise.all([
        callRouter(o.router, 'models.list', {}),
        callRouter(o.router, 'settings.get', {}),
      ]);
      const a = inputs.setModels(list);
      const b = inputs.setDefaultModel(settings.defaultModel);
      if (a || b) redraw();
    } catch (err) {
      o.log.warn(`tray: reading the models failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      loading = false;
      if (again) {
        again = false;
        void loadModels();
      }
    }
  }

  const unsubscribe = o.events.subscribe((envelope) => {
    const r = inputs.onEvent(envelope);
    if (r.changed) redraw();
    if (r.reloadModels) void loadModels();
  });
  const onTheme = () => {
    if (inputs.setTheme(theme())) redraw();
  };
  nativeTheme.on('updated', onTheme);
  if (platform !== 'darwin') tray.on('click', () => o.actions.openMain());

  // What the events have not told yet: the state as it is now.
  void (async () => {
    const [ollama, sync, desktop] = await Promise.allSettled([
      callRouter(o.router, 'ollama.status', {}),
      callRouter(o.router, 'sync.status', {}),
      callRouter(o.router, 'desktop.get', {}),
    ]);
    if (ollama.status === 'fulfilled') inputs.onEvent({ event: 'ollama.status', payload: ollama.value });
    if (sync.status === 'fulfilled') inputs.onEvent({ event: 'sync.status', payload: sync.value });
    if (desktop.status === 'fulfilled') inputs.onEvent({ event: 'desktop.changed', payload: desktop.value });
    redraw();
    await loadModels();
  })();
  draw();

  return {
    tray,
    destroy() {
      destroyed = true;
      unsubscribe();
      nativeTheme.off('updated', onTheme);
      if (!tray.isDestroyed()) tray.destroy();
    },
  };
}
