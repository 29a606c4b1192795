/**
 * The configured image backends: those the user added (stored in settings, secrets encrypted) and
 * those the environment names (AUTOMATIC1111_BASE_URL, COMFYUI_BASE_URL: shown, not editable).
 * Hands out a client for each. ComfyUI backends carry the user's imported workflows.
 *
 * Public: list, config, save, remove, saveWorkflow, removeWorkflow, workflow, client.
 */
import { randomBytes } from 'node:crypto';
import type { ComfyMapping, ComfyWorkflow, ImageBackendKind, ImageBackendView } from '../../../shared/types/images';
import { AppError } from '../../../shared/types/errors';
import type { SecretBox } from '../secrets/secret-box';
import type { SettingsRepo } from '../store/settings-repo';
import type { ImageBackendClient, ImageBackendConfig, ImageClientDeps } from './backend';

const KEY = 'imageBackends';

interface StoredBackend {
  id: string;
  kind: ImageBackendKind;
  label: string;
  baseUrl: string;
  username: string | null;
  /** Encrypted (SecretBox). */
  password: string | null;
  apiKey: string | null;
  workflows: ComfyWorkflow[];
}

export interface ResolvedBackend extends ImageBackendConfig {
  kind: ImageBackendKind;
  workflows: ComfyWorkflow[];
  fromEnv: boolean;
}

export interface SaveBackendInput {
  id?: string;
  kind: ImageBackendKind;
  label: string;
  baseUrl: string;
  username?: string | null;
  password?: string | null;
  apiKey?: string | null;
}

export type ClientFactory = (
  kind: ImageBackendKind,
  config: ImageBackendConfig,
  deps: ImageClientDeps,
) => ImageBackendClient;

const trimSlash = (url: string) => url.trim().replace(/\/+$/, '');

export class ImageBackends {
  constructor(
    private readonly settings: SettingsRepo,
    private readonly secrets: SecretBox,
    private readonly env: Record<string, string | undefined>,
    private readonly makeClient: ClientFactory,
    private readonly clientDeps: ImageClientDeps = {},
  ) {}

  private stored(): StoredBackend[] {
    const raw = this.settings.get<StoredBackend[]>(KEY);
    return Array.isArray(raw) ? raw.filter((b) => b && typeof b.id === 'string') : [];
  }

  private envBackends(): StoredBackend[] {
    const out: StoredBackend[] = [];
    const a1111 = this.env.AUTOMATIC1111_BASE_URL?.trim();
    if (a1111) {
      const auth = this.env.AUTOMATIC1111_API_AUTH?.trim();
      const [user, ...pass] = auth ? auth.split(':') : [];
      out.push({
        id: 'env-a1111',
        kind: 'a1111',
        label: 'AUTOMATIC1111',
        baseUrl: trimSlash(a1111),
        username: user ?? null,
        password: pass.length ? pass.join(':') : null,
        apiKey: null,
        workflows: [],
      });
    }
    const comfy = this.env.COMFYUI_BASE_URL?.trim();
    if (comfy) {
      const workflows = this.stored().find((b) => b.id === 'env-comfyui')?.workflows ?? [];
      out.push({
        id: 'env-comfyui',
        kind: 'comfyui',
        label: 'ComfyUI',
        baseUrl: trimSlash(comfy),
        username: null,
        password: null,
        apiKey: null,
        workflows,
      });
    }
    return out;
  }

  /** Environment backends first, then the user's; an env backend's stored entry only keeps its workflows. */
  private all(): { b: StoredBackend; fromEnv: boolean }[] {
    const env = this.envBackends();
    const envIds = new Set(env.map((b) => b.id));
    return [
      ...env.map((b) => ({ b, fromEnv: true })),
      ...this.stored()
        .filter((b) => !envIds.has(b.id) && !b.id.startsWith('env-'))
        .map((b) => ({ b, fromEnv: false })),
    ];
  }

  private open(secret: string | null, fromEnv: boolean): { value: string | null; unreadable: boolean } {
    if (!secret) return { value: null, unreadable: false };
    if (fromEnv) return { value: secret, unreadable: false };
    try {
      return { value: this.secrets.decrypt(secret), unreadable: false };
    } catch {
      return { value: null, unreadable: true };
    }
  }

  list(): ImageBackendView[] {
    return this.all().map(({ b, fromEnv }) => this.view(b, fromEnv));
  }

  private view(b: StoredBackend, fromEnv: boolean): ImageBackendView {
    const password = this.open(b.password, fromEnv);
    const apiKey = this.open(b.apiKey, fromEnv);
    return {
      id: b.id,
      kind: b.kind,
      label: b.label,
      baseUrl: b.baseUrl,
      username: b.username,
      passwordSet: !!password.value,
      apiKeySet: b.kind === 'openai' ? !!apiKey.value || !!this.env.OPENAI_API_KEY?.trim() : false,
      secretUnreadable: password.unreadable || apiKey.unreadable,
      fromEnv,
      workflows: b.workflows ?? [],
    };
  }

