/**
 * Extra OpenAI-compatible endpoints (LM Studio, vLLM, OpenRouter…), each its own provider in the
 * model list. Keys are write-only: the page only learns whether one is stored.
 */
import { useState, type KeyboardEvent } from 'react';
import type { SettingsView } from '../../../../shared/types/domain';
import { useAppStore } from '../../app/store';

type Endpoint = SettingsView['openaiEndpoints'][number];
interface Draft {
  id?: string;
  label: string;
  baseUrl: string;
  apiKey: string;
}

export function EndpointsSection() {
  const endpoints = useAppStore((s) => s.settings?.openaiEndpoints ?? []);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  const store = async (
    next: { id?: string; label: string; baseUrl: string; apiKey?: string | null }[],
    done: string,
  ) => {
    setError(null);
    setStatus(null);
    const { updateSettings, loadModels } = useAppStore.getState();
    if (await updateSettings({ openaiEndpoints: next })) {
      setDraft(null);
      setStatus(done);
      void loadModels();
    } else {
      // Shown here, beside the endpoint, rather than at the foot of the page.
      setError(useAppStore.getState().settingsError ?? 'Could not save the endpoint; check the base URL.');
      useAppStore.setState({ settingsError: null });
    }
  };
  const keep = (e: Endpoint) => ({ id: e.id, label: e.label, baseUrl: e.baseUrl });

  const saveDraft = () => {
    if (!draft) return;
    const label = draft.label.trim();
    const baseUrl = draft.baseUrl.trim();
    if (!label || !baseUrl) return setError('Give the endpoint a name and a base URL.');
    try {
      const u = new URL(baseUrl);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
    } catch {
      return setError('The base URL must start with http:// or https://, e.g. http://127.0.0.1:1234/v1');
    }
    const edited = {
      ...(draft.id ? { id: draft.id } : {}),
      label,
      baseUrl,
      ...(draft.apiKey ? { apiKey: draft.apiKey } : {}),
    };
    const next = draft.id
      ? endpoints.map((e) => (e.id === draft.id ? edited : keep(e)))
      : [...endpoints.map(keep), edited];
    void store(next, `Saved ${label}.`);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.target as HTMLElement).tagName === 'INPUT') {
      e.preventDefault();
      saveDraft();
    } else if (e.key === 'Escape') setDraft(null);
  };

  return (
    <section className="settings-form endpoints" aria-labelledby="endpoints-title">
      <fieldset>
        <legend id="endpoints-title">More OpenAI-compatible endpoints</legend>
        {endpoints.length === 0 && !draft && (
          <p className="muted">
            None yet. Add LM Studio, llama.cpp, vLLM, OpenRouter or another OpenAI-compatible API.
          </p>
        )}
        <ul className="endpoint-list" aria-label="Endpoints">
          {endpoints.map((e) => (
            <li key={e.id} className="endpoint-item">
              <span className="endpoint-label">{e.label}</span>
              <span className="muted endpoint-url">{e.baseUrl}</span>
              <span className="muted">{e.apiKeySet ? 'key stored' : 'no key'}</span>
              <button
                type="button"
                className="btn btn-ghost btn-small"
                aria-label={`Edit ${e.label}`}
                onClick={() => setDraft({ id: e.id, label: e.label, baseUrl: e.baseUrl, apiKey: '' })}
              >
                Edit
              </button>
              <button
                type="button"
                className="btn btn-ghost btn-small"
                aria-label={`Remove ${e.label}`}
                onClick={() => void store(endpoints.filter((x) => x.id !== e.id).map(keep), `Removed ${e.label}.`)}
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
            aria-label={draft.id ? 'Edit endpoint' : 'New endpoint'}
            onKeyDown={onKeyDown}
          >
            <label>
              Endpoint name
              <input
                type="text"
                value={draft.label}
                maxLength={80}
                placeholder="LM Studio"
                onChange={(e) => setDraft({ ...draft, label: e.target.value })}
                autoFocus
              />
            </label>
            <label>
              Endpoint base URL
              <input
                type="url"
                value={draft.baseUrl}
                placeholder="http://127.0.0.1:1234/v1"
                onChange={(e) => setDraft({ ...draft, baseUrl: e.target.value })}
              />
            </label>
            <label>
              Endpoint API key
              <input
                type="password"
                autoComplete="off"
                value={draft.apiKey}
                placeholder={
                  draft.id && endpoints.find((e) => e.id === draft.id)?.apiKeySet
                    ? 'A key is stored (encrypted). Type to replace it.'
                    : 'Optional for local servers'
                }
                onChange={(e) => setDraft({ ...draft, apiKey: e.target.value })}
              />
            </label>
            <div className="endpoint-buttons">
              <button type="button" className="btn btn-primary" onClick={saveDraft}>
                Save endpoint
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
              setDraft({ label: '', baseUrl: '', apiKey: '' });
            }}
          >
            Add endpoint
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
