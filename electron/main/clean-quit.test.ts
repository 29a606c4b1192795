import { describe, expect, it } from 'vitest';
import { createCleanQuit } from './clean-quit';

function harness(close: () => Promise<void>, opts: { timeoutMs?: number; services?: boolean } = {}) {
  const logs: string[] = [];
  let quits = 0;
  let closes = 0;
  const quit = createCleanQuit({
    services: () =>
      opts.services === false
        ? null
        : {
            close: () => {
              closes++;
              return close();
            },
          },
    quit: () => {
      quits++;
      // app.quit() emits 'before-quit' again: the real app would go through the handler once more.
      quit.onBeforeQuit(event());
    },
    timeoutMs: opts.timeoutMs ?? 5_000,
    log: { warn: (m: string) => logs.push(`warn: ${m}`), error: (m: string) => logs.push(`error: ${m}`) },
  });
  const events: { prevented: boolean }[] = [];
  function event() {
    const e = { prevented: false, preventDefault: () => (e.prevented = true) };
    events.push(e);
    return e;
  }
  return {
    quit,
    request: () => {
      const e = event();
      quit.onBeforeQuit(e);
      return e.prevented;
    },
    quits: () => quits,
    closes: () => closes,
    logs,
    events,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('clean quit', () => {
  it('holds the quit until the services have closed, then quits once', async () => {
    let finish!: () => void;
    const h = harness(() => new Promise<void>((r) => (finish = r)));
    expect(h.request()).toBe(true); // held back
    expect(h.quit.state()).toBe('closing');
    await sleep(20);
    expect(h.quits()).toBe(0);
    finish();
    await sleep(0);
    expect(h.quits()).toBe(1);
    expect(h.quit.state()).toBe('closed');
    expect(h.events.at(-1)!.prevented).toBe(false); // the final quit goes through
    expect(h.logs).toEqual([]);
  });

  it('a second quit request while closing waits for the same close', async () => {
    let finish!: () => void;
    const h = harness(() => new Promise<void>((r) => (finish = r)));
    expect(h.request()).toBe(true);
    expect(h.request()).toBe(true); // e.g. Ctrl-C again: still held back
    expect(h.closes()).toBe(1);
    finish();
    await sleep(0);
    expect(h.quits()).toBe(1);
  });

  it('quits anyway after the timeout when closing hangs, and says so', async () => {
    const h = harness(() => new Promise<void>(() => {}), { timeoutMs: 50 });
    const t0 = Date.now();
    expect(h.request()).toBe(true);
    await sleep(20);
    expect(h.quits()).toBe(0);
    await sleep(80);
    expect(h.quits()).toBe(1);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(50);
    expect(h.logs).toEqual(['warn: services did not stop within 0.05 s; quitting anyway']);
  });

  it('quits when closing fails, logging the error', async () => {
    const h = harness(() => Promise.reject(new Error('disk gone')));
    expect(h.request()).toBe(true);
    await sleep(0);
    expect(h.quits()).toBe(1);
    expect(h.logs).toEqual(['error: error while stopping services']);
  });

  it('quits at once when there are no services (start-up failed)', () => {
    const h = harness(() => Promise.resolve(), { services: false });
    expect(h.request()).toBe(false);
    expect(h.closes()).toBe(0);
    expect(h.quit.state()).toBe('closed');
  });
});

describe('clean quit: quitWith (installing an update)', () => {
  it('closes the services first, then calls finish instead of quitting', async () => {
    let done!: () => void;
    const h = harness(() => new Promise<void>((r) => (done = r)));
    const order: string[] = [];
    h.quit.quitWith(() => order.push('install'));
    expect(h.quit.state()).toBe('closing');
    expect(order).toEqual([]);
    // The updater's own app.quit() meanwhile waits for the same close.
    expect(h.request()).toBe(true);
    done();
    await sleep(0);
    expect(order).toEqual(['install']);
    expect(h.quits()).toBe(0);
    expect(h.closes()).toBe(1);
    // Once closed, the quit the installer causes goes straight through.
    expect(h.request()).toBe(false);
  });

  it('a quit already under way ends with finish', async () => {
    let done!: () => void;
    const h = harness(() => new Promise<void>((r) => (done = r)));
    expect(h.request()).toBe(true);
    let installed = 0;
    h.quit.quitWith(() => installed++);
    done();
    await sleep(0);
    expect(installed).toBe(1);
    expect(h.quits()).toBe(0);
  });

  it('calls finish at once when there is nothing to close', () => {
    const h = harness(() => Promise.resolve(), { services: false });
    let installed = 0;
    h.quit.quitWith(() => installed++);
    expect(installed).toBe(1);
    expect(h.quit.state()).toBe('closed');
  });
});
