/**
 * The gallery: a search box (by prompt, on the server) with the count, and a virtualised grid of
 * fixed-size cells, as many columns as the width takes; only the rows on screen are in the DOM and
 * only their thumbnails are fetched, the next page as the end nears. Keyboard: one cell is in the
 * Tab order; arrows, Home/End and PageUp/PageDown move, Enter or Space opens, Delete deletes.
 */
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useAppStore } from '../../app/store';
import { GalleryCell } from './GalleryCell';
import { columnsFor, moveInGrid } from './grid-nav';
import { useElementWidth } from './use-element-width';

/** Cells are about this size: as many columns as fit, then widened to fill the row (all alike). */
const CELL = 152;
const GAP = 8;
const PAD = 12;
/** Fetch the next page when the last row on screen is this close to the end. */
const LOAD_AHEAD_ROWS = 6;
/** Thumbnails are asked for once the view has rested this long (not for every row flown past). */
const THUMB_DELAY_MS = 60;
const SEARCH_DELAY_MS = 250;

export interface FocusRequest {
  id: string;
  n: number;
}

export function Gallery(props: {
  onOpen(id: string): void;
  onDelete(id: string): void;
  focusRequest: FocusRequest | null;
}) {
  return (
    <section className="gallery" aria-labelledby="gallery-title">
      <GalleryHead />
      <GalleryGrid {...props} />
    </section>
  );
}

function GalleryHead() {
  const total = useAppStore((s) => s.galleryTotal);
  const loaded = useAppStore((s) => s.galleryLoaded);
  const query = useAppStore((s) => s.galleryQuery);
  const [text, setText] = useState(query);
  useEffect(() => {
    const t = setTimeout(() => useAppStore.getState().searchGallery(text.trim()), SEARCH_DELAY_MS);
    return () => clearTimeout(t);
  }, [text]);
  const count = `${total.toLocaleString()} image${total === 1 ? '' : 's'}`;
  return (
    <div className="images-section-head gallery-head">
      <h2 id="gallery-title">Gallery</h2>
      <span className="muted gallery-count">{loaded ? (query ? `${count} matching “${query}”` : count) : ''}</span>
      <input
        type="search"
        className="gallery-search"
        aria-label="Search images"
        placeholder="Search prompts"
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
    </div>
  );
}

