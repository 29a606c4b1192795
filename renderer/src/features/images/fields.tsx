/**
 * The parameter panel's inputs: a number field that keeps what is being typed (an empty or half
 * typed number is not pushed to the store; leaving the field shows the last valid value again) and
 * a labelled select.
 */
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

export const FORM_ERROR_ID = 'image-form-error';

export function NumberField(props: {
  label: string;
  value: number;
  min: number;
  max: number;
  step?: number;
  disabled?: boolean;
  invalid?: boolean;
  onChange(value: number): void;
}) {
  const id = useId();
  const [text, setText] = useState(String(props.value));
  const editing = useRef(false);
  useEffect(() => {
    if (!editing.current) setText(String(props.value));
  }, [props.value]);
  return (
    <div className="image-field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        type="number"
        inputMode="decimal"
        value={text}
        min={props.min}
        max={props.max}
        step={props.step ?? 1}
        disabled={props.disabled}
        aria-invalid={props.invalid || undefined}
        aria-describedby={props.invalid ? FORM_ERROR_ID : undefined}
        onFocus={() => {
          editing.current = true;
        }}
        onChange={(e) => {
          setText(e.target.value);
          const n = e.target.valueAsNumber;
          if (Number.isFinite(n)) props.onChange(n);
        }}
        onBlur={() => {
          editing.current = false;
          setText(String(props.value));
        }}
      />
    </div>
  );
}

export function SelectField(props: {
  label: string;
  value: string;
  invalid?: boolean;
  onChange(value: string): void;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <div className="image-field">
      <label htmlFor={id}>{props.label}</label>
      <select
        id={id}
        value={props.value}
        aria-invalid={props.invalid || undefined}
        aria-describedby={props.invalid ? FORM_ERROR_ID : undefined}
        onChange={(e) => props.onChange(e.target.value)}
      >
        {props.children}
      </select>
    </div>
  );
}

/** A choice list with the held value kept even when the backend no longer offers it (said so). */
export function choices(
  list: readonly { value: string; label: string }[],
  value: string,
  empty: string,
): { value: string; label: string }[] {
  const out = [{ value: '', label: empty }, ...list];
  if (value && !list.some((c) => c.value === value)) out.push({ value, label: `${value} (not offered now)` });
  return out;
}
