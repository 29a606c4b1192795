/**
 * The image backend form, the pure part: a draft per kind with sensible defaults, switching kind
 * (defaults follow unless the user typed their own), and the draft checked and turned into
 * images.saveBackend's input. Secrets are write-only: a blank field keeps the stored one.
 */
import type { MethodInput } from '../../../../../shared/contract';
import type { ImageBackendKind, ImageBackendView } from '../../../../../shared/types/images';

export const BACKEND_KINDS: ImageBackendKind[] = ['a1111', 'comfyui', 'openai'];

export const DEFAULT_URL: Record<ImageBackendKind, string> = {
  a1111: 'http://127.0.0.1:7860',
  comfyui: 'http://127.0.0.1:8188',
  openai: 'https://api.openai.com/v1',
};

export const DEFAULT_LABEL: Record<ImageBackendKind, string> = {
  a1111: 'AUTOMATIC1111',
  comfyui: 'ComfyUI',
  openai: 'OpenAI Images',
};

/** The environment variable a backend from the environment comes from. */
export const ENV_NAME: Record<ImageBackendKind, string> = {
  a1111: 'AUTOMATIC1111_BASE_URL',
  comfyui: 'COMFYUI_BASE_URL',
  openai: 'OPENAI_API_KEY',
};

export interface BackendDraft {
  /** Set when editing a stored backend. */
  id?: string;
  kind: ImageBackendKind;
  label: string;
  baseUrl: string;
  /** AUTOMATIC1111 --api-auth. */
  username: string;
  /** Blank keeps the stored password. */
  password: string;
  /** OpenAI. Blank keeps the stored key. */
  apiKey: string;
}

export function newDraft(kind: ImageBackendKind = 'a1111'): BackendDraft {
  return { kind, label: DEFAULT_LABEL[kind], baseUrl: DEFAULT_URL[kind], username: '', password: '', apiKey: '' };
}

export function draftFor(b: ImageBackendView): BackendDraft {
  return {
    id: b.id,
    kind: b.kind,
    label: b.label,
    baseUrl: b.baseUrl,
    username: b.username ?? '',
    password: '',
    apiKey: '',
  };
}

/** Another kind: the name and URL follow its defaults unless the user typed their own. */
export function withKind(d: BackendDraft, kind: ImageBackendKind): BackendDraft {
  const label = !d.label.trim() || d.label === DEFAULT_LABEL[d.kind] ? DEFAULT_LABEL[kind] : d.label;
  const baseUrl = !d.baseUrl.trim() || d.baseUrl === DEFAULT_URL[d.kind] ? DEFAULT_URL[kind] : d.baseUrl;
  return { ...d, kind, label, baseUrl };
}

export type SaveBackendInput = MethodInput<'images.saveBackend'>;

function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * The draft as images.saveBackend takes it, or what to fix, in words. `all` is every configured
 * backend (names must differ); `stored` is the backend being edited, if any.
 */
export function backendInput(
  d: BackendDraft,
  all: readonly ImageBackendView[],
  stored?: ImageBackendView,
): { input: SaveBackendInput } | { error: string } {
  const label = d.label.trim();
  const baseUrl = d.baseUrl.trim();
  if (!label) return { error: 'Give the backend a name.' };
  if (label.length > 80) return { error: 'The name can be at most 80 characters.' };
  if (!isHttpUrl(baseUrl))
    return { error: `The URL must start with http:// or https://, for example ${DEFAULT_URL[d.kind]}` };
  if (all.some((b) => b.id !== d.id && b.label.toLowerCase() === label.toLowerCase()))
    return { error: `There is already an image backend called “${label}”; pick another name.` };

  const input: SaveBackendInput = { ...(d.id ? { id: d.id } : {}), kind: d.kind, label, baseUrl };
  if (d.kind === 'a1111') {
    const username = d.username.trim();
    const hasPassword = !!d.password || !!stored?.passwordSet;
    if (!username && d.password) return { error: 'Enter the user that goes with the password.' };
    if (username && !hasPassword)
      return { error: `Enter the password for ${username} (AUTOMATIC1111 started with --api-auth ${username}:…).` };
    input.username = username || null;
    if (d.password) input.password = d.password;
    // No user name: a stored password has nothing to go with.
    else if (!username && stored?.passwordSet) input.password = null;
  }
  if (d.kind === 'openai' && d.apiKey.trim()) input.apiKey = d.apiKey.trim();
  return { input };
}
