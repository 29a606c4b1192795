/**
 * Which model the quick prompt uses and how the keyboard moves between them.
 *
 *   defaultQuickModel(models, quickPromptModel, defaultModel)   Settings → Desktop's quick prompt
 *                                                               model, else the default model, else the first
 *   cycleModel(models, current, step)                           Alt+↑/↓: the previous/next one, wrapping
 *   filterModels(models, query)                                 the switcher's filter (every word must match)
 *   noModelText(list)                                           why there is nothing to ask, in plain words
 */
import type { ModelInfo, ModelList } from '../../../../shared/types/domain';

/** The listed model a setting names: by id (`ollama/llama3.2`) or, for a bare name, by name. */
export function findModel(models: ModelInfo[], ref: string | null | undefined): ModelInfo | null {
  if (!ref) return null;
  return models.find((m) => m.id === ref) ?? models.find((m) => m.name === ref) ?? null;
}

export function defaultQuickModel(
  models: ModelInfo[],
  quickPromptModel: string | null | undefined,
  defaultModel: string | null | undefined,
): string | null {
  return (findModel(models, quickPromptModel) ?? findModel(models, defaultModel) ?? models[0] ?? null)?.id ?? null;
}

export function cycleModel(models: ModelInfo[], current: string | null, step: 1 | -1): string | null {
  if (!models.length) return current;
  const i = models.findIndex((m) => m.id === current);
  if (i < 0) return models[step === 1 ? 0 : models.length - 1]!.id;
  return models[(i + step + models.length) % models.length]!.id;
}

export function filterModels(models: ModelInfo[], query: string): ModelInfo[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return models;
  return models.filter((m) => {
    const hay = `${m.name} ${m.providerLabel} ${m.parameterSize ?? ''} ${m.family ?? ''}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/** The model's short label: its name, and its provider when several are listed. */
export function modelLabel(models: ModelInfo[], id: string | null): string {
  if (!id) return 'No model';
  const m = models.find((x) => x.id === id);
  if (!m) return id;
  const providers = new Set(models.map((x) => x.providerId));
  return providers.size > 1 ? `${m.name} · ${m.providerLabel}` : m.name;
}

/** Why no model can be asked, in plain words; null when there is one. */
export function noModelText(list: Pick<ModelList, 'models' | 'providers'>): string | null {
  if (list.models.length) return null;
  const down = list.providers.filter((p) => !p.ok);
  if (down.length && down.length === list.providers.length) {
    const p = down[0]!;
    return (
      `${p.label} is not answering at ${p.baseUrl}${p.error ? ` (${p.error})` : ''}. ` +
      'Start it, or set its address in Hearth’s Settings, then try again.'
    );
  }
  return (
    'No model is installed yet. Download one in Hearth’s main window (Models, Ctrl+Shift+M), ' +
    'or run `ollama pull llama3.2` in a terminal, then try again.'
  );
}
