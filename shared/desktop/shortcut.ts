/**
 * The quick prompt's global shortcut, as Electron accelerator strings ("Alt+Space",
 * "CmdOrCtrl+Shift+K"). Pure (no Node, no DOM), so Settings' key recorder can use it too.
 *
 *   parseAccelerator(text)            syntax only: known modifiers and one known key → canonical form
 *   validateShortcut(text, platform)  parse, then refuse what would hurt as a global shortcut: no
 *                                     modifier (F-keys excepted), Shift or AltGr alone, combinations the
 *                                     system or every app already uses (Cmd+Space, Ctrl+C, Alt+Tab…)
 *   defaultShortcut(platform)         'Alt+Space' everywhere (Option+Space on macOS)
 *   resolveShortcut(stored, platform) the one to register from the stored setting (unset → default, null/'' → off)
 *   formatAccelerator(acc, platform)  how to show it: "Option+Space" on macOS, "Win+K" on Windows
 *   describeRegistration(acc, ok, platform)  the sentence Settings and the log show after registering
 *
 * The key recorder (a KeyboardEvent → accelerator) is in shortcut-recorder.ts.
 *
 * Canonical form: modifiers in the order CmdOrCtrl, Cmd, Ctrl, Super, Alt, AltGr, Shift, then the key;
 * Option → Alt, Meta → Super, Command → Cmd, Control → Ctrl, Return → Enter, Esc → Escape, "+" → Plus.
 */

export type ModifierName = 'CmdOrCtrl' | 'Cmd' | 'Ctrl' | 'Super' | 'Alt' | 'AltGr' | 'Shift';

export const MODIFIER_ORDER: readonly ModifierName[] = ['CmdOrCtrl', 'Cmd', 'Ctrl', 'Super', 'Alt', 'AltGr', 'Shift'];

const MODIFIER_ALIASES: Readonly<Record<string, ModifierName>> = {
  commandorcontrol: 'CmdOrCtrl',
  cmdorctrl: 'CmdOrCtrl',
  command: 'Cmd',
  cmd: 'Cmd',
  control: 'Ctrl',
  ctrl: 'Ctrl',
  super: 'Super',
  meta: 'Super',
  alt: 'Alt',
  option: 'Alt',
  altgr: 'AltGr',
  shift: 'Shift',
};

const NAMED_KEYS: readonly string[] = [
  ...'Space Tab Capslock Numlock Scrolllock Backspace Delete Insert Enter Up Down Left Right'.split(' '),
  ...'Home End PageUp PageDown Escape Plus PrintScreen'.split(' '),
  ...'VolumeUp VolumeDown VolumeMute MediaNextTrack MediaPreviousTrack MediaStop MediaPlayPause'.split(' '),
  ...Array.from({ length: 10 }, (_, i) => `num${i}`),
  ...'numdec numadd numsub nummult numdiv'.split(' '),
];

const KEY_ALIASES: Readonly<Record<string, string>> = {
  ...Object.fromEntries(NAMED_KEYS.map((k) => [k.toLowerCase(), k])),
  return: 'Enter',
  esc: 'Escape',
  arrowup: 'Up',
  arrowdown: 'Down',
  arrowleft: 'Left',
  arrowright: 'Right',
};

/** Punctuation Electron takes as a key (the "+" key is spelled Plus). */
const PUNCTUATION = new Set([...')!@#$%^&*(:;=<,_->.?/~`{][|\\}"\'']);

export interface ParsedAccelerator {
  /** The canonical accelerator string, ready for globalShortcut.register. */
  accelerator: string;
  modifiers: ModifierName[];
  key: string;
}

export type ParseResult = ({ ok: true } & ParsedAccelerator) | { ok: false; reason: string };

export const isFunctionKey = (key: string): boolean => /^F([1-9]|1\d|2[0-4])$/.test(key);

function canonicalKey(token: string): string | null {
  if (/^[a-z]$/i.test(token)) return token.toUpperCase();
  if (/^\d$/.test(token)) return token;
  if (/^f([1-9]|1\d|2[0-4])$/i.test(token)) return token.toUpperCase();
  if (PUNCTUATION.has(token)) return token;
  return KEY_ALIASES[token.toLowerCase()] ?? null;
}

