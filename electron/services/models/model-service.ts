/**
 * Models across providers: the combined, ordered model list with each backend's status, and the
 * Ollama model manager — installed models (with capabilities and a "fits this machine?" hint),
 * details, delete, running models, unload, and downloads with progress and cancel.
 *
 * Public: list, pull, pullCancel, installed, show, delete, running, unload.
 * Events: 'models.pullProgress' while a pull runs (the last one with done), 'models.changed' after a
 * pull or delete changed what a server has installed.
 */
import { snapshotStamp } from '../util/hlc';
import { freemem, totalmem } from 'node:os';
import type { InstalledModel, MachineMemory, ModelList, RunningModel } from '../../../shared/types/domain';
import { AppError } from '../../../shared/types/errors';
import { ollamaRef, withTag } from '../../../shared/model-id';
import type { GenerationManager } from '../chats/generation';
import type { EventHub } from '../events';
import { OllamaProvider, type OllamaShow } from '../providers/ollama-provider';
import type { SettingsService } from '../settings-service';
import { capabilitiesOf, contextLengthOf, detailsFromShow } from './model-details';
import { fitsHint, PullTracker, type PullPayload } from './pull-progress';

export interface ModelServiceOptions {
  /** Free and total memory of this machine (default: node:os). */
  memory?: () => MachineMemory;
  /** Least time between two byte updates of a pull. */
  progressIntervalMs?: number;
}

interface RunningPull {
  /** Every way callers named this download ('ollama/x:latest', 'x'…): events go out under each. */
  names: Set<string>;
  controller: AbortController;
  done: Promise<void>;
}

const SHOW_CACHE_MAX = 500;
/** Ollama reports "kept loaded" (keep_alive < 0) as a date centuries ahead. */
const FOREVER_MS = 50 * 365 * 24 * 3600 * 1000;

export class ModelService {
  private readonly pulls = new Map<string, RunningPull>();
  /** /api/show answers by server and manifest digest: the same digest is the same model. */
  private readonly showCache = new Map<string, OllamaShow>();
  private readonly memory: () => MachineMemory;

  constructor(
    private readonly settings: SettingsService,
    private readonly generation: GenerationManager,
    private readonly events: EventHub,
    private readonly options: ModelServiceOptions = {},
  ) {
    this.memory = options.memory ?? (() => ({ totalBytes: totalmem(), freeBytes: freemem() }));
  }

