import { describe, expect, it } from 'vitest';
import { autostartEntry, autostartFile, execArgument, isHearthAutostartEntry, planAutostart } from './linux-autostart';

describe('autostartFile', () => {
  it('goes in the XDG config folder, ~/.config by default', () => {
    expect(autostartFile({}, '/home/ana')).toBe('/home/ana/.config/autostart/hearth.desktop');
    expect(autostartFile({ XDG_CONFIG_HOME: '/cfg' }, '/home/ana')).toBe('/cfg/autostart/hearth.desktop');
    // A relative XDG_CONFIG_HOME is invalid by the spec and ignored.
    expect(autostartFile({ XDG_CONFIG_HOME: 'cfg' }, '/home/ana')).toBe('/home/ana/.config/autostart/hearth.desktop');
  });
});

describe('execArgument', () => {
  it('leaves plain paths as they are', () => {
    expect(execArgument('/opt/Hearth/hearth')).toBe('/opt/Hearth/hearth');
    expect(execArgument('--hidden')).toBe('--hidden');
  });

  it('quotes reserved characters and escapes them twice (argument, then string value)', () => {
    expect(execArgument('/home/ana/My Apps/Hearth.AppImage')).toBe('"/home/ana/My Apps/Hearth.AppImage"');
    expect(execArgument('/tmp/a"b')).toBe('"/tmp/a\\\\"b"');
    expect(execArgument('/tmp/$x')).toBe('"/tmp/\\\\$x"');
    expect(execArgument('/tmp/back\\slash')).toBe('"/tmp/back\\\\\\\\slash"');
    expect(execArgument('/tmp/100%')).toBe('/tmp/100%%');
    expect(execArgument('')).toBe('""');
  });
});

describe('autostartEntry', () => {
  it('runs the program, with --hidden when Hearth should start in the tray', () => {
    const text = autostartEntry({ exec: '/home/ana/Apps/Hearth-1.0.0-x86_64.AppImage', hidden: true });
    expect(text).toContain('\nExec=/home/ana/Apps/Hearth-1.0.0-x86_64.AppImage --hidden\n');
    expect(text.startsWith('[Desktop Entry]\nType=Application\nName=Hearth\n')).toBe(true);
    expect(isHearthAutostartEntry(text)).toBe(true);
    expect(autostartEntry({ exec: '/opt/Hearth/hearth', hidden: false })).toContain('\nExec=/opt/Hearth/hearth\n');
  });
});

describe('planAutostart', () => {
  const exec = '/opt/Hearth/hearth';
  const ours = autostartEntry({ exec, hidden: false });

  it('writes the entry when wanted and missing or different', () => {
    expect(planAutostart({ want: true, hidden: false, exec, existing: null })).toEqual({
      action: 'write',
      content: ours,
    });
    expect(planAutostart({ want: true, hidden: true, exec, existing: ours })).toEqual({
      action: 'write',
      content: autostartEntry({ exec, hidden: true }),
    });
  });

  it('leaves an entry that is already right', () => {
    expect(planAutostart({ want: true, hidden: false, exec, existing: ours })).toEqual({ action: 'none' });
  });

  it('removes its own entry when no longer wanted, and does nothing when there is none', () => {
    expect(planAutostart({ want: false, hidden: false, exec, existing: ours })).toEqual({ action: 'remove' });
    expect(planAutostart({ want: false, hidden: false, exec, existing: null })).toEqual({ action: 'none' });
  });

  it('never touches a hearth.desktop the user wrote', () => {
    const theirs = '[Desktop Entry]\nType=Application\nName=Hearth\nExec=hearth\n';
    expect(planAutostart({ want: false, hidden: false, exec, existing: theirs })).toEqual({ action: 'none' });
    expect(planAutostart({ want: true, hidden: true, exec, existing: theirs })).toEqual({ action: 'none' });
  });

  it("changes nothing in a development run (the installed app's entry stays)", () => {
    expect(planAutostart({ want: true, hidden: false, exec: null, existing: null })).toEqual({ action: 'none' });
    expect(planAutostart({ want: false, hidden: false, exec: null, existing: ours })).toEqual({ action: 'none' });
  });
});
