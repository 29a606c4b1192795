/**
 * ComfyUI's HTTP side: the base URL and auth headers (Bearer key or Basic user:password, also sent
 * on the WebSocket), JSON GET/POST through the injected fetch with failures as ImageBackendErrors,
 * /history/{id}, and the saved images fetched from /view.
 */
import { isConnectionError, type FetchLike } from '../providers/provider';
import type { GeneratedImage, ImageBackendConfig } from './backend';
import { httpFailed, notJson, requestFailed, unreachable } from './comfy-errors';

export interface ImageRef {
  filename: string;
  subfolder?: string;
  type?: string;
}
/** One node type of /object_info. */
export interface NodeDef {
  input?: { required?: Record<string, unknown[]>; optional?: Record<string, unknown[]> };
}
export interface HistoryEntry {
  outputs?: Record<string, { images?: ImageRef[] }>;
  status?: { status_str?: string; messages?: [string, Record<string, unknown>][] };
}

export interface ComfyHttp {
  /** The base URL without trailing slashes. */
  base: string;
  headers: Record<string, string>;
  http(path: string, init?: RequestInit): Promise<Response>;
  getJson<T>(path: string, signal?: AbortSignal): Promise<T>;
  postJson(path: string, body: unknown): Promise<Response>;
  /** The history entry of one prompt, or null while ComfyUI has none. */
  historyOf(promptId: string): Promise<HistoryEntry | null>;
  /** The images from /view, in order, all tagged with `seed`. */
  fetchImages(refs: ImageRef[], seed: number | null): Promise<GeneratedImage[]>;
}

export function createComfyHttp(config: ImageBackendConfig, doFetch: FetchLike): ComfyHttp {
  const base = config.baseUrl.replace(/\/+$/, '');
  const headers: Record<string, string> = {};
  if (config.apiKey) headers.Authorization = `Bearer ${config.apiKey}`;
  else if (config.username)
    headers.Authorization = `Basic ${Buffer.from(`${config.username}:${config.password ?? ''}`).toString('base64')}`;

  async function http(path: string, init: RequestInit = {}): Promise<Response> {
    try {
      return await doFetch(`${base}${path}`, { ...init, headers: { ...headers, ...(init.headers as object) } });
    } catch (err) {
      if (init.signal?.aborted) throw err;
      if (isConnectionError(err)) throw unreachable(base);
      throw requestFailed(base, err);
    }
  }

  async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
    const res = await http(path, { signal });
    if (!res.ok) throw await httpFailed(res, path, base);
    try {
      return (await res.json()) as T;
    } catch {
      throw notJson(base, path);
    }
  }

  async function postJson(path: string, body: unknown): Promise<Response> {
    return http(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  }

  async function historyOf(id: string): Promise<HistoryEntry | null> {
    const all = await getJson<Record<string, HistoryEntry>>(`/history/${encodeURIComponent(id)}`);
    return all?.[id] ?? null;
  }

  async function fetchImages(refs: ImageRef[], seed: number | null): Promise<GeneratedImage[]> {
    const images: GeneratedImage[] = [];
    for (const ref of refs) {
      const q = new URLSearchParams({
        filename: ref.filename,
        subfolder: ref.subfolder ?? '',
        type: ref.type ?? 'output',
      });
      const res = await http(`/view?${q}`);
      if (!res.ok) throw await httpFailed(res, `the image ${ref.filename}`, base);
      const data = Buffer.from(await res.arrayBuffer());
      const size = pngSize(data);
      images.push({
        data,
        mime: mimeOf(ref.filename, res.headers.get('content-type')),
        seed,
        width: size?.width ?? null,
        height: size?.height ?? null,
      });
    }
    return images;
  }

  return { base, headers, http, getJson, postJson, historyOf, fetchImages };
}

/** The saved images (type "output"), node by node; a workflow that only previews gives its temp images. */
export function pickImages(outputs: Record<string, { images?: ImageRef[] }>): Record<string, ImageRef[]> {
  const all = Object.entries(outputs).map(([node, o]) => [node, (o?.images ?? []).filter((i) => i?.filename)] as const);
  const saved = all.map(([node, imgs]) => [node, imgs.filter((i) => (i.type ?? 'output') === 'output')] as const);
  const chosen = saved.some(([, imgs]) => imgs.length)
    ? saved
    : all.map(([n, i]) => [n, i.filter((x) => x.type === 'temp')] as const);
  return Object.fromEntries(chosen.filter(([, imgs]) => imgs.length));
}

function pngSize(data: Buffer): { width: number; height: number } | null {
  if (data.length < 24 || data.readUInt32BE(0) !== 0x89504e47 || data.toString('latin1', 12, 16) !== 'IHDR')
    return null;
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

function mimeOf(filename: string, header: string | null): string {
  if (header?.startsWith('image/')) return header.split(';')[0]!;
  const ext = filename.toLowerCase().split('.').pop();
  return ext === 'jpg' || ext === 'jpeg' ? 'image/jpeg' : ext === 'webp' ? 'image/webp' : 'image/png';
}
