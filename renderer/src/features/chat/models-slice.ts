/** Models from every provider, which backends answer, and the model picked for the next message. */
import type { StateCreator } from 'zustand';
import type { ModelInfo, ProviderStatus } from '../../../../shared/types/domain';
import { LatestReply } from '../../../../shared/versioned';
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

export const createModelsSlice: StateCreator<AppState, [], [], ModelsSlice> = (set, get) => {
  // Only the newest list counts: an older, slower answer may predate a server coming up.
  const latest = new LatestReply();
  return {
    models: [],
    providers: [],
    modelsLoading: false,
    modelsError: null,
    selectedModel: null,

    async loadModels() {
      set({ modelsLoading: true, modelsError: null });
      try {
        const { models, providers, asOf } = await client.call('models.list', {});
        if (!latest.take(asOf)) return;
        const current = get().selectedModel;
        const preferred = get().settings?.defaultModel ?? null;
        const pick =
          (current && models.some((m) => m.id === current) && current) ||
          (preferred && models.some((m) => m.id === preferred) && preferred) ||
          models[0]?.id ||
          current;
        set({ models, providers, selectedModel: pick ?? null, modelsLoading: false });
      } catch (err) {
        set({ modelsLoading: false, modelsError: (err as Error).message });
      }
    },

    selectModel(id, remember = true) {
      set({ selectedModel: id });
      if (remember) void get().updateSettings({ defaultModel: id }, { quiet: true });
    },
  };
};