function GalleryGrid({ onOpen, onDelete, focusRequest }: Parameters<typeof Gallery>[0]) {
  const images = useAppStore((s) => s.galleryImages);
  const loaded = useAppStore((s) => s.galleryLoaded);
  const error = useAppStore((s) => s.galleryError);
  const hasMore = useAppStore((s) => s.galleryHasMore);
  const loadingMore = useAppStore((s) => s.galleryLoadingMore);
  const query = useAppStore((s) => s.galleryQuery);
  const { loadMoreGallery, requestThumbs, loadGallery } = useAppStore.getState();

  const scrollRef = useRef<HTMLDivElement>(null);
  const width = useElementWidth(scrollRef);
  const inner = Math.max(0, width - 2 * PAD);
  const cols = columnsFor(inner, CELL, GAP);
  const cell = Math.max(CELL, Math.floor((inner - (cols - 1) * GAP) / cols));
  const rowSize = cell + GAP;
  const rowCount = Math.ceil(images.length / cols);
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowSize,
    overscan: 2,
    paddingStart: PAD,
    paddingEnd: PAD,
  });
  // A new width gives rows of another height: lay them out again.
  useEffect(() => virtualizer.measure(), [virtualizer, rowSize]);
  const rows = virtualizer.getVirtualItems();

  // The rows actually on screen (not the overscan), for thumbnails.
  const top = virtualizer.scrollOffset ?? 0;
  const height = virtualizer.scrollRect?.height ?? 0;
  const seen = rows.filter((r) => r.end > top && r.start < top + height);
  const firstRow = seen[0]?.index ?? rows[0]?.index ?? 0;
  const lastRow = seen[seen.length - 1]?.index ?? rows[rows.length - 1]?.index ?? -1;

  useEffect(() => {
    if (lastRow < 0) return;
    const t = setTimeout(() => {
      const ids = images.slice(firstRow * cols, (lastRow + 1) * cols).map((r) => r.id);
      if (ids.length) requestThumbs(ids);
    }, THUMB_DELAY_MS);
    return () => clearTimeout(t);
  }, [firstRow, lastRow, cols, images, requestThumbs]);

  useEffect(() => {
    if (hasMore && !loadingMore && lastRow >= rowCount - LOAD_AHEAD_ROWS) void loadMoreGallery();
  }, [hasMore, loadingMore, lastRow, rowCount, loadMoreGallery]);

  // Roving focus: `active` is the cell in the Tab order (when on screen; else the first one shown).
  const [active, setActive] = useState(0);
  const pendingFocus = useRef<number | null>(null);
  const activeIndex = Math.min(active, Math.max(0, images.length - 1));
  const activeShown = rows.some((r) => r.index === Math.floor(activeIndex / cols));
  const firstShown = (seen[0] ?? rows[0])?.index;
  const tabbable = activeShown ? activeIndex : firstShown !== undefined ? firstShown * cols : 0;

  const focusIndex = useCallback(
    (i: number) => {
      setActive(i);
      pendingFocus.current = i;
      virtualizer.scrollToIndex(Math.floor(i / cols), { align: 'auto' });
    },
    [virtualizer, cols],
  );
  // Focus the cell asked for once it is rendered (after a scroll it may take a frame).
  useEffect(() => {
    const i = pendingFocus.current;
    if (i === null) return;
    const el = scrollRef.current?.querySelector<HTMLElement>(`[data-index="${i}"]`);
    if (el) {
      el.focus({ preventScroll: true });
      pendingFocus.current = null;
    }
  });
  // The page asks for a cell (the image the viewer showed last, or after a delete).
  useEffect(() => {
    if (!focusRequest) return;
    const i = useAppStore.getState().galleryImages.findIndex((r) => r.id === focusRequest.id);
    if (i >= 0) focusIndex(i);
    else if (images.length) focusIndex(Math.min(activeIndex, images.length - 1));
    // Only when a new request comes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focusRequest]);

  const open = useCallback(
    (i: number) => {
      const image = useAppStore.getState().galleryImages[i];
      if (!image) return;
      setActive(i);
      onOpen(image.id);
    },
    [onOpen],
  );

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const index = Number((e.target as HTMLElement).dataset.index);
    if (!Number.isInteger(index) || !images[index]) return;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      open(index);
      return;
    }
    if (e.key === 'Delete') {
      e.preventDefault();
      onDelete(images[index].id);
      return;
    }
    const pageRows = Math.max(1, Math.floor(height / rowSize));
    const next = moveInGrid(e.key, index, cols, images.length, pageRows, e.ctrlKey || e.metaKey);
    if (next === null) return;
    e.preventDefault();
    if (next !== index) focusIndex(next);
  };

  const note = !loaded ? (
    <p className="muted gallery-note">Loading the gallery…</p>
  ) : error && images.length === 0 ? (
    <div className="banner banner-error images-banner" role="alert">
      <p>{error}</p>
      <button type="button" className="btn btn-small" onClick={() => void loadGallery()}>
        Try again
      </button>
    </div>
  ) : images.length === 0 ? (
    <p className="muted gallery-note">
      {query ? `No images match “${query}”.` : 'No images yet. Write a prompt and press Generate.'}
    </p>
  ) : null;

  // The scroller is always there (its width decides the columns); the grid is in it when there are images.
  return (
    <div ref={scrollRef} className="gallery-scroll">
      {note ?? (
        <div
          className="gallery-grid"
          role="grid"
          aria-label="Gallery"
          aria-rowcount={rowCount}
          aria-colcount={cols}
          style={{ height: virtualizer.getTotalSize(), ['--gallery-cell' as string]: `${cell}px` }}
          onKeyDown={onKeyDown}
        >
          {rows.map((row) => {
            const start = row.index * cols;
            const cells = images.slice(start, start + cols);
            return (
              <div
                key={row.key}
                role="row"
                aria-rowindex={row.index + 1}
                className="gallery-row"
                style={{ transform: `translateY(${row.start}px)`, gap: GAP, paddingInline: PAD }}
              >
                {cells.map((image, c) => (
                  <GalleryCell
                    key={image.id}
                    image={image}
                    index={start + c}
                    col={c}
                    tabbable={start + c === tabbable}
                    onOpen={open}
                  />
                ))}
              </div>
            );
          })}
        </div>
      )}
    </div>
  );
}
