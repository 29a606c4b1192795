/**
 * The Images page (Ctrl/Cmd+Shift+G): the backend and the form on the left, the queue and the
 * gallery on the right, the viewer over them. Escape cancels the running job when focus is on the
 * page and no dialog is open. Deleting from the viewer (or with Delete in the grid) puts focus on the
 * toast's Undo; once the toast is gone, focus goes back to the gallery.
 */
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import type { GalleryImage } from '../../../../shared/types/images';
import { useAppStore } from '../../app/store';
import { BackendPicker } from './BackendPicker';
import { Gallery, type FocusRequest } from './Gallery';
import { ImageViewer } from './ImageViewer';
import { JobQueue } from './JobQueue';
import { PromptForm } from './PromptForm';
import './images.css';

/** Escape cancels the running job while focus is on the page (or nowhere) and no dialog is open. */
function useEscapeCancels(page: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented || document.querySelector('dialog[open]')) return;
      const active = document.activeElement;
      const onPage = !active || active === document.body || !!page.current?.contains(active);
      if (!onPage) return;
      // Escape in a search box with text clears it (the browser's own): not a cancel.
      if (active instanceof HTMLInputElement && active.type === 'search' && active.value) return;
      const s = useAppStore.getState();
      const running = s.imageJobs.find((j) => j.state === 'running');
      if (!running) return;
      e.preventDefault();
      void s.cancelImageJob(running.id);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [page]);
}

export function ImagesPage() {
  const pageRef = useRef<HTMLElement>(null);
  const [viewing, setViewing] = useState<string | null>(null);
  const [focusRequest, setFocusRequest] = useState<FocusRequest | null>(null);
  const toastId = useAppStore((s) => s.toast?.id ?? null);
  /** After a delete: the image (back after Undo) or else its neighbour gets focus when the toast goes. */
  const backToGallery = useRef<{ id: string; neighbour: string } | null>(null);
  const { openImagesPage, setView, deleteImage, reuseImageParams, setImageInit } = useAppStore.getState();
  useEscapeCancels(pageRef);

  useEffect(() => {
    openImagesPage();
  }, [openImagesPage]);

  const focusGallery = useCallback((id: string) => setFocusRequest((r) => ({ id, n: (r?.n ?? 0) + 1 })), []);

  // The Undo toast went: focus, if it was left nowhere, goes back to the gallery.
  useEffect(() => {
    const back = backToGallery.current;
    if (toastId !== null || back === null) return;
    backToGallery.current = null;
    if (document.activeElement && document.activeElement !== document.body) return;
    const restored = useAppStore.getState().galleryImages.some((r) => r.id === back.id);
    if (restored || back.neighbour) focusGallery(restored ? back.id : back.neighbour);
  }, [toastId, focusGallery]);

  // After a delete, once the viewer is gone (a modal keeps the rest of the page inert): the Undo.
  const [afterDelete, setAfterDelete] = useState<{ id: string; neighbour: string } | null>(null);
  useEffect(() => {
    if (!afterDelete || viewing !== null) return;
    setAfterDelete(null);
    const undo = document.querySelector<HTMLButtonElement>('.toast .toast-action');
    if (undo) {
      undo.focus();
      backToGallery.current = afterDelete;
    } else if (afterDelete.neighbour) focusGallery(afterDelete.neighbour);
  }, [afterDelete, viewing, focusGallery]);

  const remove = useCallback(
    async (id: string) => {
      const list = useAppStore.getState().galleryImages;
      const at = list.findIndex((r) => r.id === id);
      const neighbour = list[at + 1] ?? list[at - 1];
      if (!(await deleteImage(id))) return;
      setViewing(null);
      setAfterDelete({ id, neighbour: neighbour?.id ?? '' });
    },
    [deleteImage],
  );

  const close = () => {
    if (viewing) focusGallery(viewing);
    setViewing(null);
  };

  const reuse = (image: GalleryImage) => {
    setViewing(null);
    // After the dialog has closed (and given focus back), so the prompt keeps the focus.
    requestAnimationFrame(() => reuseImageParams(image));
  };

  const useAsInit = (id: string) => {
    setViewing(null);
    setImageInit(id);
    requestAnimationFrame(() => document.getElementById('image-prompt')?.focus());
  };

  return (
    <section className="images-page" aria-labelledby="images-title" ref={pageRef}>
      <header className="chat-header">
        <h1 className="chat-title" id="images-title">
          Images
        </h1>
        <button type="button" className="btn btn-ghost" onClick={() => setView('chat')}>
          Back to chat
        </button>
      </header>
      <div className="images-body">
        <div className="images-side">
          <BackendPicker />
          <PromptForm />
        </div>
        <div className="images-main">
          <JobQueue />
          <Gallery onOpen={setViewing} onDelete={(id) => void remove(id)} focusRequest={focusRequest} />
        </div>
      </div>
      {viewing && (
        <ImageViewer
          id={viewing}
          onNavigate={setViewing}
          onClose={close}
          onReuse={reuse}
          onUseAsInit={useAsInit}
          onDelete={(id) => void remove(id)}
        />
      )}
    </section>
  );
}
