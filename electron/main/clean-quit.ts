/**
 * The app's clean quit, kept free of Electron so it can be tested: the first quit request is held
 * back (event.preventDefault()) until the services have closed — generations stopped with their
 * partial answers kept, the bundled Ollama stopped, the database closed — or until `timeoutMs`
 * passes, so a hung child cannot keep the app alive. Quit requests arriving meanwhile (a second
 * Cmd+Q, Ctrl-C) wait for the same close instead of cutting it short.
 *
 * `quitWith(finish)` closes the same way and then calls `finish` instead of `quit` (installing an
 * update: the installer must not start while the database is open, nor the new version meet this
 * one still holding the single-instance lock).
 */
import type { Logger } from '../services/util/logger';

export interface CleanQuitOptions {
  /** The services to close, or null when there are none (start failed): then quitting is immediate. */
  services(): { close(): Promise<void> } | null;
  /** Quits for real (app.quit()); called once the close has finished or timed out. */
  quit(): void;
  timeoutMs: number;
  log: Pick<Logger, 'warn' | 'error'>;
}

export type QuitState = 'running' | 'closing' | 'closed';

export function createCleanQuit(o: CleanQuitOptions): {
  /** The 'before-quit' handler. */
  onBeforeQuit(event: { preventDefault(): void }): void;
  /** Close the services, then call `finish` (instead of quitting). */
  quitWith(finish: () => void): void;
  state(): QuitState;
} {
  let state: QuitState = 'running';
  let finish = o.quit;

  /** Starts closing; false when there is nothing to close (then the state is 'closed' at once). */
  function close(): boolean {
    const services = o.services();
    if (!services) {
      state = 'closed';
      return false;
    }
    state = 'closing';
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), o.timeoutMs);
    });
    void Promise.race([services.close().then(() => 'closed' as const), timeout])
      .then((how) => {
        if (how === 'timeout') o.log.warn(`services did not stop within ${o.timeoutMs / 1000} s; quitting anyway`);
      })
      .catch((err) => o.log.error('error while stopping services', err))
      .finally(() => {
        clearTimeout(timer);
        state = 'closed';
        finish();
      });
    return true;
  }

  return {
    state: () => state,
    onBeforeQuit(event) {
      if (state === 'closed') return;
      if (state === 'running' && !close()) return;
      event.preventDefault();
    },
    quitWith(next) {
      finish = next;
      if (state === 'closed') next();
      else if (state === 'running' && !close()) next();
    },
  };
}
