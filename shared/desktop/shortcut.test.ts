import { describe, expect, it } from 'vitest';
import {
  defaultShortcut,
  describeRegistration,
  formatAccelerator,
  parseAccelerator,
  resolveShortcut,
  validateShortcut,
} from './shortcut';

const ok = (text: string) => {
  const r = parseAccelerator(text);
  if (!r.ok) throw new Error(`expected ${text} to parse: ${r.reason}`);
  return r.accelerator;
};
const reason = (r: { ok: boolean; reason?: string }) => (r.ok ? null : (r.reason ?? null));

describe('parseAccelerator', () => {
  it('accepts every modifier spelling and writes one canonical form', () => {
    expect(ok('CommandOrControl+K')).toBe('CmdOrCtrl+K');
    expect(ok('cmdorctrl+k')).toBe('CmdOrCtrl+K');
    expect(ok('Command+Shift+P')).toBe('Cmd+Shift+P');
    expect(ok('Control+Alt+T')).toBe('Ctrl+Alt+T');
    expect(ok('Option+Space')).toBe('Alt+Space');
    expect(ok('Meta+K')).toBe('Super+K');
    expect(ok('AltGr+Q')).toBe('AltGr+Q');
  });

  it('orders modifiers the same way whatever order they were typed in', () => {
    expect(ok('Shift+Alt+Ctrl+K')).toBe('Ctrl+Alt+Shift+K');
    expect(ok('shift+cmdorctrl+x')).toBe('CmdOrCtrl+Shift+X');
    expect(ok('Ctrl+Control+K')).toBe('Ctrl+K'); // the same modifier twice counts once
  });

  it('knows letters, digits, F1–F24, named keys, arrows, numpad and punctuation', () => {
    expect(ok('Alt+a')).toBe('Alt+A');
    expect(ok('Alt+7')).toBe('Alt+7');
    expect(ok('F1')).toBe('F1');
    expect(ok('f24')).toBe('F24');
    expect(ok('Ctrl+space')).toBe('Ctrl+Space');
    expect(ok('Ctrl+Return')).toBe('Ctrl+Enter');
    expect(ok('Ctrl+Enter')).toBe('Ctrl+Enter');
    expect(ok('Ctrl+Esc')).toBe('Ctrl+Escape');
    expect(ok('Alt+ArrowUp')).toBe('Alt+Up');
    expect(ok('Alt+left')).toBe('Alt+Left');
    expect(ok('Ctrl+pageup')).toBe('Ctrl+PageUp');
    expect(ok('Ctrl+num5')).toBe('Ctrl+num5');
    expect(ok('Ctrl+NUMADD')).toBe('Ctrl+numadd');
    expect(ok('Ctrl+/')).toBe('Ctrl+/');
    expect(ok('Ctrl+`')).toBe('Ctrl+`');
    expect(ok('Ctrl+[')).toBe('Ctrl+[');
    expect(ok('Ctrl+Plus')).toBe('Ctrl+Plus');
    expect(ok('Ctrl++')).toBe('Ctrl+Plus');
    expect(ok('  Alt + Space  ')).toBe('Alt+Space');
  });

  it('returns the modifiers and key apart', () => {
    expect(parseAccelerator('Shift+CmdOrCtrl+J')).toEqual({
      ok: true,
      accelerator: 'CmdOrCtrl+Shift+J',
      modifiers: ['CmdOrCtrl', 'Shift'],
      key: 'J',
    });
  });

  it('explains in plain words what is wrong, and never throws', () => {
    expect(reason(parseAccelerator(''))).toBe('Press a key combination.');
    expect(reason(parseAccelerator(undefined))).toBe('Press a key combination.');
    expect(reason(parseAccelerator(42))).toBe('Press a key combination.');
    expect(reason(parseAccelerator('Ctrl+Hyper'))).toBe('“Hyper” is not a key Hearth knows.');
    expect(reason(parseAccelerator('Ctrl+F25'))).toBe('“F25” is not a key Hearth knows.');
    expect(reason(parseAccelerator('Ctrl+é'))).toBe('“é” is not a key Hearth knows.');
    expect(reason(parseAccelerator('Ctrl+Alt'))).toBe('Add a key after Ctrl+Alt, for example Ctrl+Alt+Space.');
    expect(reason(parseAccelerator('Ctrl+A+B'))).toBe(
      'A shortcut has one key besides the modifiers; this one has 2 (A, B).',
    );
    expect(reason(parseAccelerator('K+Ctrl'))).toBe('Put the modifiers before the key: “Ctrl” comes after it.');
    expect(reason(parseAccelerator('Ctrl++K'))).toBe('“Ctrl++K” has an empty part between two “+”.');
    expect(reason(parseAccelerator('Ctrl+'.repeat(30) + 'K'))).toBe('That is too long to be a shortcut.');
  });
});

