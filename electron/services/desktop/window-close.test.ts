import { describe, expect, it } from 'vitest';
import { decideMainWindowClose } from './window-close';

const base = { platform: 'win32', quitting: false, closeToTray: true, trayAvailable: true };

describe('decideMainWindowClose', () => {
  it('hides to the tray when asked to and a tray exists', () => {
    expect(decideMainWindowClose(base)).toBe('hide');
    expect(decideMainWindowClose({ ...base, platform: 'linux' })).toBe('hide');
  });

  it('quits when close to tray is off, or there is no tray to come back from', () => {
    expect(decideMainWindowClose({ ...base, closeToTray: false })).toBe('quit');
    expect(decideMainWindowClose({ ...base, platform: 'linux', trayAvailable: false })).toBe('quit');
  });

  it('on macOS closing hides, as every Mac app does', () => {
    expect(decideMainWindowClose({ ...base, platform: 'darwin', closeToTray: false })).toBe('hide');
    expect(decideMainWindowClose({ ...base, platform: 'darwin', trayAvailable: false })).toBe('hide');
  });

  it('lets the window close once quitting has begun', () => {
    expect(decideMainWindowClose({ ...base, quitting: true })).toBe('close');
    expect(decideMainWindowClose({ ...base, platform: 'darwin', quitting: true })).toBe('close');
  });
});
