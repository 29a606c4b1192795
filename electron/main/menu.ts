/** The standard application menu (Edit, View, Window roles), plus New chat, Settings and Models wired to the renderer. */
import { Menu, app, type MenuItemConstructorOptions } from 'electron';

export function buildMenu(actions: { newChat(): void; settings(): void; models(): void }): Menu {
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'New Chat', accelerator: 'CmdOrCtrl+N', click: actions.newChat },
        { label: 'Settings…', accelerator: 'CmdOrCtrl+,', click: actions.settings },
        { label: 'Models…', accelerator: 'CmdOrCtrl+Shift+M', click: actions.models },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
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
  ];
  return Menu.buildFromTemplate(template);
}