/** Syntax only: every part a known modifier, exactly one known key last. Never throws. */
export function parseAccelerator(input: unknown): ParseResult {
  if (typeof input !== 'string' || input.trim() === '') return { ok: false, reason: 'Press a key combination.' };
  if (input.length > 100) return { ok: false, reason: 'That is too long to be a shortcut.' };
  let text = input.trim();
  // "Ctrl++" means Ctrl and the plus key.
  let plusKey = false;
  if (/\+\s*\+$/.test(text)) {
    plusKey = true;
    text = text.replace(/\+\s*\+$/, '');
  } else if (text === '+') {
    plusKey = true;
    text = '';
  }
  const tokens = text === '' ? [] : text.split('+').map((t) => t.trim());
  if (plusKey) tokens.push('Plus');
  if (tokens.some((t) => t === ''))
    return { ok: false, reason: `“${input.trim()}” has an empty part between two “+”.` };
  const modifiers = new Set<ModifierName>();
  const keys: string[] = [];
  for (const token of tokens) {
    const modifier = MODIFIER_ALIASES[token.toLowerCase()];
    if (modifier) {
      if (keys.length > 0) return { ok: false, reason: `Put the modifiers before the key: “${token}” comes after it.` };
      modifiers.add(modifier);
      continue;
    }
    const key = canonicalKey(token);
    if (!key) return { ok: false, reason: `“${token}” is not a key Hearth knows.` };
    keys.push(key);
  }
  const ordered = MODIFIER_ORDER.filter((m) => modifiers.has(m));
  if (keys.length === 0) {
    return { ok: false, reason: `Add a key after ${ordered.join('+')}, for example ${ordered.join('+')}+Space.` };
  }
  if (keys.length > 1) {
    return {
      ok: false,
      reason: `A shortcut has one key besides the modifiers; this one has ${keys.length} (${keys.join(', ')}).`,
    };
  }
  const key = keys[0]!;
  return { ok: true, accelerator: [...ordered, key].join('+'), modifiers: ordered, key };
}

/* ─── what the modifiers mean on each platform ─── */

export const isMac = (platform: string): boolean => platform === 'darwin';

/** The physical modifiers pressed: meta is Cmd on macOS and the Windows/Super key elsewhere. */
type Physical = 'meta' | 'ctrl' | 'alt' | 'altgr' | 'shift';

function physicalModifiers(modifiers: readonly ModifierName[], platform: string): Set<Physical> {
  const out = new Set<Physical>();
  for (const m of modifiers) {
    if (m === 'CmdOrCtrl') out.add(isMac(platform) ? 'meta' : 'ctrl');
    else if (m === 'Cmd' || m === 'Super') out.add('meta');
    else if (m === 'Ctrl') out.add('ctrl');
    else if (m === 'Alt') out.add('alt');
    else if (m === 'AltGr') out.add('altgr');
    else out.add('shift');
  }
  return out;
}

/** Combinations that the system or every app already uses, per platform: [modifiers, key, what it does]. */
const TAKEN: Readonly<Record<'mac' | 'windows' | 'linux', readonly [Physical[], string, string][]>> = {
  mac: [
    [['meta'], 'Space', 'Spotlight'],
    [['ctrl'], 'Space', 'switching the input source'],
    [['ctrl', 'alt'], 'Space', 'switching the input source'],
    [['meta', 'alt'], 'Space', 'Finder search'],
    [['meta'], 'Tab', 'switching apps'],
    [['meta', 'shift'], 'Tab', 'switching apps'],
    [['meta'], 'Q', 'quitting apps'],
    [['meta'], 'W', 'closing windows'],
    [['meta'], 'H', 'hiding apps'],
    [['meta'], 'M', 'minimising windows'],
    [['meta', 'shift'], '3', 'screenshots'],
    [['meta', 'shift'], '4', 'screenshots'],
    [['meta', 'shift'], '5', 'screenshots'],
    [['meta', 'ctrl'], 'Q', 'locking the screen'],
    [['meta', 'alt'], 'Escape', 'Force Quit'],
  ],
  windows: [
    [['alt'], 'Tab', 'switching windows'],
    [['alt', 'shift'], 'Tab', 'switching windows'],
    [['alt'], 'F4', 'closing windows'],
    [['alt'], 'Escape', 'switching windows'],
    [['ctrl', 'alt'], 'Delete', 'the security screen'],
    [['ctrl', 'shift'], 'Escape', 'Task Manager'],
    [['ctrl'], 'Escape', 'the Start menu'],
    [['meta'], 'L', 'locking the screen'],
    [['meta'], 'D', 'showing the desktop'],
    [['meta'], 'Tab', 'Task View'],
    [['meta'], 'E', 'File Explorer'],
    [['meta'], 'R', 'the Run box'],
    [['meta'], 'Space', 'switching the input language'],
    [['meta', 'shift'], 'S', 'screenshots'],
  ],
  linux: [
    [['alt'], 'Tab', 'switching windows'],
    [['alt', 'shift'], 'Tab', 'switching windows'],
    [['alt'], 'F4', 'closing windows'],
    [['alt'], 'F2', 'the run dialog'],
    [['ctrl', 'alt'], 'Delete', 'logging out'],
    [['ctrl', 'alt'], 'T', 'opening a terminal'],
    [['ctrl', 'alt'], 'L', 'locking the screen'],
    [['meta'], 'L', 'locking the screen'],
    [['meta'], 'Space', 'switching the input source'],
    [['meta'], 'Tab', 'switching apps'],
  ],
};

