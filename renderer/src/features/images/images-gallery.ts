/**
 * The gallery part of the images slice: rows (images.list, paged, newest first, searched by prompt
 * on the server), live changes ('images.changed'), delete with Undo, and thumbnails.
 * Public: loadGallery, loadMoreGallery, searchGallery, onImagesChanged, deleteImage, restoreImage,
 * requestThumbs.
 * Rows go through `imageRows` (a RowBook): newest version wins, deletions are tombstones, and a list
 * that arrives late is merged with what events said meanwhile (gallery-merge.ts).
 * Thumbnails: an LRU of data URLs (thumb-cache.ts), fetched in batches of up to 200 for the rows in
 * view and never asked for twice; an image without one is read full size (images.get) and shrunk.
 */
import type { StateCreator } from 'zustand';
import type { EventPayload } from '../../../../shared/contract';
import type { GalleryImage } from '../../../../shared/types/images';
import { RowBook } from '../../../../shared/versioned';
import { client, ClientError } from '../../client';
import type { AppState } from '../../app/store';
import { compareImages, firstPage, insertSorted, matchesQuery, nextPage } from './gallery-merge';
import { shrinkDataUrl } from './image-file';
import { ThumbCache } from './thumb-cache';

export interface GallerySlice {
  /** The newest version of every gallery row seen, with tombstones. */
  imageRows: RowBook<GalleryImage>;
  /** The rows shown: newest first, matching `galleryQuery`, as far as pages were read. */
  galleryImages: GalleryImage[];
  /** How many images match `galleryQuery` in all. */
  galleryTotal: number;
  galleryQuery: string;
  galleryLoaded: boolean;
  galleryHasMore: boolean;
  galleryLoadingMore: boolean;
  galleryError: string | null;
  imageThumbs: ThumbCache;
  /** Bumped when thumbnails arrive (the cache itself is mutable). */
  imageThumbsTick: number;
  /** Read the first page again (`keep`: as many rows as are shown, e.g. after a reconnect). */
  loadGallery(opts?: { keep?: boolean }): Promise<void>;
  loadMoreGallery(): Promise<void>;
  searchGallery(query: string): void;
  onImagesChanged(p: EventPayload<'images.changed'>): void;
  /** Delete with an Undo toast; true when deleted. */
  deleteImage(id: string): Promise<boolean>;
  restoreImage(id: string): Promise<void>;
  /** Fetch the thumbnails of these images that are not held or on their way. */
  requestThumbs(ids: readonly string[]): void;
}

export const GALLERY_PAGE = 300;
const THUMB_BATCH = 200;
const FULL_READS = 2;

const errText = (err: unknown, fallback: string) => (err instanceof ClientError ? err.message : fallback);