describe('validateShortcut', () => {
  it('refuses a key without a modifier, saying it would break typing elsewhere', () => {
    expect(reason(validateShortcut('K', 'win32'))).toBe(
      'Add Ctrl or Alt: on its own, K would stop working as a key in every other app.',
    );
    expect(reason(validateShortcut('Space', 'darwin'))).toBe(
      'Add Cmd, Option or Control: on its own, Space would stop working as a key in every other app.',
    );
  });

  it('refuses Shift or AltGr alone, which only type characters', () => {
    expect(reason(validateShortcut('Shift+K', 'linux'))).toBe(
      'Add Ctrl or Alt: Shift+K types a character, so it would stop working in every other app.',
    );
    expect(validateShortcut('AltGr+Q', 'win32').ok).toBe(false);
  });

  it('lets F-keys go without a modifier', () => {
    expect(validateShortcut('F9', 'win32')).toMatchObject({ ok: true, accelerator: 'F9' });
    expect(validateShortcut('Shift+F9', 'darwin')).toMatchObject({ ok: true, accelerator: 'Shift+F9' });
  });

  it('refuses what the system already does, in the words of that system', () => {
    expect(reason(validateShortcut('Cmd+Space', 'darwin'))).toBe(
      'Cmd+Space is used for Spotlight; choose another shortcut.',
    );
    expect(reason(validateShortcut('CmdOrCtrl+Space', 'darwin'))).toBe(
      'Cmd+Space is used for Spotlight; choose another shortcut.',
    );
    expect(reason(validateShortcut('Super+Space', 'darwin'))).toContain('Spotlight');
    expect(reason(validateShortcut('Alt+Tab', 'win32'))).toBe(
      'Alt+Tab is used for switching windows; choose another shortcut.',
    );
    expect(reason(validateShortcut('Alt+F4', 'linux'))).toBe(
      'Alt+F4 is used for closing windows; choose another shortcut.',
    );
    expect(reason(validateShortcut('Super+L', 'win32'))).toBe(
      'Win+L is used for locking the screen; choose another shortcut.',
    );
    expect(reason(validateShortcut('Ctrl+Alt+Delete', 'win32'))).toContain('security screen');
  });

  it('refuses everyday editing keys (copy, paste, undo) for the platform’s main modifier only', () => {
    expect(reason(validateShortcut('CmdOrCtrl+C', 'win32'))).toBe(
      'Ctrl+C is used for copy in every app; choose another shortcut.',
    );
    expect(reason(validateShortcut('CmdOrCtrl+V', 'darwin'))).toBe(
      'Cmd+V is used for paste in every app; choose another shortcut.',
    );
    expect(reason(validateShortcut('Ctrl+Shift+Z', 'linux'))).toBe(
      'Ctrl+Shift+Z is used for redo in every app; choose another shortcut.',
    );
    // Ctrl+C on a Mac is not copy, and Ctrl+Shift+C is not copy anywhere.
    expect(validateShortcut('Ctrl+C', 'darwin').ok).toBe(true);
    expect(validateShortcut('Ctrl+Shift+C', 'win32').ok).toBe(true);
  });

  it('what is taken on one system is fine on another', () => {
    expect(validateShortcut('Cmd+Space', 'win32').ok).toBe(false); // Win+Space: input language
    expect(validateShortcut('Ctrl+Space', 'win32').ok).toBe(true);
    expect(validateShortcut('Ctrl+Space', 'darwin').ok).toBe(false); // input source on macOS
    expect(validateShortcut('Ctrl+Alt+T', 'win32').ok).toBe(true);
    expect(validateShortcut('Ctrl+Alt+T', 'linux').ok).toBe(false); // opens a terminal
  });

  it('accepts the default on every platform, and a few common choices', () => {
    for (const p of ['darwin', 'win32', 'linux']) {
      expect(validateShortcut(defaultShortcut(p), p)).toMatchObject({ ok: true, accelerator: 'Alt+Space' });
      expect(validateShortcut('CmdOrCtrl+Shift+Space', p).ok).toBe(true);
      expect(validateShortcut('Ctrl+Alt+H', p).ok).toBe(true);
    }
  });

  it('passes syntax errors through', () => {
    expect(reason(validateShortcut('Ctrl+Nope', 'win32'))).toBe('“Nope” is not a key Hearth knows.');
  });
});

