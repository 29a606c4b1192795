/**
 * An editable list of servers (name + URL, optionally more fields such as an API key), saved whole
 * through settings.update: the extra OpenAI-compatible endpoints and the extra Ollama servers.
 * Enter saves the form, Escape closes it; errors and confirmations appear beside the list.
 */
import { useState, type KeyboardEvent, type ReactNode } from 'react';

export interface ServerDraft {
  id?: string;
  label: string;
  baseUrl: string;
  apiKey?: string;
}

/** What goes back to settings.update: the stored entries as they are, the edited one with its new values. */
export type ServerEntry = { id?: string; label: string; baseUrl: string; apiKey?: string };

interface Item {
  id: string;
  label: string;
  baseUrl: string;
}

export interface ServerListText {
  /** Legend of the section, and the id it is labelled by. */
  title: string;
  titleId: string;
  /** Accessible name of the list. */
  listLabel: string;
  empty: string;
  /** "endpoint" or "server": in messages. */
  noun: string;
  add: string;
  save: string;
  newGroup: string;
  editGroup: string;
  nameLabel: string;
  namePlaceholder: string;
  urlLabel: string;
  urlPlaceholder: string;
}

export function ServerList<T extends Item>(props: {
  text: ServerListText;
  items: T[];
  /** More about a stored item, shown after its URL (e.g. whether a key is stored). */
  describe?: (item: T) => ReactNode;
  /** More fields in the form (e.g. an API key). */
  extraFields?: (draft: ServerDraft, setDraft: (d: ServerDraft) => void) => ReactNode;
  /** Store the whole list; resolves to an error message, or null when it was saved. */
  save: (next: ServerEntry[]) => Promise<string | null>;
}) {
  const { text, items, describe, extraFields, save } = props;
  const [draft, setDraft] = useState<ServerDraft | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  const store = async (next: ServerEntry[], done: string) => {
    setError(null);
    setStatus(null);
    const failed = await save(next);
    if (failed) return setError(failed);
    setDraft(null);
    setStatus(done);
  };
  const keep = (s: T): ServerEntry => ({ id: s.id, label: s.label, baseUrl: s.baseUrl });

  const saveDraft = () => {
    if (!draft) return;
    const label = draft.label.trim();
    const baseUrl = draft.baseUrl.trim();
    if (!label || !baseUrl) return setError(`Give the ${text.noun} a name and a URL.`);
    try {
      const u = new URL(baseUrl);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
    } catch {
      return setError(`The URL must start with http:// or https://, for example ${text.urlPlaceholder}`);
    }
    if (items.some((s) => s.id !== draft.id && s.label.toLowerCase() === label.toLowerCase()))
      return setError(`There is already a ${text.noun} called “${label}”; pick another name.`);
    const edited: ServerEntry = {
      ...(draft.id ? { id: draft.id } : {}),
      label,
      baseUrl,
      ...(draft.apiKey ? { apiKey: draft.apiKey } : {}),
    };
    const next = draft.id ? items.map((s) => (s.id === draft.id ? edited : keep(s))) : [...items.map(keep), edited];
    void store(next, `Saved ${label}.`);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.target as HTMLElement).tagName === 'INPUT') {
      e.preventDefault();
      saveDraft();
    } else if (e.key === 'Escape') setDraft(null);
  };

  return (
    <section className="settings-form endpoints" aria-labelledby={text.titleId}>
      <fieldset>
        <legend id={text.titleId}>{text.title}</legend>
        {items.length === 0 && !draft && <p className="muted">{text.empty}</p>}
        <ul className="endpoint-list" aria-label={text.listLabel}>
          {items.map((s) => (
            <li key={s.id} className="endpoint-item">
              <span className="endpoint-label">{s.label}</span>
              <span className="muted endpoint-url">{s.baseUrl}</span>
              {describe?.(s)}
              <button
                type="button"
                className="btn btn-ghost btn-small"
                aria-label={`Edit ${s.label}`}
                onClick={() => setDraft({ id: s.id, label: s.label, baseUrl: s.baseUrl, apiKey: '' })}
              >
                Edit
              </button>
              <button
                type="button"
                className="btn btn-ghost btn-small"
                aria-label={`Remove ${s.label}`}
                onClick={() => void store(items.filter((x) => x.id !== s.id).map(keep), `Removed ${s.label}.`)}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
        {draft ? (
          <div
            className="endpoint-form"
            role="group"
            aria-label={draft.id ? text.editGroup : text.newGroup}
            onKeyDown={onKeyDown}
          >
            <label>
              {text.nameLabel}
              <input
                type="text"
                value={draft.label}
                maxLength={80}
                placeholder={text.namePlaceholder}
                onChange={(e) => setDraft({ ...draft, label: e.target.value })}
                autoFocus
              />
            </label>
            <label>
              {text.urlLabel}
              <input
                type="url"
                value={draft.baseUrl}
                placeholder={text.urlPlaceholder}
                onChange={(e) => setDraft({ ...draft, baseUrl: e.target.value })}
              />
            </label>
            {extraFields?.(draft, setDraft)}
            <div className="endpoint-buttons">
              <button type="button" className="btn btn-primary" onClick={saveDraft}>
                {text.save}
              </button>
              <button type="button" className="btn btn-ghost" onClick={() => setDraft(null)}>
                Cancel
              </button>
            </div>
          </div>
        ) : (
          <button
            type="button"
            className="btn"
            onClick={() => {
              setStatus(null);
              setError(null);
              setDraft({ label: '', baseUrl: '', apiKey: '' });
            }}
          >
            {text.add}
          </button>
        )}
        {error && (
          <div className="banner banner-error" role="alert">
            {error}
          </div>
        )}
        {status && !error && (
          <div className="banner banner-ok" role="status">
            {status}
          </div>
        )}
      </fieldset>
    </section>
  );
}