export const createGallerySlice: StateCreator<AppState, [], [], GallerySlice> = (set, get) => {
  /** Each list request's number: only the newest one's reply is shown. */
  let listGen = 0;
  /** Events are numbered; `added` holds, per id, the number of the last event that added it. */
  let eventSeq = 0;
  const added = new Map<string, number>();
  const thumbsAsked = new Set<string>();
  const fullQueue: string[] = [];
  let fullReading = 0;

  const thumbsArrived = () => set((s) => ({ imageThumbsTick: s.imageThumbsTick + 1 }));

  /** Full-size reads for images without a thumbnail, two at a time. */
  const pumpFull = () => {
    while (fullReading < FULL_READS && fullQueue.length) {
      const id = fullQueue.shift()!;
      fullReading++;
      void (async () => {
        let url: string | null = null;
        try {
          url = await shrinkDataUrl((await client.call('images.get', { id })).dataUrl);
        } catch {}
        get().imageThumbs.set(id, url);
        thumbsAsked.delete(id);
        fullReading--;
        thumbsArrived();
        pumpFull();
      })();
    }
  };

  const fetchThumbs = async (ids: string[]) => {
    try {
      const { thumbs } = await client.call('images.thumbs', { ids });
      const cache = get().imageThumbs;
      const answered = new Set<string>();
      for (const t of thumbs) {
        answered.add(t.id);
        if (t.dataUrl) {
          cache.set(t.id, t.dataUrl);
          thumbsAsked.delete(t.id);
        } else fullQueue.push(t.id);
      }
      // Ids the reply left out (deleted meanwhile) may be asked for again later.
      for (const id of ids) if (!answered.has(id)) thumbsAsked.delete(id);
      thumbsArrived();
      pumpFull();
    } catch {
      for (const id of ids) thumbsAsked.delete(id);
    }
  };

  return {
    imageRows: new RowBook<GalleryImage>(),
    galleryImages: [],
    galleryTotal: 0,
    galleryQuery: '',
    galleryLoaded: false,
    galleryHasMore: false,
    galleryLoadingMore: false,
    galleryError: null,
    imageThumbs: new ThumbCache(),
    imageThumbsTick: 0,

    async loadGallery({ keep = false } = {}) {
      const gen = ++listGen;
      const mark = eventSeq;
      const query = get().galleryQuery;
      const limit = keep ? Math.min(10_000, Math.max(GALLERY_PAGE, get().galleryImages.length)) : GALLERY_PAGE;
      try {
        const reply = await client.call('images.list', { limit, ...(query.trim() ? { query: query.trim() } : {}) });
        if (gen !== listGen) return; // another list (a new search) was asked for since
        const since = [...added].filter(([, seq]) => seq > mark).map(([id]) => id);
        const page = firstPage(get().imageRows, reply, limit, since, query);
        set({
          galleryImages: page.images,
          galleryTotal: page.total,
          galleryHasMore: page.hasMore,
          galleryLoaded: true,
          galleryLoadingMore: false,
          galleryError: null,
        });
      } catch (err) {
        if (gen === listGen) set({ galleryLoaded: true, galleryError: errText(err, 'Could not read the gallery.') });
      }
    },

    async loadMoreGallery() {
      const { galleryImages, galleryHasMore, galleryLoadingMore, galleryQuery } = get();
      const last = galleryImages[galleryImages.length - 1];
      if (!galleryHasMore || galleryLoadingMore || !last) return;
      const gen = listGen;
      set({ galleryLoadingMore: true });
      try {
        const reply = await client.call('images.list', {
          limit: GALLERY_PAGE,
          before: last.id,
          ...(galleryQuery.trim() ? { query: galleryQuery.trim() } : {}),
        });
        if (gen !== listGen) return;
        const more = nextPage(get().imageRows, get().galleryImages, reply.images);
        set((s) => ({
          galleryImages: more.length ? [...s.galleryImages, ...more] : s.galleryImages,
          galleryHasMore: reply.images.length >= GALLERY_PAGE,
          galleryLoadingMore: false,
        }));
      } catch (err) {
        if (gen !== listGen) return;
        set({ galleryLoadingMore: false });
        get().showToast({ kind: 'error', message: `Could not load more images: ${errText(err, 'no answer')}` });
      }
    },

    searchGallery(query) {
      if (query === get().galleryQuery) return;
      set({ galleryQuery: query, galleryImages: [], galleryTotal: 0, galleryHasMore: false, galleryLoaded: false });
      void get().loadGallery();
    },

    onImagesChanged({ added: rows, deleted }) {
      const book = get().imageRows;
      const s = get();
      let images = s.galleryImages;
      let total = s.galleryTotal;
      const last = images[images.length - 1];
      for (const row of rows) {
        added.set(row.id, ++eventSeq);
        const known = book.version(row.id) !== null && !book.isDeleted(row.id);
        if (!book.apply(row)) continue; // an older copy than the one held
        if (!s.galleryLoaded) continue; // the first page, when it comes, is merged with the book
        const at = images.findIndex((r) => r.id === row.id);
        if (at >= 0) {
          images = images.slice();
          images[at] = row;
        } else if (!matchesQuery(row, s.galleryQuery)) {
          continue;
        } else if (!s.galleryHasMore || !last || compareImages(row, last) < 0) {
          images = insertSorted(images, row);
          total++;
        } else if (!known) {
          total++; // beyond the pages read: counted now, shown when its page comes
        }
      }
      for (const d of deleted) {
        eventSeq++;
        if (!book.remove(d.id, d.version)) continue;
        const at = images.findIndex((r) => r.id === d.id);
        if (at < 0) continue;
        images = images.slice();
        images.splice(at, 1);
        total = Math.max(0, total - 1);
      }
      if (images !== s.galleryImages || total !== s.galleryTotal) set({ galleryImages: images, galleryTotal: total });
    },

    async deleteImage(id) {
      const image = get().imageRows.get(id);
      try {
        const { version } = await client.call('images.delete', { id });
        get().onImagesChanged({ added: [], deleted: [{ id, version }] });
        const prompt = image?.prompt.trim() ?? '';
        get().showToast({
          kind: 'info',
          message: prompt
            ? `Deleted “${prompt.length > 40 ? `${prompt.slice(0, 40)}…` : prompt}”.`
            : 'Deleted the image.',
          action: { label: 'Undo', run: () => void get().restoreImage(id) },
        });
        return true;
      } catch (err) {
        get().showToast({ kind: 'error', message: `Could not delete the image: ${errText(err, 'no answer')}` });
        return false;
      }
    },

    async restoreImage(id) {
      try {
        const image = await client.call('images.restore', { id });
        get().onImagesChanged({ added: [image], deleted: [] });
      } catch (err) {
        get().showToast({ kind: 'error', message: `Could not restore the image: ${errText(err, 'no answer')}` });
      }
    },

    requestThumbs(ids) {
      const cache = get().imageThumbs;
      cache.touch(ids);
      const want = ids.filter((id) => !cache.has(id) && !thumbsAsked.has(id));
      for (const id of want) thumbsAsked.add(id);
      for (let i = 0; i < want.length; i += THUMB_BATCH) void fetchThumbs(want.slice(i, i + THUMB_BATCH));
    },
  };
};