describe('defaultShortcut and resolveShortcut', () => {
  it('is Alt+Space on Windows and Linux, and Option+Space (Alt+Space) on macOS', () => {
    expect(defaultShortcut('win32')).toBe('Alt+Space');
    expect(defaultShortcut('linux')).toBe('Alt+Space');
    expect(defaultShortcut('darwin')).toBe('Alt+Space');
    expect(formatAccelerator(defaultShortcut('darwin'), 'darwin')).toBe('Option+Space');
  });

  it('uses the default until the user chooses, and nothing once they turn it off', () => {
    expect(resolveShortcut(undefined, 'win32')).toEqual({ accelerator: 'Alt+Space', source: 'default', problem: null });
    expect(resolveShortcut(null, 'win32')).toEqual({ accelerator: null, source: 'off', problem: null });
    expect(resolveShortcut('  ', 'win32')).toEqual({ accelerator: null, source: 'off', problem: null });
    expect(resolveShortcut('shift+ctrl+k', 'win32')).toEqual({
      accelerator: 'Ctrl+Shift+K',
      source: 'settings',
      problem: null,
    });
  });

  it('falls back to the default when the stored one cannot be used, and says why', () => {
    expect(resolveShortcut('Cmd+Space', 'darwin')).toEqual({
      accelerator: 'Alt+Space',
      source: 'default',
      problem:
        'The saved shortcut “Cmd+Space” cannot be used (Cmd+Space is used for Spotlight; choose another shortcut); using Option+Space instead.',
    });
    expect(resolveShortcut('Ctrl+Banana', 'linux').problem).toContain('“Banana” is not a key Hearth knows');
  });
});

describe('formatAccelerator', () => {
  it('uses each platform’s names and order', () => {
    expect(formatAccelerator('CmdOrCtrl+Shift+K', 'darwin')).toBe('Shift+Cmd+K');
    expect(formatAccelerator('CmdOrCtrl+Shift+K', 'win32')).toBe('Ctrl+Shift+K');
    expect(formatAccelerator('Ctrl+Alt+K', 'darwin')).toBe('Control+Option+K');
    expect(formatAccelerator('Super+K', 'win32')).toBe('Win+K');
    expect(formatAccelerator('Super+K', 'linux')).toBe('Super+K');
    expect(formatAccelerator('Cmd+K', 'darwin')).toBe('Cmd+K');
  });

  it('shows keys the way they are printed', () => {
    expect(formatAccelerator('Ctrl+Plus', 'win32')).toBe('Ctrl++');
    expect(formatAccelerator('Ctrl+num3', 'win32')).toBe('Ctrl+Num 3');
    expect(formatAccelerator('Alt+PageDown', 'linux')).toBe('Alt+Page Down');
    expect(formatAccelerator('Alt+Space', 'win32')).toBe('Alt+Space');
  });

  it('gives back text it cannot parse unchanged', () => {
    expect(formatAccelerator('what?', 'win32')).toBe('what?');
  });
});

describe('describeRegistration', () => {
  it('says how to use the shortcut when it was registered', () => {
    expect(describeRegistration('Alt+Space', true, 'win32')).toEqual({
      ok: true,
      message: 'Press Alt+Space in any app to open the quick prompt.',
    });
    expect(describeRegistration('Alt+Space', true, 'darwin').message).toBe(
      'Press Option+Space in any app to open the quick prompt.',
    );
  });

  it('says the shortcut is taken and where to change it when registering failed', () => {
    expect(describeRegistration('Alt+Space', false, 'linux')).toEqual({
      ok: false,
      message:
        'Alt+Space is already used by another app or by the system; choose another shortcut in Settings → Desktop.',
    });
    expect(describeRegistration('CmdOrCtrl+Shift+K', false, 'darwin').message).toMatch(
      /^Shift\+Cmd\+K is already used/,
    );
  });

  it('on Wayland, points to a system shortcut running hearth --quick-prompt', () => {
    const r = describeRegistration('Alt+Space', false, 'linux', { wayland: true });
    expect(r.ok).toBe(false);
    expect(r.message).toContain('Wayland');
    expect(r.message).toContain('hearth --quick-prompt');
  });

  it('says where to set one when the shortcut is off', () => {
    expect(describeRegistration(null, false, 'win32')).toEqual({
      ok: true,
      message: 'The quick prompt has no shortcut; set one in Settings → Desktop.',
    });
  });
});
