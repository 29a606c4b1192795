/** Stored settings + environment + flags → the effective configuration and the providers it implies. */
import type { OllamaMode, SettingsView } from '../../shared/types/domain';
import type { MethodParsedInput } from '../../shared/contract';
import { AppError } from '../../shared/types/errors';
import { normaliseBaseUrl, resolveConfig, type Flags, type ResolvedConfig, type StoredSettings } from './config/config';
import { OllamaProvider } from './providers/ollama-provider';
import { OpenAiProvider } from './providers/openai-provider';
import type { FetchLike, Provider } from './providers/provider';
import type { SecretBox } from './secrets/secret-box';
import type { SettingsRepo } from './store/settings-repo';

const KEYS = ['ollamaBaseUrl', 'openaiBaseUrl', 'openaiApiKey', 'defaultModel', 'theme'] as const;

/** An extra OpenAI-compatible endpoint as stored: its key encrypted (`enc:v1:…`), never plaintext. */
export interface StoredEndpoint {
  id: string;
  label: string;
  baseUrl: string;
  apiKey: string | null;
}

/** An extra Ollama server as stored. */
export interface StoredOllamaServer {
  id: string;
  label: string;
  baseUrl: string;
}

/** `<prefix>-<slug of the label>`, unique among `taken` (ids are what model ids start with). */
export function endpointId(label: string, taken: Set<string>, prefix = 'oai'): string {
  const slug =
    label
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 24)
      .replace(/-+$/, '') || 'endpoint';
  let id = `${prefix}-${slug}`;
  for (let n = 2; taken.has(id); n++) id = `${prefix}-${slug}-${n}`;
  return id;
}

export class SettingsService {
  private cachedProviders: Provider[] | null = null;
  /** Where the primary Ollama actually is when Hearth runs it (the bundled server's port). */
  private runtimeOllamaUrl: string | null = null;

  constructor(
    private readonly repo: SettingsRepo,
    private readonly secrets: SecretBox,
    private readonly flags: Flags,
    private readonly env: Record<string, string | undefined>,
    private readonly opts: {
      fetch?: FetchLike;
      /**
       * The desktop app: the bundled Ollama's program may be chosen in its native file dialog and is
       * stored. Elsewhere (serve, CLI) only --ollama-path / HEARTH_OLLAMA_PATH name it, and a stored
       * path (written by a desktop app sharing the data folder, or by an older Hearth) is not run.
       */
      ollamaPathChooser?: boolean;
    } = {},
  ) {}

  private get fetchImpl(): FetchLike | undefined {
    return this.opts.fetch;
  }

  stored(): StoredSettings {
    const all = this.repo.all();
    const s: StoredSettings = {};
    for (const k of KEYS) if (all[k] !== undefined) (s as Record<string, unknown>)[k] = all[k];
    return s;
  }

  config(): ResolvedConfig {
    return resolveConfig(this.flags, this.env, this.stored());
  }

  view(): SettingsView {
    const c = this.config();
    const locked: SettingsView['locked'] = {};
    for (const k of ['ollamaBaseUrl', 'openaiBaseUrl', 'openaiApiKey'] as const) {
      const src = c[k].source;
      if (src === 'flag' || src === 'env') locked[k] = src;
    }
    const mainKeyReadable = c.openaiApiKey.source !== 'settings' || this.readable(c.openaiApiKey.value);
    if (this.flags.ollamaPath?.trim()) locked.ollamaPath = 'flag';
    else if (this.env.HEARTH_OLLAMA_PATH?.trim()) locked.ollamaPath = 'env';
    return {
      ollamaBaseUrl: c.ollamaBaseUrl.value,
      openaiBaseUrl: c.openaiBaseUrl.value,
      // A key that no longer decrypts is reported as unreadable, not as set, so the UI asks for it again.
      openaiApiKeySet: !!c.openaiApiKey.value && mainKeyReadable,
      openaiApiKeyUnreadable: !mainKeyReadable,
      defaultModel: c.defaultModel.value,
      theme: c.theme.value,
      openaiEndpoints: this.endpoints().map((e) => ({
        id: e.id,
        label: e.label,
        baseUrl: e.baseUrl,
        apiKeySet: !!e.apiKey && this.readable(e.apiKey),
        apiKeyUnreadable: !this.readable(e.apiKey),
      })),
      autoTitle: this.autoTitle(),
      ollamaMode: this.ollamaMode(),
      ollamaPath: this.ollamaPath(),
      ollamaPathChooser: !!this.opts.ollamaPathChooser,
      ollamaModelsDir: this.repo.get<string>('ollamaModelsDir') ?? null,
      ollamaServers: this.ollamaServers(),
      locked,
    };
  }

