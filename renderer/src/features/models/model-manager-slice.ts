/**
 * The model manager page: which Ollama server it shows, that server's installed and running
 * models, the details panel, delete and unload; and the app's one record of downloads (several at
 * once, each folded from 'models.pullProgress'), which the Models page lists and a chat's offer to
 * pull a missing model reads too. A pull started from that offer answers the failed message again
 * once the model is installed.
 * Public: setManagerServer, refreshManager, loadInstalled, loadRunning, pullModel, cancelPull,
 * dismissPull, deleteModel, unloadModel, showDetails, closeDetails, onPullProgress, onModelsChanged.
 */
import type { StateCreator } from 'zustand';
import type { InstalledModel, MachineMemory, ModelDetails, RunningModel } from '../../../../shared/types/domain';
import type { EventPayload } from '../../../../shared/contract';
import { LatestReply } from '../../../../shared/versioned';
import { client, ClientError } from '../../client';
import type { AppState } from '../../app/store';
import { plainPullError } from '../../../../shared/pull-progress';
import { applyProgress, startPull, type ManagedPull } from './pull-progress';

export interface DetailsState {
  /** The model id (`<providerId>/<name>`). */
  model: string;
  name: string;
  data: ModelDetails | null;
  error: string | null;
}

export interface ModelManagerSlice {
  /** The provider id of the Ollama server shown ('ollama' is the primary). */
  managerServer: string;
  installed: InstalledModel[] | null;
  memory: MachineMemory | null;
  installedLoading: boolean;
  installedError: string | null;
  running: RunningModel[] | null;
  runningError: string | null;
  /** Downloads by key (`<providerId>/<name>`, a chat's model id), newest first in `pullOrder`. */
  pulls: Record<string, ManagedPull>;
  pullOrder: string[];
  details: DetailsState | null;
  /** A short note after an action ("Deleted …", "Unloaded …") or its failure. */
  managerNotice: { kind: 'ok' | 'error'; text: string } | null;
  setManagerServer(providerId: string): void;
  refreshManager(): Promise<void>;
  loadInstalled(): Promise<void>;
  loadRunning(): Promise<void>;
  /**
   * Download `name` to `providerId` (default: the server shown). `retryMessageId`: a failed answer
   * to regenerate once the model is installed (kept when a cancelled or failed pull is resumed).
   */
  pullModel(name: string, options?: { providerId?: string; retryMessageId?: string }): Promise<void>;
  cancelPull(key: string): Promise<void>;
  dismissPull(key: string): void;
  deleteModel(model: InstalledModel): Promise<boolean>;
  unloadModel(model: RunningModel): Promise<void>;
  showDetails(model: { id: string; name: string }): Promise<void>;
  closeDetails(): void;
  onPullProgress(p: EventPayload<'models.pullProgress'>): void;
  /** A pull or delete (from any window or the CLI) changed a server's models. */
  onModelsChanged(providerId: string): void;
}

const errText = (err: unknown, fallback: string) => (err instanceof ClientError ? err.message : fallback);

