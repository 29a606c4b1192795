/**
 * The application menu, with the usual accelerators: on macOS the app menu (About, Check for Updates…,
 * Settings… Cmd+,, Services, Hide, Quit); File (New Chat, Quick Prompt, Models…, Settings… on Windows
 * and Linux, Close, Quit), Edit (cut/copy/paste/select all), View, Window, and on Windows and Linux
 * Help with Check for Updates…. Menu items act through `actions`; Quit goes through the clean quit
 * (role quit → app.quit() → 'before-quit').
 */
import { Menu, app, type MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  newChat(): void;
  quickPrompt(): void;
  settings(): void;
  models(): void;
  /** Show Settings → Desktop and look for an update (null: no updater in this shell). */
  checkForUpdates: (() => void) | null;
}

/** `quickPromptShortcut`: the global shortcut, shown beside Quick Prompt (registered elsewhere). */
export function buildMenu(actions: MenuActions, quickPromptShortcut: string | null = null): Menu {
  const isMac = process.platform === 'darwin';
  const updates: MenuItemConstructorOptions[] = actions.checkForUpdates
    ? [{ label: 'Check for Updates…', click: actions.checkForUpdates }]
    : [];
  const settings: MenuItemConstructorOptions = {
    label: 'Settings…',
    accelerator: 'CmdOrCtrl+,',
    click: actions.settings,
  };
  const template: MenuItemConstructorOptions[] = [
    ...(isMac
      ? [
          {
            label: app.name,
            submenu: [
              { role: 'about' },
              ...updates,
              { type: 'separator' },
              settings,
              { type: 'separator' },
              { role: 'services' },
              { type: 'separator' },
              { role: 'hide' },
              { role: 'hideOthers' },
              { role: 'unhide' },
              { type: 'separator' },
              { role: 'quit' },
            ],
          } satisfies MenuItemConstructorOptions,
        ]
      : []),
    {
      label: 'File',
      submenu: [
        { label: 'New Chat', accelerator: 'CmdOrCtrl+N', click: actions.newChat },
        {
          label: 'Quick Prompt',
          click: actions.quickPrompt,
          ...(quickPromptShortcut ? { accelerator: quickPromptShortcut, registerAccelerator: false } : {}),
        },
        { label: 'Models…', accelerator: 'CmdOrCtrl+Shift+M', click: actions.models },
        ...(isMac ? [] : [{ type: 'separator' } as const, settings]),
        { type: 'separator' },
        { role: 'close' },
        ...(isMac ? [] : [{ role: 'quit' } as const]),
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }]),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    ...(isMac || updates.length === 0 ? [] : [{ role: 'help', submenu: updates } satisfies MenuItemConstructorOptions]),
  ];
  return Menu.buildFromTemplate(template);
}
