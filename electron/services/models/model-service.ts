/**
 * Models across providers: the combined, ordered model list with each backend's status, and
 * downloads (Ollama pulls) reported as 'models.pullProgress' events.
 */
import type { ModelList } from '../../../shared/types/domain';
import { AppError } from '../../../shared/types/errors';
import type { GenerationManager } from '../chats/generation';
import type { EventHub } from '../events';
import { splitModelId } from '../providers/provider';
import type { SettingsService } from '../settings-service';

export class ModelService {
  private readonly pulling = new Set<string>();

  constructor(
    private readonly settings: SettingsService,
    private readonly generation: GenerationManager,
    private readonly events: EventHub,
  ) {}

  async list(): Promise<ModelList> {
    const result: ModelList = { models: [], providers: [] };
    await Promise.all(
      this.settings.providers().map(async (p) => {
        try {
          const models = await p.listModels();
          result.models.push(...models);
          result.providers.push({
            providerId: p.id,
            kind: p.kind,
            label: p.label,
            baseUrl: p.baseUrl,
            ok: true,
            models: models.length,
          });
        } catch (err) {
          result.providers.push({
            providerId: p.id,
            kind: p.kind,
            label: p.label,
            baseUrl: p.baseUrl,
            ok: false,
            models: 0,
            error: err instanceof Error ? err.message : String(err),
          });
        }
      }),
    );
    const order = new Map(this.settings.providers().map((p, i) => [p.id, i]));
    result.providers.sort((a, b) => order.get(a.providerId)! - order.get(b.providerId)!);
    result.models.sort((a, b) => order.get(a.providerId)! - order.get(b.providerId)! || a.name.localeCompare(b.name));
    return result;
  }

  /** Download a model through its provider (Ollama); progress goes out as 'models.pullProgress'. */
  pull(model: string): { started: boolean } {
    const ref = splitModelId(model);
    const provider =
      (ref && this.settings.provider(ref.providerId)) || this.settings.providers().find((p) => p.kind === 'ollama');
    const name = ref && this.settings.provider(ref.providerId) ? ref.model : model;
    if (!provider?.pull) {
      throw new AppError(
        'invalid_input',
        `Models can only be downloaded from Ollama; "${model}" is not an Ollama model.`,
      );
    }
    const pull = provider.pull.bind(provider);
    if (this.pulling.has(model)) return { started: false };
    this.pulling.add(model);
    void this.generation.runBackground(async (signal) => {
      let last = 0;
      try {
        await pull(
          name,
          (p) => {
            // Ollama reports every few KB; a few updates a second are plenty for a progress bar.
            const now = Date.now();
            if (now - last < 100 && p.completed !== p.total) return;
            last = now;
            this.events.emit('models.pullProgress', {
              model,
              status: p.status,
              completed: p.completed,
              total: p.total,
              done: false,
            });
          },
          signal,
        );
        this.events.emit('models.pullProgress', { model, status: 'success', done: true });
      } catch (err) {
        this.events.emit('models.pullProgress', {
          model,
          status: 'error',
          done: true,
          error: err instanceof Error ? err.message : String(err),
        });
      } finally {
        this.pulling.delete(model);
      }
    });
    return { started: true };
  }
}