  async list(): Promise<ModelList> {
    const result: ModelList = { models: [], providers: [], asOf: snapshotStamp() };
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

  /** The Ollama server with this provider id (default: the primary one). */
  private server(providerId = 'ollama'): OllamaProvider {
    const p = this.settings.provider(providerId);
    if (!p) {
      const known = this.settings
        .providers()
        .filter((x) => x instanceof OllamaProvider)
        .map((x) => x.id);
      throw new AppError('not_found', `There is no Ollama server "${providerId}". Configured: ${known.join(', ')}.`);
    }
    if (!(p instanceof OllamaProvider)) {
      throw new AppError('invalid_input', `"${p.label}" is not an Ollama server; only Ollama models are managed here.`);
    }
    return p;
  }

  /** `provider/name` or a bare Ollama name (which may itself contain slashes, e.g. hf.co/user/repo). */
  private resolve(model: string): { server: OllamaProvider; name: string; key: string } {
    const { providerId, name } = ollamaRef(model, (id) => !!this.settings.provider(id));
    const server = this.server(providerId);
    return { server, name, key: `${server.id}/${withTag(name)}` };
  }

  /** Download a model (Ollama); progress goes out as 'models.pullProgress', the last one with done. */
  pull(model: string): { started: boolean } {
    const { server, name, key } = this.resolve(model);
    const running = this.pulls.get(key);
    if (running) {
      // Already downloading: this caller hears its progress too, under the name it used.
      running.names.add(model);
      return { started: false };
    }
    const controller = new AbortController();
    const tracker = new PullTracker({ intervalMs: this.options.progressIntervalMs });
    const entry: RunningPull = { names: new Set([model]), controller, done: Promise.resolve() };
    const emit = (p: PullPayload) => {
      for (const m of entry.names) this.events.emit('models.pullProgress', { model: m, ...p });
    };
    this.pulls.set(key, entry);
    entry.done = this.generation.runBackground(async (signal) => {
      const stop = AbortSignal.any([signal, controller.signal]);
      let final: PullPayload;
      try {
        await server.pull(
          name,
          (p) => {
            // "success" is sent once, as the final event below.
            if (p.status !== 'success') tracker.update(p).forEach(emit);
          },
          stop,
        );
        final = tracker.snapshot('success');
      } catch (err) {
        final = stop.aborted
          ? { ...tracker.snapshot('cancelled'), cancelled: true }
          : { ...tracker.snapshot('error'), error: err instanceof Error ? err.message : String(err) };
      }
      // Ended before anyone hears so: a listener may pull the same model again at once.
      this.pulls.delete(key);
      if (!final.error && !final.cancelled) this.events.emit('models.changed', { providerId: server.id });
      emit(final);
    });
    return { started: true };
  }

  /** Stop a running download; resolves once its final (cancelled) event has gone out. */
  async pullCancel(model: string): Promise<{ cancelled: boolean }> {
    const { key } = this.resolve(model);
    const entry = this.pulls.get(key);
    if (!entry) return { cancelled: false };
    entry.controller.abort();
    await entry.done;
    return { cancelled: true };
  }

  private async cachedShow(server: OllamaProvider, name: string, digest: string | undefined): Promise<OllamaShow> {
    const key = digest ? `${server.baseUrl}|${digest}` : null;
    const hit = key ? this.showCache.get(key) : undefined;
    if (hit) return hit;
    const show = await server.show(name);
    if (key) {
      if (this.showCache.size >= SHOW_CACHE_MAX) this.showCache.delete(this.showCache.keys().next().value!);
      this.showCache.set(key, show);
    }
    return show;
  }

  /** Installed models of one Ollama server with size, details, context window, capabilities and fits. */
  async installed(
    providerId?: string,
  ): Promise<{ providerId: string; models: InstalledModel[]; memory: MachineMemory; asOf: string }> {
    const asOf = snapshotStamp();
    const server = this.server(providerId);
    const tags = await server.tags();
    const memory = this.memory();
    const models: InstalledModel[] = new Array(tags.length);
    let next = 0;
    // /api/show per model, a few at a time; answers are cached by digest.
    const worker = async () => {
      for (let i = next++; i < tags.length; i = next++) {
        const m = tags[i]!;
        let show: OllamaShow | null = null;
        try {
          show = await this.cachedShow(server, m.name, m.digest);
        } catch {
          // Listed but not readable (removed meanwhile, an odd model): shown without the extras.
        }
        models[i] = {
          id: `${server.id}/${m.name}`,
          providerId: server.id,
          providerKind: 'ollama',
          providerLabel: server.label,
          name: m.name,
          sizeBytes: m.size,
          family: m.details?.family || undefined,
          parameterSize: m.details?.parameter_size || undefined,
          quantization: m.details?.quantization_level || undefined,
          modifiedAt: m.modified_at ? new Date(m.modified_at).getTime() || undefined : undefined,
          digest: m.digest,
          contextLength: show ? contextLengthOf(show) : undefined,
          capabilities: show ? capabilitiesOf(show) : [],
          fits: fitsHint(m.size, memory.freeBytes),
        };
      }
    };
    await Promise.all(Array.from({ length: Math.min(4, tags.length) }, worker));
    models.sort((a, b) => a.name.localeCompare(b.name));
    return { providerId: server.id, models, memory, asOf };
  }

  async show(model: string) {
    const { server, name } = this.resolve(model);
    return detailsFromShow(server.id, name, await server.show(name));
  }

  async delete(model: string): Promise<{ deleted: boolean }> {
    const { server, name } = this.resolve(model);
    await server.deleteModel(name);
    this.events.emit('models.changed', { providerId: server.id });
    return { deleted: true };
  }

  async running(providerId?: string): Promise<{ providerId: string; models: RunningModel[]; asOf: string }> {
    const asOf = snapshotStamp();
    const server = this.server(providerId);
    const now = Date.now();
    const models = (await server.running()).map((m): RunningModel => {
      const expires = m.expires_at ? new Date(m.expires_at).getTime() : NaN;
      return {
        id: `${server.id}/${m.name}`,
        providerId: server.id,
        name: m.name,
        sizeBytes: m.size,
        vramBytes: m.size_vram ?? 0,
        expiresAt: Number.isFinite(expires) && expires - now < FOREVER_MS ? expires : null,
        contextLength: m.context_length || undefined,
      };
    });
    return { providerId: server.id, models, asOf };
  }

  async unload(model: string): Promise<{ unloaded: boolean }> {
    const { server, name } = this.resolve(model);
    await server.unload(name);
    return { unloaded: true };
  }
}
