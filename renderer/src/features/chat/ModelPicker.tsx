import { useMemo } from 'react';
import { useAppStore } from '../../app/store';
import type { ModelInfo } from '../../../../shared/types/domain';

export function ModelPicker() {
  const models = useAppStore((s) => s.models);
  const selected = useAppStore((s) => s.selectedModel);
  const loading = useAppStore((s) => s.modelsLoading);
  const { selectModel, loadModels } = useAppStore.getState();
  const groups = useMemo(() => {
    const map = new Map<string, ModelInfo[]>();
    for (const m of models) {
      const list = map.get(m.providerLabel) ?? [];
      list.push(m);
      map.set(m.providerLabel, list);
    }
    return [...map.entries()];
  }, [models]);
  const selectedMissing = selected && !models.some((m) => m.id === selected);

  return (
    <div className="model-picker">
      <label htmlFor="model-select" className="sr-only">
        Model
      </label>
      <select
        id="model-select"
        aria-label="Model"
        value={selected ?? ''}
        onChange={(e) => selectModel(e.target.value)}
        onFocus={() => {
          if (models.length === 0 && !loading) void loadModels();
        }}
      >
        {models.length === 0 && !selected && <option value="">{loading ? 'Loading models…' : 'No models'}</option>}
        {selectedMissing && <option value={selected}>{selected} (unavailable)</option>}
        {groups.map(([label, list]) => (
          <optgroup key={label} label={label}>
            {list.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
                {m.parameterSize ? ` · ${m.parameterSize}` : ''}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </div>
  );
}
