/** A one-line editor in place of a label: Enter saves, Escape cancels, leaving the field saves. */
import { useEffect, useRef } from 'react';

interface Props {
  label: string;
  initial: string;
  placeholder?: string;
  maxLength?: number;
  onSave(value: string): void;
  onCancel(): void;
}

export function InlineEdit({ label, initial, placeholder, maxLength, onSave, onCancel }: Props) {
  const ref = useRef<HTMLInputElement>(null);
  const done = useRef(false);
  useEffect(() => {
    ref.current?.focus();
    ref.current?.select();
  }, []);
  const finish = (save: boolean) => {
    if (done.current) return;
    done.current = true;
    if (save) onSave(ref.current?.value ?? '');
    else onCancel();
  };
  return (
    <input
      ref={ref}
      className="inline-edit"
      aria-label={label}
      defaultValue={initial}
      placeholder={placeholder}
      maxLength={maxLength}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          finish(true);
        } else if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          finish(false);
        }
      }}
      onBlur={() => finish(true)}
    />
  );
}
