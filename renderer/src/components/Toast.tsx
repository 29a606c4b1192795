/**
 * One toast at a time, bottom left: a message and an optional action (Undo). It stays while the
 * pointer or focus is on it and otherwise leaves after `UNDO_MS`; Escape dismisses it.
 */
import { useEffect, useRef, useState } from 'react';
import { useAppStore } from '../app/store';
import { UNDO_MS } from '../features/sidebar/sidebar-slice';

export function ToastHost() {
  const toast = useAppStore((s) => s.toast);
  const dismiss = useAppStore((s) => s.dismissToast);
  const [held, setHeld] = useState(false);
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!toast || held) return;
    const t = setTimeout(() => dismiss(toast.id), toast.kind === 'error' ? UNDO_MS * 1.5 : UNDO_MS);
    return () => clearTimeout(t);
  }, [toast, held, dismiss]);
  useEffect(() => setHeld(false), [toast?.id]);

  if (!toast) return null;
  return (
    <div
      ref={ref}
      className={`toast toast-${toast.kind}`}
      role={toast.kind === 'error' ? 'alert' : 'status'}
      onMouseEnter={() => setHeld(true)}
      onMouseLeave={() => setHeld(false)}
      onFocus={() => setHeld(true)}
      onBlur={(e) => {
        if (!ref.current?.contains(e.relatedTarget as Node | null)) setHeld(false);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') dismiss(toast.id);
      }}
    >
      <span className="toast-message">{toast.message}</span>
      {toast.action && (
        <button
          type="button"
          className="btn btn-ghost toast-action"
          onClick={() => {
            toast.action!.run();
            dismiss(toast.id);
          }}
        >
          {toast.action.label}
        </button>
      )}
      <button type="button" className="toast-close" aria-label="Dismiss" onClick={() => dismiss(toast.id)}>
        ×
      </button>
    </div>
  );
}
