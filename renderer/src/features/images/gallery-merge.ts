/**
 * The gallery's order and how a list reply meets the events that came while it travelled. Every
 * row goes through a RowBook (shared/versioned.ts): the newest version wins and deletions are
 * tombstones, so a late images.list neither brings back an image deleted meanwhile nor hides one
 * added meanwhile, and the count stays right.
 */
import type { GalleryImage } from '../../../../shared/types/images';
import type { RowBook } from '../../../../shared/versioned';

/** Newest first, as images.list orders them (ids are UUIDv7: time-ordered). */
export function compareImages(a: GalleryImage, b: GalleryImage): number {
  return b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** Whether an image an event brought belongs to the search shown: every word is in its prompt. */
export function matchesQuery(image: GalleryImage, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const prompt = image.prompt.toLowerCase();
  return words.every((w) => prompt.includes(w));
}

/** `list` (sorted) with `image` put in its place. */
export function insertSorted(list: readonly GalleryImage[], image: GalleryImage): GalleryImage[] {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareImages(list[mid]!, image) < 0) lo = mid + 1;
    else hi = mid;
  }
  const next = list.slice();
  next.splice(lo, 0, image);
  return next;
}

export interface PageResult {
  images: GalleryImage[];
  total: number;
  hasMore: boolean;
}

/**
 * The first page from an images.list reply. `addedSince`: ids that events added (or restored) after
 * the request was sent; those the reply lacks are shown where they belong (within the page), and
 * rows of the reply deleted since are left out, each counted in `total`.
 */
export function firstPage(
  book: RowBook<GalleryImage>,
  reply: { images: GalleryImage[]; total: number },
  limit: number,
  addedSince: Iterable<string>,
  query: string,
): PageResult {
  const hasMore = reply.images.length >= limit;
  const { rows } = book.merge(reply.images);
  const dropped = reply.images.length - rows.length;
  const listed = new Set(rows.map((r) => r.id));
  const last = reply.images[reply.images.length - 1];
  const extra: GalleryImage[] = [];
  for (const id of addedSince) {
    const row = book.get(id);
    if (!row || listed.has(id) || !matchesQuery(row, query)) continue;
    if (hasMore && last && compareImages(row, last) > 0) continue; // beyond this page: it comes with its own
    listed.add(id);
    extra.push(row);
  }
  const images = extra.length ? [...rows, ...extra].sort(compareImages) : rows;
  return { images, total: Math.max(images.length, reply.total - dropped + extra.length), hasMore };
}

/** A further page: its rows (newest held, deleted left out) that are not shown yet. */
export function nextPage(book: RowBook<GalleryImage>, shown: readonly GalleryImage[], page: GalleryImage[]) {
  const seen = new Set(shown.map((r) => r.id));
  return book.merge(page).rows.filter((r) => !seen.has(r.id));
}