  /** False when a stored (encrypted) key no longer decrypts: the secret key changed since it was saved. */
  private readable(stored: string | null): boolean {
    if (!stored) return true;
    try {
      this.secrets.decrypt(stored);
      return true;
    } catch {
      return false;
    }
  }

  update(patch: MethodParsedInput<'settings.update'>): SettingsView {
    this.repo.transaction(() => this.write(patch));
    this.cachedProviders = null;
    return this.view();
  }

  private write(patch: MethodParsedInput<'settings.update'>): void {
    const locked = this.view().locked;
    for (const k of ['ollamaBaseUrl', 'openaiBaseUrl', 'openaiApiKey', 'ollamaPath'] as const) {
      if (patch[k] !== undefined && locked[k]) {
        throw new AppError(
          'conflict',
          `${k} is set by ${locked[k] === 'env' ? 'an environment variable' : 'a command-line flag'}, which takes precedence; change it there.`,
        );
      }
    }
    if (patch.ollamaBaseUrl !== undefined) this.repo.set('ollamaBaseUrl', patch.ollamaBaseUrl);
    if (patch.openaiBaseUrl !== undefined) this.repo.set('openaiBaseUrl', patch.openaiBaseUrl || null);
    if (patch.openaiApiKey !== undefined) {
      this.repo.set('openaiApiKey', patch.openaiApiKey ? this.secrets.encrypt(patch.openaiApiKey) : null);
    }
    if (patch.defaultModel !== undefined) this.repo.set('defaultModel', patch.defaultModel);
    if (patch.theme !== undefined) this.repo.set('theme', patch.theme);
    if (patch.autoTitle !== undefined) this.repo.set('autoTitle', patch.autoTitle);
    if (patch.openaiEndpoints !== undefined)
      this.repo.set('openaiEndpoints', this.mergeEndpoints(patch.openaiEndpoints));
    if (patch.ollamaMode !== undefined) this.repo.set('ollamaMode', patch.ollamaMode);
    if (patch.ollamaPath === null) this.repo.set('ollamaPath', null);
    if (patch.ollamaModelsDir !== undefined) this.repo.set('ollamaModelsDir', patch.ollamaModelsDir);
    if (patch.ollamaServers !== undefined) {
      const old = new Set(this.ollamaServers().map((e) => e.id));
      const taken = new Set<string>(['ollama', 'openai', ...this.endpoints().map((e) => e.id)]);
      for (const e of patch.ollamaServers) if (e.id && old.has(e.id)) taken.add(e.id);
      const next = patch.ollamaServers.map((e) => {
        const id = e.id && old.has(e.id) ? e.id : endpointId(e.label, taken, 'ollama');
        taken.add(id);
        return { id, label: e.label, baseUrl: normaliseBaseUrl(e.baseUrl).replace(/\/api$/i, '') };
      });
      this.repo.set('ollamaServers', next);
    }
  }

  ollamaMode(): OllamaMode {
    const m = this.repo.get<OllamaMode>('ollamaMode');
    return m === 'external' || m === 'bundled' ? m : 'auto';
  }

  /**
   * The bundled Ollama's program: --ollama-path, else HEARTH_OLLAMA_PATH, else (desktop only) the one
   * chosen in the file dialog, else null (the executable shipped with Hearth).
   */
  ollamaPath(): string | null {
    return (
      this.flags.ollamaPath?.trim() ||
      this.env.HEARTH_OLLAMA_PATH?.trim() ||
      (this.opts.ollamaPathChooser ? this.repo.get<string>('ollamaPath') : null) ||
      null
    );
  }

  /** Store the program the user picked in the desktop app's file dialog (never a path from a caller). */
  setChosenOllamaPath(path: string): void {
    if (!this.opts.ollamaPathChooser) {
      throw new AppError('unauthorized', 'Only the desktop app chooses the Ollama program (in a file dialog).');
    }
    this.repo.set('ollamaPath', path);
    this.cachedProviders = null;
  }

