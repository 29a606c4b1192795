/**
 * "Choose from gallery": a modal dialog to attach an image already made (Images page, /image) to
 * the next message. A search box (the prompt) over a grid of the newest 60 matches; a click, or
 * Enter on a thumbnail, picks it (Enter in the search box picks the first). Arrow keys move between
 * thumbnails; Escape or Close leaves, and focus goes back to the button that opened it.
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import type { GalleryImage } from '../../../../shared/types/images';
import { client, ClientError } from '../../client';
import { useModalDialog } from '../../components/use-modal-dialog';
import './image-in-chat.css';

export const PICKER_LIMIT = 60;
const SEARCH_DELAY_MS = 200;

/** Thumbnails (data: URLs, null when the file is missing) fetched once for the page's lifetime. */
const thumbCache = new Map<string, string | null>();

async function loadThumbs(ids: string[]): Promise<void> {
  const missing = ids.filter((id) => !thumbCache.has(id));
  if (!missing.length) return;
  const { thumbs } = await client.call('images.thumbs', { ids: missing });
  for (const t of thumbs) thumbCache.set(t.id, t.dataUrl);
}

/** How a thumbnail is announced: its prompt (shortened) and when it was made. */
function describe(image: GalleryImage): string {
  const prompt = image.prompt.trim().replace(/\s+/g, ' ');
  const short = prompt.length > 120 ? `${prompt.slice(0, 119)}…` : prompt || 'Image without a prompt';
  return `${short}, ${new Date(image.createdAt).toLocaleString()}`;
}

export function GalleryPicker(props: { onPick(image: GalleryImage, thumb: string | null): void; onClose(): void }) {
  const { onPick, onClose } = props;
  const searchRef = useRef<HTMLInputElement>(null);
  const gridRef = useRef<HTMLUListElement>(null);
  const titleId = useId();
  const { ref, trap } = useModalDialog(onClose, searchRef);
  const [query, setQuery] = useState('');
  const [images, setImages] = useState<GalleryImage[] | null>(null);
  const [total, setTotal] = useState(0);
  const [thumbs, setThumbs] = useState<Record<string, string | null>>({});
  const [error, setError] = useState<string | null>(null);
  const first = useRef(true);

  useEffect(() => {
    let live = true;
    const delay = first.current ? 0 : SEARCH_DELAY_MS;
    first.current = false;
    const timer = setTimeout(async () => {
      try {
        const q = query.trim();
        const r = await client.call('images.list', { limit: PICKER_LIMIT, ...(q ? { query: q } : {}) });
        if (!live) return;
        setImages(r.images);
        setTotal(r.total);
        setError(null);
        const ids = r.images.map((i) => i.id);
        if (ids.length) await loadThumbs(ids);
        if (live) setThumbs(Object.fromEntries(ids.map((id) => [id, thumbCache.get(id) ?? null])));
      } catch (err) {
        if (live) setError(err instanceof ClientError ? err.message : 'Could not read the gallery.');
      }
    }, delay);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [query]);

  const pick = (image: GalleryImage) => onPick(image, thumbs[image.id] ?? null);

  const onSearchKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      if (images?.[0]) pick(images[0]);
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      gridRef.current?.querySelector<HTMLButtonElement>('button')?.focus();
    }
  };

  // Arrow keys move between thumbnails, a row at a time with up and down.
  const onGridKey = (e: KeyboardEvent<HTMLUListElement>) => {
    const buttons = [...(gridRef.current?.querySelectorAll<HTMLButtonElement>('button') ?? [])];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (at < 0 || !['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End'].includes(e.key)) return;
    const top = buttons[0]!.offsetTop;
    const perRow = Math.max(1, buttons.filter((b) => b.offsetTop === top).length);
    const next =
      e.key === 'ArrowLeft'
        ? at - 1
        : e.key === 'ArrowRight'
          ? at + 1
          : e.key === 'ArrowUp'
            ? at - perRow
            : e.key === 'ArrowDown'
              ? at + perRow
              : e.key === 'Home'
                ? 0
                : buttons.length - 1;
    e.preventDefault();
    if (next < 0 && e.key === 'ArrowUp') searchRef.current?.focus();
    else buttons[Math.min(buttons.length - 1, Math.max(0, next))]?.focus();
  };

  const q = query.trim();
  return (
    <dialog ref={ref} className="confirm-dialog gallery-picker" aria-labelledby={titleId} onKeyDown={trap}>
      <h2 id={titleId}>Choose from gallery</h2>
      <input
        ref={searchRef}
        className="gallery-picker-search"
        type="search"
        tabIndex={0}
        placeholder="Search prompts"
        aria-label="Search the gallery"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={onSearchKey}
      />
      {error && (
        <p className="pull-error" role="alert">
          {error}
        </p>
      )}
      {!images && !error && <p className="muted">Reading the gallery…</p>}
      {images && images.length === 0 && (
        <p className="muted">
          {q
            ? `No image’s prompt matches “${q}”.`
            : 'The gallery is empty. Make images on the Images page, or with /image in a chat.'}
        </p>
      )}
      {images && images.length > 0 && (
        <ul ref={gridRef} className="gallery-picker-grid" aria-label="Gallery images" onKeyDown={onGridKey}>
          {images.map((image) => {
            const thumb = thumbs[image.id];
            return (
              <li key={image.id}>
                <button
                  type="button"
                  className="gallery-picker-item"
                  aria-label={describe(image)}
                  title={image.prompt}
                  onClick={() => pick(image)}
                >
                  {thumb ? (
                    <img src={thumb} alt="" loading="lazy" />
                  ) : (
                    <span className="gallery-picker-missing" aria-hidden="true">
                      {thumb === null && image.id in thumbs ? 'missing' : ''}
                    </span>
                  )}
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {images && total > images.length && (
        <p className="muted gallery-picker-more">
          Showing the newest {images.length} of {total}
          {q ? ' matches' : ''}; search to find others.
        </p>
      )}
      <div className="confirm-buttons">
        <button type="button" className="btn" onClick={onClose}>
          Close
        </button>
      </div>
    </dialog>
  );
}