/** Editing keys every app uses: a global shortcut would take them away everywhere. */
const EVERYDAY: Readonly<Record<string, string>> = {
  A: 'select all',
  C: 'copy',
  V: 'paste',
  X: 'cut',
  Z: 'undo',
  Y: 'redo',
  S: 'save',
  F: 'find',
  N: 'new',
  O: 'open',
  P: 'print',
  T: 'new tab',
};

function platformFamily(platform: string): 'mac' | 'windows' | 'linux' {
  return isMac(platform) ? 'mac' : platform === 'win32' ? 'windows' : 'linux';
}

function sameSet<T>(a: Set<T>, b: readonly T[]): boolean {
  return a.size === b.length && b.every((x) => a.has(x));
}

/** Why the combination is taken on this platform, or null. */
function takenBy(physical: Set<Physical>, key: string, platform: string): string | null {
  for (const [mods, k, what] of TAKEN[platformFamily(platform)]) {
    if (k === key && sameSet(physical, mods)) return what;
  }
  const primary: Physical = isMac(platform) ? 'meta' : 'ctrl';
  const everyday = EVERYDAY[key];
  if (everyday && (sameSet(physical, [primary]) || (key === 'Z' && sameSet(physical, [primary, 'shift'])))) {
    return `${everyday === 'undo' && physical.has('shift') ? 'redo' : everyday} in every app`;
  }
  return null;
}

export type ValidationResult = ({ ok: true } & ParsedAccelerator) | { ok: false; reason: string };

/** Parse, then refuse shortcuts that would break typing or something the system already does. */
export function validateShortcut(input: unknown, platform: string): ValidationResult {
  const parsed = parseAccelerator(input);
  if (!parsed.ok) return parsed;
  const shown = formatAccelerator(parsed.accelerator, platform);
  const physical = physicalModifiers(parsed.modifiers, platform);
  const hasRealModifier = physical.has('meta') || physical.has('ctrl') || physical.has('alt');
  if (!hasRealModifier && !isFunctionKey(parsed.key)) {
    const names = isMac(platform) ? 'Cmd, Option or Control' : 'Ctrl or Alt';
    if (physical.size === 0) {
      return {
        ok: false,
        reason: `Add ${names}: on its own, ${shown} would stop working as a key in every other app.`,
      };
    }
    return {
      ok: false,
      reason: `Add ${names}: ${shown} types a character, so it would stop working in every other app.`,
    };
  }
  const taken = takenBy(physical, parsed.key, platform);
  if (taken) return { ok: false, reason: `${shown} is used for ${taken}; choose another shortcut.` };
  return parsed;
}

/** The quick prompt's shortcut when the user has not chosen one: Alt+Space (Option+Space on macOS). */
export function defaultShortcut(_platform: string): string {
  return 'Alt+Space';
}

export interface ResolvedShortcut {
  /** What to register, or null when the shortcut is off. */
  accelerator: string | null;
  source: 'default' | 'settings' | 'off';
  /** The stored shortcut could not be used (hand-edited, or from another platform): why, in plain words. */
  problem: string | null;
}

/**
 * The shortcut to register from the stored setting: undefined (never chosen) → the default;
 * null or '' (turned off) → none; a stored one that no longer validates → the default, saying why.
 */
