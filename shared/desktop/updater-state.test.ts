import { describe, expect, it } from 'vitest';
import {
  canSelfUpdate,
  initialUpdaterState,
  releaseNotesText,
  updaterErrorMessage,
  updaterReducer,
  updaterStatusText,
  type SelfUpdateInput,
  type UpdaterEffect,
  type UpdaterEvent,
  type UpdaterState,
} from './updater-state';

function run(events: UpdaterEvent[], start: UpdaterState = { status: 'idle', lastCheckedAt: null }) {
  let state = start;
  const effects: UpdaterEffect[] = [];
  for (const e of events) {
    const r = updaterReducer(state, e);
    state = r.state;
    effects.push(...r.effects);
  }
  return { state, effects };
}

describe('canSelfUpdate', () => {
  const win: SelfUpdateInput = {
    platform: 'win32',
    isPackaged: true,
    env: {},
    exePath: 'C:\\Users\\me\\AppData\\Local\\Programs\\Hearth\\Hearth.exe',
  };
  const linux: SelfUpdateInput = {
    platform: 'linux',
    isPackaged: true,
    env: { APPIMAGE: '/home/me/Apps/Hearth-0.1.0.AppImage' },
    exePath: '/tmp/.mount_HearthXYZ/hearth',
  };
  const mac: SelfUpdateInput = {
    platform: 'darwin',
    isPackaged: true,
    env: {},
    exePath: '/Applications/Hearth.app/Contents/MacOS/Hearth',
  };

  it('an installed copy updates itself', () => {
    expect(canSelfUpdate(win)).toEqual({ can: true });
    expect(canSelfUpdate(linux)).toEqual({ can: true });
    expect(canSelfUpdate(mac)).toEqual({ can: true });
  });

  it('a development build does not', () => {
    expect(canSelfUpdate({ ...mac, isPackaged: false })).toEqual({
      can: false,
      reason: 'dev',
      message: 'Updates are off in a development build.',
    });
  });

  it('the Windows portable version does not, and says to download the new one', () => {
    expect(canSelfUpdate({ ...win, env: { PORTABLE_EXECUTABLE_DIR: 'D:\\Tools' } })).toEqual({
      can: false,
      reason: 'portable',
      message: 'The portable version does not update itself; download the new version to update.',
    });
  });

  it('on Linux only the AppImage does; deb/rpm, Snap and Flatpak copies are updated by their store', () => {
    expect(canSelfUpdate({ ...linux, env: {}, exePath: '/opt/Hearth/hearth' })).toEqual({
      can: false,
      reason: 'not-appimage',
      message: 'Only the AppImage updates itself; update this copy with your package manager.',
    });
    expect(canSelfUpdate({ ...linux, env: { SNAP: '/snap/hearth/1' } })).toMatchObject({ reason: 'store' });
    expect(canSelfUpdate({ ...linux, env: { FLATPAK_ID: 'app.hearth' } })).toMatchObject({ reason: 'store' });
  });

  it('a Microsoft Store copy is updated by the Store', () => {
    expect(canSelfUpdate({ ...win, exePath: 'C:\\Program Files\\WindowsApps\\Hearth_1.0\\Hearth.exe' })).toMatchObject({
      can: false,
      reason: 'store',
    });
  });

  it('on macOS, a copy run from the disk image or a translocated folder asks to be moved to Applications', () => {
    const msg = 'Move Hearth to the Applications folder to get updates.';
    expect(canSelfUpdate({ ...mac, exePath: '/Volumes/Hearth 0.1.0/Hearth.app/Contents/MacOS/Hearth' })).toEqual({
      can: false,
      reason: 'read-only',
      message: msg,
    });
    expect(
      canSelfUpdate({
        ...mac,
        exePath: '/private/var/folders/x/AppTranslocation/ABC/d/Hearth.app/Contents/MacOS/Hearth',
      }),
    ).toMatchObject({ reason: 'read-only' });
  });

  it('the user can turn checks off', () => {
    expect(canSelfUpdate({ ...win, disabledByUser: true })).toEqual({
      can: false,
      reason: 'disabled',
      message: 'Update checks are off; turn them on in Settings → Desktop.',
    });
  });
});

