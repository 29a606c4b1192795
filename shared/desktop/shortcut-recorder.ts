/**
 * The key recorder in Settings → Desktop: what one keydown makes of the quick prompt's shortcut.
 * Pure (no DOM: it takes the fields of a KeyboardEvent), like shortcut.ts.
 *
 *   acceleratorFromKeyEvent(e, platform) → pending (only modifiers so far, with a preview) | cancel (Esc)
 *                                          | clear (Backspace/Delete: turn the shortcut off) | invalid (why) | ok
 */
import {
  MODIFIER_ORDER,
  formatAccelerator,
  isFunctionKey,
  isMac,
  validateShortcut,
  type ModifierName,
} from './shortcut';

/** The fields of a browser KeyboardEvent the recorder reads. */
export interface KeyEventLike {
  key: string;
  code: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

export type RecordResult =
  /** Only modifiers are down so far: show the preview ("Ctrl+Alt+…") and keep listening. */
  | { status: 'pending'; preview: string }
  /** Escape on its own: stop recording, keep the old shortcut. */
  | { status: 'cancel' }
  /** Backspace or Delete on its own: turn the shortcut off. */
  | { status: 'clear' }
  | { status: 'invalid'; reason: string }
  | { status: 'ok'; accelerator: string };

const CODE_KEYS: Readonly<Record<string, string>> = {
  Space: 'Space',
  Enter: 'Enter',
  NumpadEnter: 'Enter',
  Tab: 'Tab',
  Backspace: 'Backspace',
  Delete: 'Delete',
  Insert: 'Insert',
  Home: 'Home',
  End: 'End',
  PageUp: 'PageUp',
  PageDown: 'PageDown',
  Escape: 'Escape',
  ArrowUp: 'Up',
  ArrowDown: 'Down',
  ArrowLeft: 'Left',
  ArrowRight: 'Right',
  PrintScreen: 'PrintScreen',
  CapsLock: 'Capslock',
  NumLock: 'Numlock',
  ScrollLock: 'Scrolllock',
  Minus: '-',
  Equal: '=',
  BracketLeft: '[',
  BracketRight: ']',
  Backslash: '\\',
  Semicolon: ';',
  Quote: "'",
  Comma: ',',
  Period: '.',
  Slash: '/',
  Backquote: '`',
  NumpadDecimal: 'numdec',
  NumpadAdd: 'numadd',
  NumpadSubtract: 'numsub',
  NumpadMultiply: 'nummult',
  NumpadDivide: 'numdiv',
  AudioVolumeUp: 'VolumeUp',
  AudioVolumeDown: 'VolumeDown',
  AudioVolumeMute: 'VolumeMute',
  MediaTrackNext: 'MediaNextTrack',
  MediaTrackPrevious: 'MediaPreviousTrack',
  MediaStop: 'MediaStop',
  MediaPlayPause: 'MediaPlayPause',
};

const MODIFIER_CODES = /^(Shift|Control|Alt|Meta|OS|AltGraph)(Left|Right)?$/;
const MODIFIER_KEYS = new Set(['Shift', 'Control', 'Alt', 'Meta', 'OS', 'AltGraph', 'Super', 'Hyper']);

/**
 * The key of a key event, by the printed letter where it is an ASCII letter (so AZERTY's A is A),
 * else by the physical key (Shift+1 is 1, not "!"; Option+A on macOS is A, not "å").
 */
function keyOfEvent(e: KeyEventLike): string | null {
  if (/^[a-z]$/i.test(e.key)) return e.key.toUpperCase();
  const letter = /^Key([A-Z])$/.exec(e.code);
  if (letter) return letter[1]!;
  const digit = /^(?:Digit)(\d)$/.exec(e.code);
  if (digit) return digit[1]!;
  const numpad = /^Numpad(\d)$/.exec(e.code);
  if (numpad) return `num${numpad[1]}`;
  if (isFunctionKey(e.code)) return e.code;
  return CODE_KEYS[e.code] ?? null;
}

/**
 * What the recorder makes of one keydown. On macOS Cmd is recorded as Cmd and Control as Ctrl; on
 * Windows and Linux the Windows/Super key is recorded as Super. The result is validated as a global
 * shortcut, so the recorder shows the reason straight away.
 */
export function acceleratorFromKeyEvent(e: KeyEventLike, platform: string): RecordResult {
  const modifiers: ModifierName[] = [];
  if (isMac(platform)) {
    if (e.metaKey) modifiers.push('Cmd');
    if (e.ctrlKey) modifiers.push('Ctrl');
  } else {
    if (e.ctrlKey) modifiers.push('Ctrl');
    if (e.metaKey) modifiers.push('Super');
  }
  if (e.altKey) modifiers.push('Alt');
  if (e.shiftKey) modifiers.push('Shift');
  const ordered = MODIFIER_ORDER.filter((m) => modifiers.includes(m));

  if (MODIFIER_KEYS.has(e.key) || MODIFIER_CODES.test(e.code)) {
    const shown = ordered.length ? formatAccelerator(`${ordered.join('+')}+A`, platform).replace(/A$/, '') : '';
    return { status: 'pending', preview: `${shown}…` };
  }
  const key = keyOfEvent(e);
  if (ordered.length === 0 && key === 'Escape') return { status: 'cancel' };
  if (ordered.length === 0 && (key === 'Backspace' || key === 'Delete')) return { status: 'clear' };
  if (!key)
    return { status: 'invalid', reason: 'That key cannot be used in a shortcut; try a letter, a digit or Space.' };
  const v = validateShortcut([...ordered, key].join('+'), platform);
  return v.ok ? { status: 'ok', accelerator: v.accelerator } : { status: 'invalid', reason: v.reason };
}
