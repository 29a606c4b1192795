/**
 * The app's clean quit, kept free of Electron so it can be tested: the first quit request is held
 * back (event.preventDefault()) until the services have closed — generations stopped with their
 * partial answers kept, the bundled Ollama stopped, the database closed — or until `timeoutMs`
 * passes, so a hung child cannot keep the app alive. Quit requests arriving meanwhile (a second
 * Cmd+Q, Ctrl-C) wait for the same close instead of cutting it short.
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
  state(): QuitState;
} {
  let state: QuitState = 'running';
  return {
    state: () => state,
    onBeforeQuit(event) {
      if (state === 'closed') return;
      const services = state === 'running' ? o.services() : null;
      if (state === 'running' && !services) {
        state = 'closed';
        return;
      }
      event.preventDefault();
      if (state === 'closing' || !services) return;
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
          o.quit();
        });
    },
  };
}