  config(id: string): ResolvedBackend {
    const found = this.all().find((e) => e.b.id === id);
    if (!found) throw new AppError('not_found', 'That image backend is not configured (it may have been removed).');
    const { b, fromEnv } = found;
    const password = this.open(b.password, fromEnv);
    const apiKey = this.open(b.apiKey, fromEnv);
    if (password.unreadable || apiKey.unreadable) {
      throw new AppError(
        'invalid_input',
        `The password or key stored for ${b.label} cannot be read (Hearth's secret key changed). Enter it again in Settings → Image generation.`,
      );
    }
    return {
      id: b.id,
      kind: b.kind,
      label: b.label,
      baseUrl: b.baseUrl,
      username: b.username,
      password: password.value,
      apiKey: apiKey.value ?? (b.kind === 'openai' ? (this.env.OPENAI_API_KEY?.trim() ?? null) : null),
      workflows: b.workflows ?? [],
      fromEnv,
    };
  }

  client(id: string): { backend: ResolvedBackend; client: ImageBackendClient } {
    const backend = this.config(id);
    return { backend, client: this.makeClient(backend.kind, backend, this.clientDeps) };
  }

  save(input: SaveBackendInput): ImageBackendView {
    const list = this.stored();
    if (input.id?.startsWith('env-'))
      throw new AppError('invalid_input', 'This backend comes from the environment; change it there.');
    const existing = input.id ? list.find((b) => b.id === input.id) : undefined;
    if (input.id && !existing) throw new AppError('not_found', 'That image backend is not configured.');
    if (existing && existing.kind !== input.kind)
      throw new AppError('invalid_input', 'A backend keeps its kind; add a new one for another kind.');
    const seal = (v: string | null | undefined, kept: string | null) =>
      v === undefined ? kept : v === null || v === '' ? null : this.secrets.encrypt(v);
    const next: StoredBackend = {
      id: existing?.id ?? `${input.kind}-${randomBytes(4).toString('hex')}`,
      kind: input.kind,
      label: input.label.trim(),
      baseUrl: trimSlash(input.baseUrl),
      username: input.kind === 'a1111' ? input.username?.trim() || null : null,
      password: input.kind === 'a1111' ? seal(input.password, existing?.password ?? null) : null,
      apiKey: input.kind === 'openai' ? seal(input.apiKey, existing?.apiKey ?? null) : null,
      workflows: existing?.workflows ?? [],
    };
    this.settings.set(KEY, existing ? list.map((b) => (b.id === next.id ? next : b)) : [...list, next]);
    return this.view(next, false);
  }

  remove(id: string): void {
    if (id.startsWith('env-'))
      throw new AppError('invalid_input', 'This backend comes from the environment; unset the variable to remove it.');
    const list = this.stored();
    if (!list.some((b) => b.id === id)) throw new AppError('not_found', 'That image backend is not configured.');
    this.settings.set(
      KEY,
      list.filter((b) => b.id !== id),
    );
  }

  saveWorkflow(
    backendId: string,
    w: { id?: string; name: string; workflow: ComfyWorkflow['workflow']; mapping: ComfyMapping },
  ): ImageBackendView {
    const found = this.all().find((e) => e.b.id === backendId);
    if (!found) throw new AppError('not_found', 'That image backend is not configured.');
    if (found.b.kind !== 'comfyui') throw new AppError('invalid_input', 'Workflows belong to ComfyUI backends.');
    const workflow: ComfyWorkflow = {
      id: w.id ?? `wf-${randomBytes(4).toString('hex')}`,
      name: w.name.trim(),
      workflow: w.workflow,
      mapping: w.mapping,
    };
    const workflows = [...(found.b.workflows ?? []).filter((x) => x.id !== workflow.id), workflow];
    this.storeWorkflows(found.b, workflows);
    return this.view({ ...found.b, workflows }, found.fromEnv);
  }

  removeWorkflow(backendId: string, id: string): ImageBackendView {
    const found = this.all().find((e) => e.b.id === backendId);
    if (!found) throw new AppError('not_found', 'That image backend is not configured.');
    const workflows = (found.b.workflows ?? []).filter((x) => x.id !== id);
    this.storeWorkflows(found.b, workflows);
    return this.view({ ...found.b, workflows }, found.fromEnv);
  }

  /** An env backend's workflows are kept in a stored entry under its id (nothing else of it is used). */
  private storeWorkflows(b: StoredBackend, workflows: ComfyWorkflow[]): void {
    const list = this.stored();
    const entry = list.find((x) => x.id === b.id);
    const next = entry
      ? list.map((x) => (x.id === b.id ? { ...x, workflows } : x))
      : [...list, { ...b, password: null, apiKey: null, workflows }];
    this.settings.set(KEY, next);
  }
}