export function resolveShortcut(stored: string | null | undefined, platform: string): ResolvedShortcut {
  if (stored === undefined) return { accelerator: defaultShortcut(platform), source: 'default', problem: null };
  if (stored === null || stored.trim() === '') return { accelerator: null, source: 'off', problem: null };
  const v = validateShortcut(stored, platform);
  if (v.ok) return { accelerator: v.accelerator, source: 'settings', problem: null };
  const fallback = defaultShortcut(platform);
  return {
    accelerator: fallback,
    source: 'default',
    problem: `The saved shortcut “${stored.slice(0, 100)}” cannot be used (${v.reason.replace(/\.$/, '')}); using ${formatAccelerator(fallback, platform)} instead.`,
  };
}

/* ─── showing a shortcut ─── */

const KEY_LABELS: Readonly<Record<string, string>> = {
  Plus: '+',
  Capslock: 'Caps Lock',
  Numlock: 'Num Lock',
  Scrolllock: 'Scroll Lock',
  PageUp: 'Page Up',
  PageDown: 'Page Down',
  PrintScreen: 'Print Screen',
  VolumeUp: 'Volume Up',
  VolumeDown: 'Volume Down',
  VolumeMute: 'Mute',
  MediaNextTrack: 'Next Track',
  MediaPreviousTrack: 'Previous Track',
  MediaStop: 'Stop',
  MediaPlayPause: 'Play/Pause',
  numdec: 'Num .',
  numadd: 'Num +',
  numsub: 'Num -',
  nummult: 'Num *',
  numdiv: 'Num /',
};

function keyLabel(key: string): string {
  const num = /^num(\d)$/.exec(key);
  if (num) return `Num ${num[1]}`;
  return KEY_LABELS[key] ?? key;
}

/**
 * The shortcut in the words of the platform: macOS "Control+Option+Shift+Cmd+K", Windows
 * "Ctrl+Win+Alt+Shift+K", Linux "Ctrl+Super+Alt+Shift+K". Text it cannot parse comes back as it is.
 */
export function formatAccelerator(accelerator: string, platform: string): string {
  const parsed = parseAccelerator(accelerator);
  if (!parsed.ok) return accelerator;
  const physical = physicalModifiers(parsed.modifiers, platform);
  const names: string[] = [];
  if (isMac(platform)) {
    if (physical.has('ctrl')) names.push('Control');
    if (physical.has('alt')) names.push('Option');
    if (physical.has('altgr')) names.push('AltGr');
    if (physical.has('shift')) names.push('Shift');
    if (physical.has('meta')) names.push('Cmd');
  } else {
    if (physical.has('ctrl')) names.push('Ctrl');
    if (physical.has('meta')) names.push(platform === 'win32' ? 'Win' : 'Super');
    if (physical.has('alt')) names.push('Alt');
    if (physical.has('altgr')) names.push('AltGr');
    if (physical.has('shift')) names.push('Shift');
  }
  return [...names, keyLabel(parsed.key)].join('+');
}

/* ─── after registering ─── */

export interface RegistrationReport {
  ok: boolean;
  /** One sentence for Settings → Desktop (and the log). */
  message: string;
}

/**
 * The sentence after globalShortcut.register: `accelerator` null means the shortcut is off. On Linux
 * under Wayland, global shortcuts often cannot be registered at all; the message then says how to
 * bind the system's own shortcut to `hearth --quick-prompt` instead.
 */
export function describeRegistration(
  accelerator: string | null,
  registered: boolean,
  platform: string,
  opts: { wayland?: boolean } = {},
): RegistrationReport {
  if (accelerator === null) {
    return { ok: true, message: 'The quick prompt has no shortcut; set one in Settings → Desktop.' };
  }
  const shown = formatAccelerator(accelerator, platform);
  if (registered) return { ok: true, message: `Press ${shown} in any app to open the quick prompt.` };
  if (platform === 'linux' && opts.wayland) {
    return {
      ok: false,
      message: `${shown} could not be registered: this Wayland desktop does not let apps set global shortcuts. Add a shortcut in your system's keyboard settings that runs “hearth --quick-prompt”.`,
    };
  }
  return {
    ok: false,
    message: `${shown} is already used by another app or by the system; choose another shortcut in Settings → Desktop.`,
  };
}
