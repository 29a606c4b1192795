/**
 * The configured image backends (images.backends), held once for the page: Settings edits them,
 * the chat reads them for `/image` and "Generate image". Read on first use and again when asked
 * (Settings opening, the composer starting a `/image` command); a saved or removed backend updates
 * the list at once from the reply.
 */
import { useEffect, useSyncExternalStore } from 'react';
import type { ImageBackendView } from '../../../../../shared/types/images';
import { client, ClientError } from '../../../client';

export interface ImageBackendsState {
  /** null until the first answer. */
  backends: ImageBackendView[] | null;
  error: string | null;
  loading: boolean;
}

let state: ImageBackendsState = { backends: null, error: null, loading: false };
let reading: Promise<void> | null = null;
const listeners = new Set<() => void>();

function update(patch: Partial<ImageBackendsState>): void {
  state = { ...state, ...patch };
  for (const l of listeners) l();
}

/** Read the list again (one read at a time; callers meanwhile share it). */
export function loadImageBackends(): Promise<void> {
  reading ??= (async () => {
    update({ loading: true });
    try {
      const { backends } = await client.call('images.backends', {});
      update({ backends, error: null });
    } catch (err) {
      update({
        error: err instanceof ClientError ? err.message : 'Could not read the image backends.',
      });
    } finally {
      update({ loading: false });
      reading = null;
    }
  })();
  return reading;
}

/** A backend as the app returned it after a change: replaces the held one, or joins the list. */
export function putImageBackend(view: ImageBackendView): void {
  const list = state.backends ?? [];
  const next = list.some((b) => b.id === view.id) ? list.map((b) => (b.id === view.id ? view : b)) : [...list, view];
  update({ backends: next });
}

export function dropImageBackend(id: string): void {
  update({ backends: (state.backends ?? []).filter((b) => b.id !== id) });
}

export function imageBackendsState(): ImageBackendsState {
  return state;
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** The list, read when first needed (and again on each mount when `fresh`). */
export function useImageBackends(opts: { fresh?: boolean } = {}): ImageBackendsState {
  const snapshot = useSyncExternalStore(subscribe, imageBackendsState, imageBackendsState);
  const fresh = !!opts.fresh;
  useEffect(() => {
    if (fresh || (state.backends === null && !state.error)) void loadImageBackends();
  }, [fresh]);
  return snapshot;
}

/** Forget the list (tests). */
export function resetImageBackends(): void {
  state = { backends: null, error: null, loading: false };
  reading = null;
}
