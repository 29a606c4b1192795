/**
 * A modal confirmation on the native <dialog>: showModal() makes the rest of the page inert (focus
 * stays inside), Escape cancels, and focus returns to where it was when the dialog closes.
 */
import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from 'react';

export function ConfirmDialog(props: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  busy?: boolean;
  onConfirm(): void;
  onCancel(): void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const onCancel = useRef(props.onCancel);
  useEffect(() => {
    onCancel.current = props.onCancel;
  });

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const before = document.activeElement as HTMLElement | null;
    if (!dialog.open) dialog.showModal();
    // The safe choice has focus: Enter or Space right away does not delete anything.
    cancelRef.current?.focus();
    const onCancelEvent = (e: Event) => {
      e.preventDefault();
      onCancel.current();
    };
    dialog.addEventListener('cancel', onCancelEvent);
    return () => {
      dialog.removeEventListener('cancel', onCancelEvent);
      if (dialog.open) dialog.close();
      if (before?.isConnected) before.focus();
    };
  }, []);

  const trap = (e: KeyboardEvent) => {
    // showModal() keeps focus in the page's dialog, but Tab can still leave for the browser's own
    // UI; cycle between the dialog's controls instead.
    if (e.key !== 'Tab') return;
    const items = [...(ref.current?.querySelectorAll<HTMLElement>('button:not([disabled])') ?? [])];
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

  return (
    <dialog ref={ref} className="confirm-dialog" aria-labelledby={titleId} onKeyDown={trap}>
      <h2 id={titleId}>{props.title}</h2>
      <div className="confirm-body">{props.children}</div>
      <div className="confirm-buttons">
        <button ref={cancelRef} type="button" className="btn" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="button" className="btn btn-danger" onClick={props.onConfirm} disabled={props.busy}>
          {props.busy ? 'Working…' : props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
