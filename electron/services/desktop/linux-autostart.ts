/**
 * Start at login on Linux, where Electron's app.setLoginItemSettings does nothing: an XDG autostart
 * entry, `$XDG_CONFIG_HOME/autostart/hearth.desktop` (~/.config/autostart/ by default), which GNOME,
 * KDE, Xfce and the other desktops that follow the XDG autostart spec run at login.
 *
 *   autostartFile(env, home)                       where the entry goes
 *   autostartEntry({ exec, hidden })               the file's text (marked as Hearth's own)
 *   planAutostart({ want, hidden, exec, existing }) write / remove / leave it
 *
 * Only an entry Hearth wrote (it carries X-Hearth-Autostart=true) is ever replaced or removed; a
 * hearth.desktop the user put there by hand is left alone. `exec` is the AppImage ($APPIMAGE) or the
 * installed executable; the shell does not write one for a development run.
 */
import { isAbsolute, join } from 'node:path';

export const AUTOSTART_FILE_NAME = 'hearth.desktop';
const MARKER = 'X-Hearth-Autostart=true';

export function autostartFile(env: Record<string, string | undefined>, home: string): string {
  const config = env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(home, '.config');
  return join(config, 'autostart', AUTOSTART_FILE_NAME);
}

/**
 * One argument of an Exec line: quoted when it holds a reserved character (the Desktop Entry spec),
 * then escaped as a string value (so a backslash in the argument is four in the file); % doubled.
 */
export function execArgument(arg: string): string {
  let quoted = arg;
  if (arg === '' || /[\s"'\\><~|&;$*?#()`]/.test(arg)) {
    quoted = `"${arg.replace(/(["`$\\])/g, '\\$1')}"`;
  }
  return quoted.replace(/\\/g, '\\\\').replace(/%/g, '%%');
}

export function autostartEntry(o: { exec: string; hidden: boolean }): string {
  const command = [o.exec, ...(o.hidden ? ['--hidden'] : [])].map(execArgument).join(' ');
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Hearth',
    'Comment=Start Hearth when you log in',
    `Exec=${command}`,
    'Icon=hearth',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    MARKER,
    '',
  ].join('\n');
}

export function isHearthAutostartEntry(text: string): boolean {
  return text.split(/\r?\n/).some((line) => line.trim() === MARKER);
}

export type AutostartPlan = { action: 'write'; content: string } | { action: 'remove' } | { action: 'none' };

export function planAutostart(o: {
  want: boolean;
  hidden: boolean;
  /** The program to run; null in a development run, which changes nothing. */
  exec: string | null;
  /** The entry's current text, or null when there is none. */
  existing: string | null;
}): AutostartPlan {
  // A development run leaves the installed app's entry alone, whatever the settings say.
  if (!o.exec) return { action: 'none' };
  const ours = o.existing !== null && isHearthAutostartEntry(o.existing);
  if (o.existing !== null && !ours) return { action: 'none' }; // the user's own: not ours to touch
  if (!o.want) return ours ? { action: 'remove' } : { action: 'none' };
  const content = autostartEntry({ exec: o.exec, hidden: o.hidden });
  return content === o.existing ? { action: 'none' } : { action: 'write', content };
}
