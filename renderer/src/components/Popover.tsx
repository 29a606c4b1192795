/**
 * A button-anchored popover (the Ollama pill's, the sync indicator's): opening moves focus into it;
 * Escape, a click outside or the button again closes it, and focus goes back to the button.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';

export function usePopover() {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const popover = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      const t = e.target as Node;
      if (!popover.current?.contains(t) && !button.current?.contains(t)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    requestAnimationFrame(() => popover.current?.focus());
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  return {
    open,
    setOpen,
    close,
    toggle: () => (open ? close() : setOpen(true)),
    button,
    popover,
  };
}

export function Popover(props: {
  state: ReturnType<typeof usePopover>;
  id: string;
  label: string;
  className: string;
  children: ReactNode;
}) {
  if (!props.state.open) return null;
  return (
    <div
      ref={props.state.popover}
      id={props.id}
      className={props.className}
      role="dialog"
      aria-label={props.label}
      tabIndex={-1}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          props.state.close();
        }
      }}
    >
      {props.children}
    </div>
  );
}
