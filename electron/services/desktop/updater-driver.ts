/**
 * The desktop updater (DesktopUpdater) as the reducer in shared/desktop/updater-state.ts drives it:
 * events in (the user's clicks, the timer, what the update backend reports), effects out (check,
 * download, quit and install) carried out on an injected backend — electron-updater in the shell
 * (electron/main/updater.ts), a fake in tests.
 *
 *   createUpdaterDriver({ backend, capability, … })
 *     .check() / .download() / .install() / .state() / .onChange()   DesktopUpdater
 *     .dispatch(event)      what the backend reports (progress, downloaded, error)
 *     .setEnabled(on)       Settings → Desktop → check for updates (recomputes the capability)
 *     .dispose()            stops the timer
 *
 * Checks by themselves only when this copy can update itself and checks are on: `firstCheckDelayMs`
 * after they are turned on (at start), then every `intervalMs`. Nothing is ever downloaded without
 * the user's click (the reducer only downloads on 'download'). The backend is asked for only when an
 * effect needs it, so a copy that cannot update never loads it.
 */
import {
  initialUpdaterState,
  updaterErrorMessage,
  updaterReducer,
  type UpdateCapability,
  type UpdaterEffect,
  type UpdaterEvent,
  type UpdaterState,
} from '../../../shared/desktop/updater-state';
import type { Logger } from '../util/logger';
import type { DesktopUpdater } from './desktop-host';

export interface UpdaterBackend {
  /** Look for a newer version: what was found, or null when this is the newest. */
  check(): Promise<{ version: string; notes?: unknown } | null>;
  /** Download the version the last check found; resolves once it is on disk. */
  download(): Promise<void>;
  /** Quit and install the downloaded version (the app restarts into it). */
  quitAndInstall(): void;
}

export interface UpdaterDriverOptions {
  backend(): UpdaterBackend;
  /** canSelfUpdate(…) for this copy, with the user's setting. */
  capability(disabledByUser: boolean): UpdateCapability;
  log: Pick<Logger, 'info' | 'warn'>;
  now?: () => number;
  /** Default 60 s: the first check waits until start-up work is done. */
  firstCheckDelayMs?: number;
  /** Default 6 hours. */
  intervalMs?: number;
}

export interface UpdaterDriver extends DesktopUpdater {
  dispatch(event: UpdaterEvent): Promise<void>;
  setEnabled(enabled: boolean): void;
  dispose(): void;
}

export const FIRST_CHECK_DELAY_MS = 60_000;
export const CHECK_INTERVAL_MS = 6 * 60 * 60 * 1000;

export function createUpdaterDriver(o: UpdaterDriverOptions): UpdaterDriver {
  const now = o.now ?? Date.now;
  const firstDelay = o.firstCheckDelayMs ?? FIRST_CHECK_DELAY_MS;
  const interval = o.intervalMs ?? CHECK_INTERVAL_MS;
  // Off until the settings say otherwise (setEnabled at start), so nothing runs before they are known.
  let enabled = false;
  let capability = o.capability(true);
  let state = initialUpdaterState(capability);
  const listeners = new Set<(s: UpdaterState) => void>();
  let timer: ReturnType<typeof setTimeout> | null = null;

  const failed = (err: unknown) => {
    o.log.warn('update failed', err);
    return dispatch({ type: 'error', message: updaterErrorMessage(err) });
  };

  function run(effect: UpdaterEffect): Promise<void> {
    let backend: UpdaterBackend;
    try {
      backend = o.backend();
    } catch (err) {
      return failed(err);
    }
    switch (effect.type) {
      case 'check':
        return backend
          .check()
          .then(
            (found) =>
              dispatch(
                found
                  ? { type: 'available', version: found.version, notes: found.notes }
                  : { type: 'not-available', at: now() },
              ),
            failed,
          );
      case 'download':
        return backend.download().then(() => {
          if (state.status === 'downloading') return dispatch({ type: 'downloaded', version: state.version });
        }, failed);
      case 'quit-and-install':
        o.log.info('quitting to install the update');
        try {
          backend.quitAndInstall();
        } catch (err) {
          return failed(err);
        }
        return Promise.resolve();
    }
  }

  async function dispatch(event: UpdaterEvent): Promise<void> {
    const before = JSON.stringify(state);
    const result = updaterReducer(state, event);
    state = result.state;
    if (JSON.stringify(state) !== before) {
      for (const listener of listeners) {
        try {
          listener(state);
        } catch (err) {
          o.log.warn('an updater listener failed', err);
        }
      }
    }
    await Promise.all(result.effects.map(run));
  }

  function stopTimer() {
    if (timer) clearTimeout(timer);
    timer = null;
  }

  function schedule(delay: number) {
    stopTimer();
    timer = setTimeout(() => {
      timer = null;
      void dispatch({ type: 'check' });
      schedule(interval);
    }, delay);
    (timer as { unref?: () => void }).unref?.();
  }

  return {
    state: () => state,
    async check() {
      await dispatch({ type: 'check', userAsked: true });
      return state;
    },
    async download() {
      await dispatch({ type: 'download' });
      return state;
    },
    install() {
      void dispatch({ type: 'restart-now' });
      return state;
    },
    onChange(listener) {
      listeners.add(listener);
    },
    dispatch,
    setEnabled(on) {
      const wasChecking = enabled && capability.can;
      enabled = on;
      capability = o.capability(!on);
      void dispatch({ type: 'capability', capability });
      const checking = enabled && capability.can;
      if (checking && !wasChecking) schedule(firstDelay);
      if (!checking) stopTimer();
    },
    dispose: stopTimer,
  };
}