export const createModelManagerSlice: StateCreator<AppState, [], [], ModelManagerSlice> = (set, get) => {
  // Only the newest answer per server counts (shared/versioned.ts); one for another server is dropped.
  const latest = { installed: new Map<string, LatestReply>(), running: new Map<string, LatestReply>() };
  const newest = (kind: keyof typeof latest, providerId: string, asOf: string): boolean => {
    if (get().managerServer !== providerId) return false;
    const map = latest[kind];
    if (!map.has(providerId)) map.set(providerId, new LatestReply());
    return map.get(providerId)!.take(asOf);
  };
  return {
    managerServer: 'ollama',
    installed: null,
    memory: null,
    installedLoading: false,
    installedError: null,
    running: null,
    runningError: null,
    pulls: {},
    pullOrder: [],
    details: null,
    managerNotice: null,

    setManagerServer(providerId) {
      if (providerId === get().managerServer) return;
      set({ managerServer: providerId, installed: null, running: null, details: null, managerNotice: null });
      void get().refreshManager();
    },

    async refreshManager() {
      await Promise.all([get().loadInstalled(), get().loadRunning()]);
    },

    async loadInstalled() {
      const providerId = get().managerServer;
      set({ installedLoading: true });
      try {
        const r = await client.call('models.installed', { providerId });
        if (newest('installed', providerId, r.asOf))
          set({ installed: r.models, memory: r.memory, installedError: null });
      } catch (err) {
        if (get().managerServer === providerId)
          set({ installedError: errText(err, 'Could not list the installed models.') });
      } finally {
        if (get().managerServer === providerId) set({ installedLoading: false });
      }
    },

    async loadRunning() {
      const providerId = get().managerServer;
      try {
        const r = await client.call('models.running', { providerId });
        if (newest('running', providerId, r.asOf)) set({ running: r.models, runningError: null });
      } catch (err) {
        if (get().managerServer === providerId)
          set({ runningError: errText(err, 'Could not list the models in memory.') });
      }
    },

    async pullModel(name, { providerId = get().managerServer, retryMessageId } = {}) {
      const key = `${providerId}/${name}`;
      // Already downloading: the service would not start it twice, and its bar keeps going.
      if (get().pulls[key]?.done === false) return;
      set((s) => {
        const prev = s.pulls[key];
        const retry = retryMessageId ?? prev?.retryMessageId;
        const next = { ...startPull(key), ...keepBytes(prev), ...(retry ? { retryMessageId: retry } : {}) };
        return { pulls: { ...s.pulls, [key]: next }, pullOrder: [key, ...s.pullOrder.filter((k) => k !== key)] };
      });
      try {
        await client.call('models.pull', { model: key });
      } catch (err) {
        set((s) => {
          const p = s.pulls[key] ?? startPull(key);
          const rawError = errText(err, 'The download could not start.');
          const error = plainPullError(name, rawError);
          return { pulls: { ...s.pulls, [key]: { ...p, phase: 'error', done: true, error, rawError } } };
        });
      }
    },

    async cancelPull(key) {
      try {
        const { cancelled } = await client.call('models.pullCancel', { model: key });
        // Nothing running under that name (its last event was missed, e.g. while offline): show it
        // as stopped, so Resume is offered instead of a Cancel that does nothing.
        if (!cancelled && get().pulls[key]?.done === false) {
          set((s) => {
            const p = s.pulls[key]!;
            return { pulls: { ...s.pulls, [key]: { ...p, phase: 'cancelled', done: true } } };
          });
        }
      } catch (err) {
        set({ managerNotice: { kind: 'error', text: errText(err, 'Could not cancel the download.') } });
      }
    },

    dismissPull(key) {
      set((s) => {
        const pulls = { ...s.pulls };
        delete pulls[key];
        return { pulls, pullOrder: s.pullOrder.filter((k) => k !== key) };
      });
    },

    async deleteModel(model) {
      try {
        await client.call('models.delete', { model: model.id });
        set((s) => ({
          installed: s.installed?.filter((m) => m.id !== model.id) ?? null,
          details: s.details?.model === model.id ? null : s.details,
          managerNotice: { kind: 'ok', text: `Deleted ${model.name}.` },
        }));
        void get().loadInstalled();
        void get().loadModels();
        return true;
      } catch (err) {
        set({ managerNotice: { kind: 'error', text: errText(err, `Could not delete ${model.name}.`) } });
        return false;
      }
    },

    async unloadModel(model) {
      try {
        await client.call('models.unload', { model: model.id });
        set((s) => ({
          running: s.running?.filter((m) => m.id !== model.id) ?? null,
          managerNotice: { kind: 'ok', text: `Unloaded ${model.name} from memory.` },
        }));
        void get().loadRunning();
      } catch (err) {
        set({ managerNotice: { kind: 'error', text: errText(err, `Could not unload ${model.name}.`) } });
      }
    },

    async showDetails({ id, name }) {
      set({ details: { model: id, name, data: null, error: null } });
      try {
        const data = await client.call('models.show', { model: id });
        if (get().details?.model === id) set({ details: { model: id, name, data, error: null } });
      } catch (err) {
        if (get().details?.model === id)
          set({
            details: { model: id, name, data: null, error: errText(err, `Could not read the details of ${name}.`) },
          });
      }
    },

    closeDetails() {
      set({ details: null });
    },

    onPullProgress(p) {
      let next = applyProgress(get().pulls[p.model], p);
      // Installed (a cancelled pull ends without an error but installed nothing): answer again, once.
      const installed = p.done && !p.error && !p.cancelled;
      const retry = installed ? next.retryMessageId : undefined;
      if (retry) next = { ...next, retryMessageId: undefined };
      set((s) => ({
        pulls: { ...s.pulls, [p.model]: next },
        pullOrder: s.pullOrder.includes(p.model) ? s.pullOrder : [p.model, ...s.pullOrder],
      }));
      if (installed) {
        void get().loadModels();
        get().onModelsChanged(next.providerId);
        if (retry) void get().regenerate(retry);
      }
    },

    onModelsChanged(providerId) {
      if (get().view === 'models' && providerId === get().managerServer && !get().installedLoading)
        void get().loadInstalled();
    },
  };
};

/** A resumed download starts from the bytes it already had, as Ollama does. */
function keepBytes(p: ManagedPull | undefined): Partial<ManagedPull> {
  if (!p || p.phase !== 'cancelled') return {};
  return { layers: p.layers, completed: p.completed, total: p.total };
}