  ollamaModelsDir(): string | null {
    return this.repo.get<string>('ollamaModelsDir') || null;
  }

  ollamaServers(): StoredOllamaServer[] {
    const list = this.repo.get<StoredOllamaServer[]>('ollamaServers');
    return Array.isArray(list)
      ? list.filter((e) => e && typeof e.id === 'string' && typeof e.baseUrl === 'string')
      : [];
  }

  /** The runtime manager says where the primary Ollama is (the bundled server's URL), or null for the configured one. */
  setRuntimeOllamaUrl(url: string | null): void {
    if (url === this.runtimeOllamaUrl) return;
    this.runtimeOllamaUrl = url;
    this.cachedProviders = null;
  }

  /** The primary Ollama's URL as chats use it: the bundled server when it runs, else the configured one. */
  primaryOllamaUrl(): string {
    return this.runtimeOllamaUrl ?? this.config().ollamaBaseUrl.value;
  }

  /** Give chats a model-written title after the first answer (default on). */
  autoTitle(): boolean {
    return this.repo.get<boolean>('autoTitle') ?? true;
  }

  endpoints(): StoredEndpoint[] {
    const list = this.repo.get<StoredEndpoint[]>('openaiEndpoints');
    return Array.isArray(list)
      ? list.filter((e) => e && typeof e.id === 'string' && typeof e.baseUrl === 'string')
      : [];
  }

  /** The new list replaces the old; a missing apiKey keeps the stored one, null removes it. */
  private mergeEndpoints(next: NonNullable<MethodParsedInput<'settings.update'>['openaiEndpoints']>): StoredEndpoint[] {
    const old = new Map(this.endpoints().map((e) => [e.id, e]));
    const taken = new Set<string>(['ollama', 'openai']);
    for (const e of next) if (e.id && old.has(e.id)) taken.add(e.id);
    return next.map((e) => {
      const before = e.id ? old.get(e.id) : undefined;
      const id = before ? before.id : endpointId(e.label, taken);
      taken.add(id);
      let apiKey = before?.apiKey ?? null;
      if (e.apiKey === null) apiKey = null;
      else if (e.apiKey) apiKey = this.secrets.encrypt(e.apiKey);
      return { id, label: e.label, baseUrl: normaliseBaseUrl(e.baseUrl), apiKey };
    });
  }

  /** The plaintext API key, decrypted only when a request needs it. */
  private openAiKey(c: ResolvedConfig): string | null {
    const v = c.openaiApiKey;
    if (!v.value) return null;
    return v.source === 'settings' ? this.secrets.decrypt(v.value) : v.value;
  }

  providers(): Provider[] {
    if (this.cachedProviders) return this.cachedProviders;
    const c = this.config();
    const list: Provider[] = [new OllamaProvider({ baseUrl: this.primaryOllamaUrl(), fetch: this.fetchImpl })];
    for (const o of this.ollamaServers()) {
      list.push(new OllamaProvider({ id: o.id, label: o.label, baseUrl: o.baseUrl, fetch: this.fetchImpl }));
    }
    if (c.openaiBaseUrl.value) {
      // A key that no longer decrypts breaks this provider only, never the Ollama models beside it.
      let apiKey: string | null = null;
      let keyError: AppError | undefined;
      try {
        apiKey = this.openAiKey(c);
      } catch (err) {
        keyError = err instanceof AppError ? err : new AppError('internal', String(err));
      }
      list.push(new OpenAiProvider({ baseUrl: c.openaiBaseUrl.value, apiKey, keyError, fetch: this.fetchImpl }));
    }
    for (const e of this.endpoints()) {
      let apiKey: string | null = null;
      let keyError: AppError | undefined;
      try {
        apiKey = e.apiKey ? this.secrets.decrypt(e.apiKey) : null;
      } catch (err) {
        keyError = err instanceof AppError ? err : new AppError('internal', String(err));
      }
      list.push(
        new OpenAiProvider({ id: e.id, label: e.label, baseUrl: e.baseUrl, apiKey, keyError, fetch: this.fetchImpl }),
      );
    }
    this.cachedProviders = list;
    return list;
  }

  provider(id: string): Provider | undefined {
    return this.providers().find((p) => p.id === id);
  }
}
