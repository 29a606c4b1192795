/** Models from every provider, which backends answer, and the model picked for the next message. */
import type { StateCreator } from 'zustand';
import type { ModelInfo, ProviderStatus } from '../../../../shared/types/domain';
import { client } from '../../client';
import type { AppState } from '../../app/store';

export interface ModelsSlice {
  models: ModelInfo[];
  providers: ProviderStatus[];
  modelsLoading: boolean;
  modelsError: string | null;
  selectedModel: string | null;
  loadModels(): Promise<void>;
  selectModel(id: string, remember?: boolean): void;
}

/** Numbers models.list calls, so an answer that arrives after a newer call's is dropped. */
let modelsCall = 0;

export const createModelsSlice: StateCreator<AppState, [], [], ModelsSlice> = (set, get) => ({
  models: [],
  providers: [],
  modelsLoading: false,
  modelsError: null,
  selectedModel: null,

  async loadModels() {
    const call = ++modelsCall;
    set({ modelsLoading: true, modelsError: null });
    try {
      const { models, providers } = await client.call('models.list', {});
      // Only the newest call's answer counts: an older, slower one may predate a server coming up.
      if (call !== modelsCall) return;
      const current = get().selectedModel;
      const preferred = get().settings?.defaultModel ?? null;
      const pick =
        (current && models.some((m) => m.id === current) && current) ||
        (preferred && models.some((m) => m.id === preferred) && preferred) ||
        models[0]?.id ||
        current;
      set({ models, providers, selectedModel: pick ?? null, modelsLoading: false });
    } catch (err) {
      if (call === modelsCall) set({ modelsLoading: false, modelsError: (err as Error).message });
    }
  },

  selectModel(id, remember = true) {
    set({ selectedModel: id });
    if (remember) void get().updateSettings({ defaultModel: id }, { quiet: true });
  },
});
