/** The <option>s of a model picker in Settings: every model, and the chosen one even when no backend lists it now. */
import type { ModelInfo } from '../../../../shared/types/domain';

export function ModelOptions({ models, current }: { models: readonly ModelInfo[]; current: string }) {
  return (
    <>
      {current && !models.some((m) => m.id === current) && <option value={current}>{current}</option>}
      {models.map((m) => (
        <option key={m.id} value={m.id}>
          {m.providerLabel}: {m.name}
        </option>
      ))}
    </>
  );
}
