import { describe, expect, it } from 'vitest';
import { acceleratorFromKeyEvent, type KeyEventLike } from './shortcut-recorder';

describe('acceleratorFromKeyEvent (the Settings key recorder)', () => {
  const ev = (over: Partial<KeyEventLike>): KeyEventLike => ({
    key: '',
    code: '',
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    shiftKey: false,
    ...over,
  });

  it('records a combination', () => {
    expect(acceleratorFromKeyEvent(ev({ key: ' ', code: 'Space', altKey: true }), 'win32')).toEqual({
      status: 'ok',
      accelerator: 'Alt+Space',
    });
    expect(acceleratorFromKeyEvent(ev({ key: 'K', code: 'KeyK', ctrlKey: true, shiftKey: true }), 'linux')).toEqual({
      status: 'ok',
      accelerator: 'Ctrl+Shift+K',
    });
  });

  it('shows a preview while only modifiers are held', () => {
    expect(acceleratorFromKeyEvent(ev({ key: 'Control', code: 'ControlLeft', ctrlKey: true }), 'win32')).toEqual({
      status: 'pending',
      preview: 'Ctrl+…',
    });
    expect(
      acceleratorFromKeyEvent(ev({ key: 'Shift', code: 'ShiftLeft', shiftKey: true, altKey: true }), 'darwin'),
    ).toEqual({ status: 'pending', preview: 'Option+Shift+…' });
    expect(acceleratorFromKeyEvent(ev({ key: 'Meta', code: 'MetaLeft', metaKey: true }), 'darwin')).toEqual({
      status: 'pending',
      preview: 'Cmd+…',
    });
  });

  it('records Cmd on macOS and the Windows key as Super elsewhere', () => {
    expect(acceleratorFromKeyEvent(ev({ key: 'j', code: 'KeyJ', metaKey: true }), 'darwin')).toEqual({
      status: 'ok',
      accelerator: 'Cmd+J',
    });
    expect(acceleratorFromKeyEvent(ev({ key: 'j', code: 'KeyJ', metaKey: true }), 'win32')).toEqual({
      status: 'ok',
      accelerator: 'Super+J',
    });
  });

  it('reads the physical key where the printed one is changed by a modifier', () => {
    // Option+A on a Mac prints "å"; Shift+1 prints "!".
    expect(acceleratorFromKeyEvent(ev({ key: 'å', code: 'KeyA', altKey: true, metaKey: true }), 'darwin')).toEqual({
      status: 'ok',
      accelerator: 'Cmd+Alt+A',
    });
    expect(acceleratorFromKeyEvent(ev({ key: '!', code: 'Digit1', ctrlKey: true, shiftKey: true }), 'win32')).toEqual({
      status: 'ok',
      accelerator: 'Ctrl+Shift+1',
    });
    expect(
      acceleratorFromKeyEvent(ev({ key: 'Dead', code: 'BracketLeft', ctrlKey: true, altKey: true }), 'linux'),
    ).toEqual({
      status: 'ok',
      accelerator: 'Ctrl+Alt+[',
    });
  });

  it('reads the printed letter on other layouts (AZERTY: the key printed A)', () => {
    expect(acceleratorFromKeyEvent(ev({ key: 'a', code: 'KeyQ', ctrlKey: true, altKey: true }), 'win32')).toEqual({
      status: 'ok',
      accelerator: 'Ctrl+Alt+A',
    });
  });

  it('maps arrows, F-keys, the numpad and Enter', () => {
    const rec = (over: Partial<KeyEventLike>) => acceleratorFromKeyEvent(ev(over), 'win32');
    expect(rec({ key: 'ArrowUp', code: 'ArrowUp', ctrlKey: true, altKey: true })).toEqual({
      status: 'ok',
      accelerator: 'Ctrl+Alt+Up',
    });
    expect(rec({ key: 'F8', code: 'F8' })).toEqual({ status: 'ok', accelerator: 'F8' });
    expect(rec({ key: '5', code: 'Numpad5', ctrlKey: true, altKey: true })).toEqual({
      status: 'ok',
      accelerator: 'Ctrl+Alt+num5',
    });
    expect(rec({ key: 'Enter', code: 'NumpadEnter', ctrlKey: true, altKey: true })).toEqual({
      status: 'ok',
      accelerator: 'Ctrl+Alt+Enter',
    });
  });

  it('Escape alone cancels, Backspace or Delete alone turns the shortcut off', () => {
    expect(acceleratorFromKeyEvent(ev({ key: 'Escape', code: 'Escape' }), 'win32')).toEqual({ status: 'cancel' });
    expect(acceleratorFromKeyEvent(ev({ key: 'Backspace', code: 'Backspace' }), 'win32')).toEqual({ status: 'clear' });
    expect(acceleratorFromKeyEvent(ev({ key: 'Delete', code: 'Delete' }), 'darwin')).toEqual({ status: 'clear' });
    // With a modifier they are ordinary keys.
    expect(
      acceleratorFromKeyEvent(ev({ key: 'Backspace', code: 'Backspace', ctrlKey: true, altKey: true }), 'win32'),
    ).toEqual({
      status: 'ok',
      accelerator: 'Ctrl+Alt+Backspace',
    });
  });

  it('explains a combination it will not take', () => {
    expect(acceleratorFromKeyEvent(ev({ key: 'k', code: 'KeyK' }), 'win32')).toEqual({
      status: 'invalid',
      reason: 'Add Ctrl or Alt: on its own, K would stop working as a key in every other app.',
    });
    expect(acceleratorFromKeyEvent(ev({ key: ' ', code: 'Space', metaKey: true }), 'darwin')).toEqual({
      status: 'invalid',
      reason: 'Cmd+Space is used for Spotlight; choose another shortcut.',
    });
    expect(acceleratorFromKeyEvent(ev({ key: 'Unidentified', code: 'Lang1', ctrlKey: true }), 'win32')).toEqual({
      status: 'invalid',
      reason: 'That key cannot be used in a shortcut; try a letter, a digit or Space.',
    });
  });
});
