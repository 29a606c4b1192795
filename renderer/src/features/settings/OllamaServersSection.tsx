/**
 * Extra Ollama servers (a GPU box, a laptop's), each its own provider in the model list and a
 * choice on the Models page. Saved at once through settings.update (the whole list).
 */
import { useState, type KeyboardEvent } from 'react';
import { useAppStore } from '../../app/store';

interface Draft {
  id?: string;
  label: string;
  baseUrl: string;
}

export function OllamaServersSection() {
  const servers = useAppStore((s) => s.settings?.ollamaServers ?? []);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  const store = async (next: Draft[], done: string) => {
    setError(null);
    setStatus(null);
    const { updateSettings, loadModels, loadOllamaStatus } = useAppStore.getState();
    if (await updateSettings({ ollamaServers: next })) {
      setDraft(null);
      setStatus(done);
      void loadModels();
      void loadOllamaStatus();
    } else {
      setError(useAppStore.getState().settingsError ?? 'Could not save the server; check its URL.');
      useAppStore.setState({ settingsError: null });
    }
  };
  const keep = (s: Draft) => ({ id: s.id, label: s.label, baseUrl: s.baseUrl });

  const saveDraft = () => {
    if (!draft) return;
    const label = draft.label.trim();
    const baseUrl = draft.baseUrl.trim();
    if (!label || !baseUrl) return setError('Give the server a name and a URL.');
    try {
      const u = new URL(baseUrl);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
    } catch {
      return setError('The URL must start with http:// or https://, for example http://192.168.1.20:11434');
    }
    if (servers.some((s) => s.id !== draft.id && s.label.toLowerCase() === label.toLowerCase()))
      return setError(`There is already a server called “${label}”; pick another name.`);
    const edited = { ...(draft.id ? { id: draft.id } : {}), label, baseUrl };
    const next = draft.id ? servers.map((s) => (s.id === draft.id ? edited : keep(s))) : [...servers.map(keep), edited];
    void store(next, `Saved ${label}.`);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.target as HTMLElement).tagName === 'INPUT') {
      e.preventDefault();
      saveDraft();
    } else if (e.key === 'Escape') setDraft(null);
  };

  return (
    <section className="settings-form endpoints" aria-labelledby="ollama-servers-title">
      <fieldset>
        <legend id="ollama-servers-title">More Ollama servers</legend>
        {servers.length === 0 && !draft && (
          <p className="muted">
            None yet. Add another machine’s Ollama (started with OLLAMA_HOST=0.0.0.0) to use its models beside this one.
          </p>
        )}
        <ul className="endpoint-list" aria-label="Extra Ollama servers">
          {servers.map((s) => (
            <li key={s.id} className="endpoint-item">
              <span className="endpoint-label">{s.label}</span>
              <span className="muted endpoint-url">{s.baseUrl}</span>
              <button
                type="button"
                className="btn btn-ghost btn-small"
                aria-label={`Edit ${s.label}`}
                onClick={() => setDraft({ id: s.id, label: s.label, baseUrl: s.baseUrl })}
              >
                Edit
              </button>
              <button
                type="button"
                className="btn btn-ghost btn-small"
                aria-label={`Remove ${s.label}`}
                onClick={() => void store(servers.filter((x) => x.id !== s.id).map(keep), `Removed ${s.label}.`)}
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
            aria-label={draft.id ? 'Edit Ollama server' : 'New Ollama server'}
            onKeyDown={onKeyDown}
          >
            <label>
              Server name
              <input
                type="text"
                value={draft.label}
                maxLength={80}
                placeholder="GPU box"
                onChange={(e) => setDraft({ ...draft, label: e.target.value })}
                autoFocus
              />
            </label>
            <label>
              Server URL
              <input
                type="url"
                value={draft.baseUrl}
                placeholder="http://192.168.1.20:11434"
                onChange={(e) => setDraft({ ...draft, baseUrl: e.target.value })}
              />
            </label>
            <div className="endpoint-buttons">
              <button type="button" className="btn btn-primary" onClick={saveDraft}>
                Save server
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
              setDraft({ label: '', baseUrl: '' });
            }}
          >
            Add Ollama server
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
