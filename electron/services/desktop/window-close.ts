/**
 * What closing the main window does (its 'close' event), decided from the platform and the settings:
 *
 *   'close'  let it close: Hearth is quitting anyway
 *   'hide'   hide it and keep running — in the tray (Settings → Desktop → close to tray), or on macOS,
 *            where closing a window never quits an app (the Dock icon and Cmd+Q do)
 *   'quit'   quit Hearth: the window was its last way in (the hidden quick-prompt window and the
 *            tray icon do not keep it running when the user asked to close it)
 */
export type MainWindowClose = 'close' | 'hide' | 'quit';

export function decideMainWindowClose(o: {
  platform: string;
  /** Quitting has begun (app 'before-quit', or an update installing). */
  quitting: boolean;
  closeToTray: boolean;
  /** The tray icon exists (creating it can fail on desktops without a tray). */
  trayAvailable: boolean;
}): MainWindowClose {
  if (o.quitting) return 'close';
  if (o.platform === 'darwin') return 'hide';
  if (o.closeToTray && o.trayAvailable) return 'hide';
  return 'quit';
}
