/**
 * A modal confirmation on the native <dialog>: showModal() makes the rest of the page inert (focus
 * stays inside), Escape cancels, and focus returns to where it was when the dialog closes.
 */
import { useId, useRef, type ReactNode } from 'react';
import { useModalDialog } from '../../components/use-modal-dialog';

export function ConfirmDialog(props: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  busy?: boolean;
  onConfirm(): void;
  onCancel(): void;
}) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  // The safe choice has focus: Enter or Space right away does not delete anything.
  const { ref, trap } = useModalDialog(props.onCancel, cancelRef);

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
