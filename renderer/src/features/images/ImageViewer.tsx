/**
 * The viewer: a modal dialog named "Image" with the picture full size (images.get) and what made it
 * (prompt, negative prompt, parameters, backend, model, seed, size, date). ←/→ go to the previous or
 * next image of the gallery, Escape closes. Reuse parameters, Copy image, Save as PNG, Use as init
 * image (when the backend does img2img) and Delete (with Undo in a toast).
 */
import { useEffect, useRef, useState } from 'react';
import type { GalleryImage } from '../../../../shared/types/images';
import { useAppStore } from '../../app/store';
import { client, ClientError } from '../../client';
import { useModalDialog } from '../../components/use-modal-dialog';
import { ImageFacts } from './ImageFacts';
import { base64ToBlob, copyPng, downloadBlob } from './image-file';

type Status = { kind: 'ok' | 'error'; text: string } | null;

const errText = (err: unknown, fallback: string) =>
  err instanceof ClientError || err instanceof Error ? err.message : fallback;

export function ImageViewer(props: {
  id: string;
  onNavigate(id: string): void;
  onClose(): void;
  onReuse(image: GalleryImage): void;
  onUseAsInit(id: string): void;
  onDelete(id: string): void;
}) {
  const { id } = props;
  const row = useAppStore((s) => s.imageRows.get(id));
  const thumb = useAppStore((s) => s.imageThumbs.peek(id));
  const index = useAppStore((s) => s.galleryImages.findIndex((r) => r.id === id));
  const count = useAppStore((s) => s.galleryImages.length);
  const total = useAppStore((s) => Math.max(s.galleryTotal, s.galleryImages.length));
  const hasMore = useAppStore((s) => s.galleryHasMore);
  const img2img = useAppStore((s) => !!(s.imageBackendId && s.imageOptions[s.imageBackendId]?.options?.img2img));
  const closeRef = useRef<HTMLButtonElement>(null);
  const { ref, trap } = useModalDialog(props.onClose, closeRef);

  const [full, setFull] = useState<{ id: string; dataUrl: string; image: GalleryImage } | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [status, setStatus] = useState<Status>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    setLoadError(null);
    setStatus(null);
    client.call('images.get', { id }).then(
      (r) => live && setFull({ id, dataUrl: r.dataUrl, image: r.image }),
      (err) => live && setLoadError(errText(err, 'Could not read the image.')),
    );
    return () => {
      live = false;
    };
  }, [id]);

  // The whole row (with the backend's info) once images.get answered; the gallery's row until then.
  const image = (full?.id === id ? full.image : null) ?? row;
  const src = full?.id === id ? full.dataUrl : thumb || null;

  const go = (step: number) => {
    const s = useAppStore.getState();
    const next = s.galleryImages[index + step];
    if (next) props.onNavigate(next.id);
    if (step > 0 && index + step >= s.galleryImages.length - 3) void s.loadMoreGallery();
  };

  const copy = async () => {
    setStatus(null);
    const png = client.call('images.png', { id }).then((r) => base64ToBlob(r.dataBase64, 'image/png'));
    try {
      await copyPng(png);
      setStatus({ kind: 'ok', text: 'Copied the image.' });
    } catch (err) {
      setStatus({ kind: 'error', text: errText(err, 'Could not copy the image.') });
    }
  };

  const save = async () => {
    setStatus(null);
    setBusy(true);
    try {
      const r = await client.call('images.png', { id });
      downloadBlob(base64ToBlob(r.dataBase64, 'image/png'), r.fileName);
      setStatus({ kind: 'ok', text: `Saved as ${r.fileName}.` });
    } catch (err) {
      setStatus({ kind: 'error', text: `Could not save the image: ${errText(err, 'no answer')}` });
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog
      ref={ref}
      className="image-viewer"
      aria-label="Image"
      onKeyDown={(e) => {
        trap(e);
        if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
          e.preventDefault();
          go(e.key === 'ArrowLeft' ? -1 : 1);
        }
      }}
    >
      <div className="image-viewer-bar">
        <span className="muted image-viewer-pos">
          {index >= 0 ? `${(index + 1).toLocaleString()} of ${total.toLocaleString()}` : ''}
        </span>
        <button
          type="button"
          className="btn btn-ghost btn-small"
          aria-label="Previous image"
          disabled={index <= 0}
          onClick={() => go(-1)}
        >
          ←
        </button>
        <button
          type="button"
          className="btn btn-ghost btn-small"
          aria-label="Next image"
          disabled={index < 0 || (index >= count - 1 && !hasMore)}
          onClick={() => go(1)}
        >
          →
        </button>
        <button
          ref={closeRef}
          type="button"
          className="btn btn-ghost btn-small image-viewer-close"
          onClick={props.onClose}
        >
          Close
        </button>
      </div>
      <div className="image-viewer-body">
        <div className="image-viewer-picture">
          {loadError ? (
            <p className="danger-text" role="alert">
              {loadError}
            </p>
          ) : src ? (
            <img src={src} alt={image?.prompt ?? ''} className={full?.id === id ? '' : 'image-viewer-blur'} />
          ) : (
            <p className="muted">Loading the image…</p>
          )}
        </div>
        <div className="image-viewer-side">
          {image && <ImageFacts image={image} />}
          <div className="image-viewer-actions">
            <button type="button" className="btn" disabled={!image} onClick={() => image && props.onReuse(image)}>
              Reuse parameters
            </button>
            <button type="button" className="btn" onClick={() => void copy()}>
              Copy image
            </button>
            <button type="button" className="btn" disabled={busy} onClick={() => void save()}>
              Save as PNG
            </button>
            {img2img && (
              <button type="button" className="btn" onClick={() => props.onUseAsInit(id)}>
                Use as init image
              </button>
            )}
            <button type="button" className="btn btn-danger" onClick={() => props.onDelete(id)}>
              Delete
            </button>
          </div>
          {status && (
            <p
              className={status.kind === 'error' ? 'image-viewer-status danger-text' : 'image-viewer-status'}
              role="status"
            >
              {status.text}
            </p>
          )}
        </div>
      </div>
    </dialog>
  );
}
