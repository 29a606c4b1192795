/**
 * The Ollama servers' state as the status pill and the no-Ollama screen show it: loaded once,
 * then kept live by 'ollama.status' events. Start/stop/restart act on the bundled server; retry
 * re-runs the auto choice. When the primary server comes up, the model list is reloaded.
 * Older statuses arriving late are dropped (isNewerStatus).
 * Public: loadOllamaStatus, controlOllama, onOllamaStatus.
 */
import type { StateCreator } from 'zustand';
import type { OllamaServerStatus, OllamaState, OllamaStatus } from '../../../../shared/types/domain';
import type { MethodInput } from '../../../../shared/contract';
import { client, ClientError } from '../../client';
import type { AppState } from '../../app/store';
import { isNewerStatus } from './status-text';

export type OllamaAction = MethodInput<'ollama.control'>['action'];

export interface OllamaSlice {
  ollamaStatus: OllamaStatus | null;
  /** Why the status could not be read (an older app, a lost connection). */
  ollamaStatusError: string | null;
  ollamaBusy: OllamaAction | null;
  ollamaControlError: string | null;
  /** The primary server's state when a retry began (the screen it was shown from stays while it runs). */
  ollamaRetryingFrom: OllamaState | null;
  /** When the last retry finished. */
  ollamaRetriedAt: number | null;
  loadOllamaStatus(): Promise<void>;
  controlOllama(action: OllamaAction): Promise<boolean>;
  onOllamaStatus(status: OllamaStatus): void;
}

export function primaryServer(status: OllamaStatus | null): OllamaServerStatus | null {
  return status?.servers[0] ?? null;
}

const errText = (err: unknown, fallback: string) => (err instanceof ClientError ? err.message : fallback);

export const createOllamaSlice: StateCreator<AppState, [], [], OllamaSlice> = (set, get) => ({
  ollamaStatus: null,
  ollamaStatusError: null,
  ollamaBusy: null,
  ollamaControlError: null,
  ollamaRetryingFrom: null,
  ollamaRetriedAt: null,

  async loadOllamaStatus() {
    try {
      get().onOllamaStatus(await client.call('ollama.status', {}));
      set({ ollamaStatusError: null });
    } catch (err) {
      set({ ollamaStatusError: errText(err, 'Could not read the Ollama status.') });
    }
  },

  async controlOllama(action) {
    set({ ollamaBusy: action, ollamaControlError: null });
    if (action === 'retry') set({ ollamaRetryingFrom: primaryServer(get().ollamaStatus)?.state ?? null });
    try {
      get().onOllamaStatus(await client.call('ollama.control', { action }));
      set({ ollamaStatusError: null });
      return true;
    } catch (err) {
      const verb = { start: 'start', stop: 'stop', restart: 'restart', retry: 'find' }[action];
      set({ ollamaControlError: errText(err, `Could not ${verb} Ollama.`) });
      return false;
    } finally {
      set({ ollamaBusy: null });
      if (action === 'retry') {
        set({ ollamaRetryingFrom: null, ollamaRetriedAt: Date.now() });
        void get().loadModels();
      }
    }
  },

  onOllamaStatus(status) {
    const before = get().ollamaStatus;
    if (!isNewerStatus(before, status)) return;
    set({ ollamaStatus: status });
    // A server that just came up (or went away) changes which models can be picked. The first
    // status counts as a change from "nothing running" unless the model list on screen already
    // came from that server: it may have been asked for while the bundled server was starting.
    const { providers, modelsLoading } = get();
    const listedOk = (id: string) => !modelsLoading && providers.some((p) => p.providerId === id && p.ok);
    const changed = status.servers.some((s) => {
      const old = before?.servers.find((o) => o.providerId === s.providerId);
      if (!old) return s.state === 'running' && !listedOk(s.providerId);
      return (old.state === 'running') !== (s.state === 'running') || old.baseUrl !== s.baseUrl;
    });
    if (changed) {
      void get().loadModels();
      if (get().view === 'models') void get().refreshManager();
    }
  },
});