describe('updaterReducer', () => {
  it('starts off (with the reason) or idle', () => {
    expect(initialUpdaterState({ can: true })).toEqual({ status: 'idle', lastCheckedAt: null });
    expect(initialUpdaterState({ can: false, reason: 'dev', message: 'm' })).toEqual({
      status: 'off',
      reason: 'dev',
      message: 'm',
    });
  });

  it('check → nothing new → idle with the time of the check', () => {
    const r = run([{ type: 'check' }, { type: 'not-available', at: 1234 }]);
    expect(r.effects).toEqual([{ type: 'check' }]);
    expect(r.state).toEqual({ status: 'idle', lastCheckedAt: 1234 });
    expect(updaterStatusText(r.state)).toBe('Hearth is up to date.');
  });

  it('check → available shows the version and notes, and does NOT download', () => {
    const r = run([{ type: 'check' }, { type: 'available', version: '0.2.0', notes: '<p>Faster <b>search</b></p>' }]);
    expect(r.state).toEqual({ status: 'available', version: '0.2.0', notes: 'Faster search' });
    expect(r.effects).toEqual([{ type: 'check' }]);
    expect(updaterStatusText(r.state)).toBe('Hearth 0.2.0 is available.');
  });

  it('downloads only when the user asks, then is ready to install on quit', () => {
    const r = run([
      { type: 'check' },
      { type: 'available', version: '0.2.0' },
      { type: 'download' },
      { type: 'progress', percent: 42.7, bytesPerSecond: 3 * 1024 * 1024 },
    ]);
    expect(r.effects).toEqual([{ type: 'check' }, { type: 'download' }]);
    expect(r.state).toEqual({
      status: 'downloading',
      version: '0.2.0',
      percent: 42.7,
      bytesPerSecond: 3 * 1024 * 1024,
    });
    expect(updaterStatusText(r.state)).toBe('Downloading Hearth 0.2.0: 42% (3.0 MB/s)');
    const done = updaterReducer(r.state, { type: 'downloaded', version: '0.2.0' }).state;
    expect(done).toEqual({ status: 'ready', version: '0.2.0' });
    expect(updaterStatusText(done)).toBe('Hearth 0.2.0 will be installed when you quit.');
  });

  it('no sequence of updater events starts a download without the user', () => {
    const events: UpdaterEvent[] = [
      { type: 'check' },
      { type: 'available', version: '1.0.0' },
      { type: 'progress', percent: 50, bytesPerSecond: 1 },
      { type: 'downloaded', version: '1.0.0' },
      { type: 'error', message: 'x' },
      { type: 'check', userAsked: true },
      { type: 'not-available', at: 1 },
      { type: 'restart-now' },
    ];
    // Every ordering of pairs, from every state reachable without 'download'.
    for (const a of events) {
      for (const b of events) {
        for (const c of events) {
          const r = run([a, b, c]);
          expect(r.effects.filter((x) => x.type !== 'check')).toEqual([]);
        }
      }
    }
  });

  it('progress never goes back and ignores nonsense', () => {
    const start: UpdaterState = { status: 'downloading', version: '1', percent: 60, bytesPerSecond: 10 };
    expect(run([{ type: 'progress', percent: 40, bytesPerSecond: 5 }], start).state).toMatchObject({
      percent: 60,
      bytesPerSecond: 5,
    });
    expect(run([{ type: 'progress', percent: 140, bytesPerSecond: NaN }], start).state).toMatchObject({
      percent: 100,
      bytesPerSecond: 0,
    });
    expect(run([{ type: 'progress', percent: NaN, bytesPerSecond: -1 }], start).state).toMatchObject({ percent: 60 });
  });

  it('a second check while checking, downloading or ready does nothing', () => {
    for (const s of [
      { status: 'checking', userAsked: false },
      { status: 'available', version: '1', notes: '' },
      { status: 'downloading', version: '1', percent: 5, bytesPerSecond: 0 },
      { status: 'ready', version: '1' },
    ] as UpdaterState[]) {
      expect(updaterReducer(s, { type: 'check', userAsked: true })).toEqual({ state: s, effects: [] });
    }
  });

  it('an error says what happened and a new check can follow', () => {
    const r = run([
      { type: 'check', userAsked: true },
      { type: 'error', message: 'Could not check for updates: Hearth cannot reach the internet.' },
    ]);
    expect(r.state).toEqual({
      status: 'error',
      message: 'Could not check for updates: Hearth cannot reach the internet.',
      lastCheckedAt: null,
    });
    expect(updaterReducer(r.state, { type: 'check' }).effects).toEqual([{ type: 'check' }]);
  });

  it('a failed download can be found and downloaded again', () => {
    const r = run([
      { type: 'check' },
      { type: 'available', version: '2.0.0' },
      { type: 'download' },
      { type: 'error', message: 'x' },
      { type: 'check' },
      { type: 'available', version: '2.0.0' },
      { type: 'download' },
    ]);
    expect(r.effects.filter((e) => e.type === 'download')).toHaveLength(2);
    expect(r.state.status).toBe('downloading');
  });

  it('an update on disk stays ready through later errors; Restart now installs it', () => {
    const ready: UpdaterState = { status: 'ready', version: '2.0.0' };
    expect(updaterReducer(ready, { type: 'error', message: 'x' }).state).toBe(ready);
    expect(updaterReducer(ready, { type: 'restart-now' }).effects).toEqual([{ type: 'quit-and-install' }]);
    expect(updaterReducer({ status: 'idle', lastCheckedAt: null }, { type: 'restart-now' }).effects).toEqual([]);
  });

  it('off stays off, whatever the updater or the user does, until the capability changes', () => {
    const off = initialUpdaterState({ can: false, reason: 'disabled', message: 'Update checks are off.' });
    for (const e of [
      { type: 'check', userAsked: true },
      { type: 'download' },
      { type: 'available', version: '9' },
    ] as UpdaterEvent[]) {
      expect(updaterReducer(off, e)).toEqual({ state: off, effects: [] });
    }
    expect(updaterStatusText(off)).toBe('Update checks are off.');
    expect(updaterReducer(off, { type: 'capability', capability: { can: true } }).state).toEqual({
      status: 'idle',
      lastCheckedAt: null,
    });
  });

  it('turning checks off in Settings stops everything, even a download in progress', () => {
    const dl: UpdaterState = { status: 'downloading', version: '1', percent: 5, bytesPerSecond: 0 };
    expect(
      updaterReducer(dl, { type: 'capability', capability: { can: false, reason: 'disabled', message: 'off' } }).state,
    ).toEqual({ status: 'off', reason: 'disabled', message: 'off' });
    // Turning them on again when they were on changes nothing.
    expect(updaterReducer(dl, { type: 'capability', capability: { can: true } }).state).toBe(dl);
  });
});

