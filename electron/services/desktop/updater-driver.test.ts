import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { canSelfUpdate, type UpdaterState } from '../../../shared/desktop/updater-state';
import { createUpdaterDriver, type UpdaterBackend } from './updater-driver';

interface FakeBackend extends UpdaterBackend {
  calls: string[];
  found: { version: string; notes?: unknown } | null;
  checkError: Error | null;
  downloadError: Error | null;
  /** While set, a download waits for it. */
  downloadGate: Promise<void> | null;
}

function fakeBackend(): FakeBackend {
  const b: FakeBackend = {
    calls: [],
    found: null,
    checkError: null,
    downloadError: null,
    downloadGate: null,
    check: async () => {
      b.calls.push('check');
      if (b.checkError) throw b.checkError;
      return b.found;
    },
    download: async () => {
      b.calls.push('download');
      if (b.downloadGate) await b.downloadGate;
      if (b.downloadError) throw b.downloadError;
    },
    quitAndInstall: () => {
      b.calls.push('quit-and-install');
    },
  };
  return b;
}

const packaged = (disabledByUser: boolean) =>
  canSelfUpdate({ platform: 'win32', isPackaged: true, env: {}, exePath: 'C:\\Hearth\\Hearth.exe', disabledByUser });

function driver(
  over: { capability?: (d: boolean) => ReturnType<typeof packaged>; backend?: () => UpdaterBackend } = {},
) {
  const backend = fakeBackend();
  const loads = { n: 0 };
  const warnings: unknown[] = [];
  const d = createUpdaterDriver({
    backend:
      over.backend ??
      (() => {
        loads.n += 1;
        return backend;
      }),
    capability: over.capability ?? packaged,
    log: { info: () => {}, warn: (_m: string, e?: unknown) => warnings.push(e) },
    now: () => 1234,
    firstCheckDelayMs: 1_000,
    intervalMs: 10_000,
  });
  const states: UpdaterState[] = [];
  d.onChange((s) => states.push(s));
  return { d, backend, loads, states, warnings };
}

describe('createUpdaterDriver', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is off until the settings turn checks on, and never loads the backend meanwhile', async () => {
    const { d, loads } = driver();
    expect(d.state()).toMatchObject({ status: 'off', reason: 'disabled' });
    expect(await d.check()).toMatchObject({ status: 'off' });
    await vi.advanceTimersByTimeAsync(100_000);
    expect(loads.n).toBe(0);
  });

  it('checks after the first delay, then every interval, once enabled', async () => {
    const { d, backend } = driver();
    d.setEnabled(true);
    expect(d.state()).toEqual({ status: 'idle', lastCheckedAt: null });
    await vi.advanceTimersByTimeAsync(999);
    expect(backend.calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(backend.calls).toEqual(['check']);
    expect(d.state()).toEqual({ status: 'idle', lastCheckedAt: 1234 });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(backend.calls).toEqual(['check', 'check']);
    d.dispose();
    await vi.advanceTimersByTimeAsync(50_000);
    expect(backend.calls).toHaveLength(2);
  });

  it('stops checking when the user turns checks off, and starts again when on', async () => {
    const { d, backend } = driver();
    d.setEnabled(true);
    d.setEnabled(false);
    expect(d.state()).toMatchObject({ status: 'off', reason: 'disabled' });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(backend.calls).toEqual([]);
    d.setEnabled(true);
    d.setEnabled(true); // applying the same settings again does not restart the wait
    await vi.advanceTimersByTimeAsync(1_000);
    expect(backend.calls).toEqual(['check']);
  });

  it('never checks by itself in a copy that cannot update itself', async () => {
    const { d, loads } = driver({
      capability: (disabledByUser) =>
        canSelfUpdate({ platform: 'linux', isPackaged: true, env: {}, exePath: '/opt/Hearth/hearth', disabledByUser }),
    });
    d.setEnabled(true);
    expect(d.state()).toMatchObject({ status: 'off', reason: 'not-appimage' });
    await vi.advanceTimersByTimeAsync(100_000);
    expect(loads.n).toBe(0);
  });

  it('finds an update on the user’s check, downloads only on the click, installs on the next click', async () => {
    const { d, backend, states } = driver();
    d.setEnabled(true);
    backend.found = { version: '1.2.0', notes: '<p>Faster <b>search</b></p>' };
    expect(await d.check()).toEqual({ status: 'available', version: '1.2.0', notes: 'Faster search' });
    expect(backend.calls).toEqual(['check']);
    // The timer's check does nothing while an update waits for the user.
    await vi.advanceTimersByTimeAsync(1_000);
    expect(backend.calls).toEqual(['check']);

    let finish!: () => void;
    backend.downloadGate = new Promise<void>((r) => (finish = r));
    const downloading = d.download();
    expect(d.state()).toMatchObject({ status: 'downloading', version: '1.2.0', percent: 0 });
    await d.dispatch({ type: 'progress', percent: 40, bytesPerSecond: 1000 });
    expect(d.state()).toMatchObject({ status: 'downloading', percent: 40 });
    finish();
    expect(await downloading).toEqual({ status: 'ready', version: '1.2.0' });
    expect(backend.calls).toEqual(['check', 'download']);

    expect(d.install()).toEqual({ status: 'ready', version: '1.2.0' });
    expect(backend.calls).toEqual(['check', 'download', 'quit-and-install']);
    expect(states.map((s) => s.status)).toEqual([
      'idle',
      'checking',
      'available',
      'downloading',
      'downloading',
      'ready',
    ]);
  });

  it('reports failures in plain words and can check again', async () => {
    const { d, backend, warnings } = driver();
    d.setEnabled(true);
    backend.checkError = Object.assign(new Error('getaddrinfo ENOTFOUND github.com'), { code: 'ENOTFOUND' });
    expect(await d.check()).toMatchObject({
      status: 'error',
      message: 'Could not check for updates: Hearth cannot reach the internet.',
    });
    expect(warnings).toHaveLength(1);
    backend.checkError = null;
    expect(await d.check()).toEqual({ status: 'idle', lastCheckedAt: 1234 });
  });

  it('a failed download is an error, not a ready update', async () => {
    const { d, backend } = driver();
    d.setEnabled(true);
    backend.found = { version: '2.0.0' };
    await d.check();
    backend.downloadError = new Error('ENOSPC: no space left on device');
    expect(await d.download()).toMatchObject({
      status: 'error',
      message: 'There is not enough disk space to download the update.',
    });
  });

  it('a backend that cannot load is an error, not a crash', async () => {
    const { d } = driver({
      backend: () => {
        throw new Error('Cannot find module electron-updater');
      },
    });
    d.setEnabled(true);
    expect(await d.check()).toMatchObject({ status: 'error' });
  });

  it('tells listeners only about real changes', async () => {
    const { d, states } = driver();
    d.setEnabled(true);
    await d.dispatch({ type: 'progress', percent: 10, bytesPerSecond: 1 }); // not downloading: ignored
    d.setEnabled(true);
    expect(states.map((s) => s.status)).toEqual(['idle']);
  });
});
