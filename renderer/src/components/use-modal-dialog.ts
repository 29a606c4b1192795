/**
 * A modal on the native <dialog>: showModal() makes the rest of the page inert, `initialFocus`
 * gets focus, Escape calls `onCancel`, Tab cycles between the dialog's own controls (it could
 * otherwise leave for the browser's UI), and focus returns to where it was when the dialog closes.
 */
import { useEffect, useRef, type KeyboardEvent, type RefObject } from 'react';

const FOCUSABLE = 'button:not([disabled]), [tabindex="0"]';

export function useModalDialog(
  onCancel: () => void,
  initialFocus: RefObject<HTMLElement | null>,
): { ref: RefObject<HTMLDialogElement | null>; trap(e: KeyboardEvent): void } {
  const ref = useRef<HTMLDialogElement>(null);
  const cancel = useRef(onCancel);
  useEffect(() => {
    cancel.current = onCancel;
  });

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const before = document.activeElement as HTMLElement | null;
    if (!dialog.open) dialog.showModal();
    initialFocus.current?.focus();
    const onCancelEvent = (e: Event) => {
      e.preventDefault();
      cancel.current();
    };
    dialog.addEventListener('cancel', onCancelEvent);
    return () => {
      dialog.removeEventListener('cancel', onCancelEvent);
      if (dialog.open) dialog.close();
      if (before?.isConnected) before.focus();
    };
    // Once per dialog: it opens on mount and closes on unmount.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const trap = (e: KeyboardEvent) => {
    if (e.key !== 'Tab') return;
    const items = [...(ref.current?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? [])];
    if (items.length === 0) return;
    const first = items[0]!;
    const last = items[items.length - 1]!;
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };
  return { ref, trap };
}