describe('releaseNotesText', () => {
  it('turns HTML notes into plain text with lines and bullets', () => {
    expect(
      releaseNotesText(
        '<h2>What&#39;s new</h2><ul><li>Quick prompt</li><li>Tray &amp; <a href="x">links</a></li></ul><script>x()</script>',
      ),
    ).toBe("What's new\n\n• Quick prompt\n• Tray & links");
  });

  it('joins a list of notes per version and ignores junk', () => {
    expect(releaseNotesText([{ version: '0.2.0', note: 'New' }, null, { note: 'Old' }, 7])).toBe('0.2.0\nNew\n\nOld');
    expect(releaseNotesText(null)).toBe('');
    expect(releaseNotesText(42)).toBe('');
  });

  it('keeps long notes readable-sized', () => {
    expect(releaseNotesText('x'.repeat(50_000)).length).toBe(10_000);
  });
});

describe('updaterErrorMessage', () => {
  it.each([
    [
      Object.assign(new Error('getaddrinfo ENOTFOUND github.com'), { code: 'ENOTFOUND' }),
      'Could not check for updates: Hearth cannot reach the internet.',
    ],
    [new Error('net::ERR_INTERNET_DISCONNECTED'), 'Could not check for updates: Hearth cannot reach the internet.'],
    [new Error('HttpError: 404 Not Found'), 'No update information was found for this version.'],
    [
      new Error('sha512 checksum mismatch, expected …'),
      'The downloaded update could not be verified, so it was not installed.',
    ],
    [
      new Error('New version 0.2.0 is not signed by the application owner'),
      'The downloaded update could not be verified, so it was not installed.',
    ],
    [new Error('ENOSPC: no space left on device'), 'There is not enough disk space to download the update.'],
    [
      new Error('EACCES: permission denied'),
      'Hearth is not allowed to replace its own files; install the update by hand.',
    ],
    [new Error('something odd'), 'The update failed; Hearth will try again later.'],
    ['string error', 'The update failed; Hearth will try again later.'],
    [undefined, 'The update failed; Hearth will try again later.'],
  ])('%s', (err, message) => {
    expect(updaterErrorMessage(err)).toBe(message);
  });
});
