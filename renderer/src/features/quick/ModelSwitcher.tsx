/**
 * The quick prompt's model chip and its keyboard list: Ctrl/Cmd+M (or a click) opens a filterable
 * list; type to filter, ↑/↓ to move, Enter to pick, Esc to close (the quick prompt stays open).
 * Alt+↑/↓ cycles models without opening it (handled by the page).
 */
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { ModelInfo } from '../../../../shared/types/domain';
import { filterModels, modelLabel } from './model-choice';

export function ModelChip(props: {
  models: ModelInfo[];
  model: string | null;
  open: boolean;
  shortcut: string;
  onOpen(): void;
}) {
  const { models, model, open, shortcut, onOpen } = props;
  return (
    <button
      type="button"
      className="quick-model-chip"
      aria-haspopup="listbox"
      aria-expanded={open}
      aria-label={`Model: ${modelLabel(models, model)}. Change model (${shortcut})`}
      title={`Change model (${shortcut}; Alt+↑/↓ cycles)`}
      onClick={onOpen}
    >
      <span aria-hidden="true">{modelLabel(models, model)}</span>
      <span className="quick-model-caret" aria-hidden="true">
        ▾
      </span>
    </button>
  );
}

export function ModelList(props: {
  models: ModelInfo[];
  model: string | null;
  onPick(id: string): void;
  onClose(): void;
}) {
  const { models, model, onPick, onClose } = props;
  const [query, setQuery] = useState('');
  const shown = useMemo(() => filterModels(models, query), [models, query]);
  const [active, setActive] = useState(() =>
    Math.max(
      0,
      models.findIndex((m) => m.id === model),
    ),
  );
  const listId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const index = Math.min(active, Math.max(0, shown.length - 1));

  useEffect(() => inputRef.current?.focus(), []);
  useEffect(() => {
    document.getElementById(`${listId}-${index}`)?.scrollIntoView?.({ block: 'nearest' });
  }, [listId, index]);

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!shown.length) return;
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive((index + step + shown.length) % shown.length);
    } else if (e.key === 'Enter' && !e.nativeEvent.isComposing) {
      e.preventDefault();
      const m = shown[index];
      if (m) onPick(m.id);
    } else if (e.key === 'Escape') {
      // Closes the list only; the page's Esc (hide) sees it handled.
      e.preventDefault();
      onClose();
    } else if (e.key === 'Tab') {
      onClose();
    }
  };

  return (
    <div className="quick-model-list" role="dialog" aria-label="Choose a model">
      <input
        ref={inputRef}
        type="text"
        className="quick-model-filter"
        placeholder="Filter models…"
        aria-label="Filter models"
        role="combobox"
        aria-expanded="true"
        aria-controls={listId}
        aria-activedescendant={shown.length ? `${listId}-${index}` : undefined}
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
        onBlur={(e) => {
          if (!e.currentTarget.parentElement?.contains(e.relatedTarget as Node | null)) onClose();
        }}
      />
      <ul id={listId} role="listbox" aria-label="Models">
        {shown.map((m, i) => (
          <li
            key={m.id}
            id={`${listId}-${i}`}
            role="option"
            aria-selected={i === index}
            className={i === index ? 'active' : undefined}
            // Keep the focus in the filter (so its blur does not close the list before the click).
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => onPick(m.id)}
          >
            <span className="quick-model-name">{m.name}</span>
            <span className="quick-model-meta">
              {[m.parameterSize, m.providerLabel].filter(Boolean).join(' · ')}
              {m.id === model ? ' · current' : ''}
            </span>
          </li>
        ))}
        {!shown.length && (
          <li className="quick-model-none" role="presentation">
            {models.length ? 'No model matches.' : 'No models.'}
          </li>
        )}
      </ul>
    </div>
  );
}
