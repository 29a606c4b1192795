/**
 * Pull a model by name (Enter pulls) and every download in progress: overall bar with percent and
 * bytes, a bar per layer, speed, ETA, the phase in words, Cancel; after a cancel Resume (Ollama
 * keeps the partial bytes), after a failure the reason and Retry. Several pulls run at once.
 */
import { useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../../app/store';
import { formatBytes, formatEta, formatSpeed } from './format';
import { PHASE_TEXT, percentOf, type ManagedPull } from './pull-progress';

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._\-/]*(:[A-Za-z0-9._-]+)?$/;

export function PullForm({ serverLabel }: { serverLabel: string | null }) {
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const n = name.trim();
    if (!n) return setError('Type the name of a model to download, for example llama3.2 or qwen2.5:0.5b.');
    if (!NAME_RE.test(n) || n.length > 400)
      return setError(`“${n}” is not a model name: use letters, digits, dots and dashes, with an optional :tag.`);
    setError(null);
    setName('');
    void useAppStore.getState().pullModel(n);
  };
  return (
    <form className="pull-form" onSubmit={submit} aria-label="Pull a model" noValidate>
      <label htmlFor="pull-model-name">
        Model name
        {serverLabel && <span className="muted"> (to {serverLabel})</span>}
      </label>
      <div className="pull-form-row">
        <input
          id="pull-model-name"
          type="text"
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            if (error) setError(null);
          }}
          placeholder="llama3.2:1b"
          autoComplete="off"
          spellCheck={false}
          aria-describedby="pull-model-hint"
          aria-invalid={!!error}
        />
        <button type="submit" className="btn btn-primary">
          Pull
        </button>
      </div>
      <small id="pull-model-hint" className="muted">
        Names and tags as in the{' '}
        <a href="https://ollama.com/library" target="_blank" rel="noopener noreferrer">
          Ollama library
        </a>
        . Enter starts the download; several can run at once.
      </small>
      {error && (
        <p className="pull-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

export function PullList({ serverLabels }: { serverLabels: Map<string, string> | null }) {
  const pulls = useAppStore(useShallow((s) => s.pullOrder.map((k) => s.pulls[k]).filter((p) => !!p)));
  if (pulls.length === 0) return null;
  return (
    <ul className="pull-list" aria-label="Downloads">
      {pulls.map((p) => (
        <PullCard key={p.key} pull={p} server={serverLabels?.get(p.providerId) ?? null} />
      ))}
    </ul>
  );
}

function PullCard({ pull: p, server }: { pull: ManagedPull; server: string | null }) {
  const { cancelPull, pullModel, dismissPull } = useAppStore.getState();
  const percent = percentOf(p);
  const active = !p.done;
  const bytes = p.total ? `${formatBytes(p.completed)} of ${formatBytes(p.total)}` : '';
  const phase = p.phase === 'downloading' ? (percent === null ? 'Downloading…' : 'Downloading') : PHASE_TEXT[p.phase];
  const summary = [percent !== null && p.phase !== 'success' ? `${percent}%` : null, bytes || null]
    .concat(p.phase === 'downloading' ? [formatSpeed(p.bytesPerSec) || null, formatEta(p.etaSec) || null] : [])
    .filter(Boolean)
    .join(' · ');
  return (
    <li className={`pull-card pull-card-${p.phase}`} aria-label={`Download of ${p.name}`}>
      <div className="pull-card-head">
        <strong className="pull-name">{p.name}</strong>
        {server && <span className="muted">on {server}</span>}
        <span className="pull-phase">{phase}</span>
      </div>
      <progress
        className="pull-bar"
        max={100}
        value={p.phase === 'success' ? 100 : (percent ?? (p.done ? 0 : undefined))}
        aria-label={`Downloading ${p.name}`}
        aria-valuetext={percent === null ? phase : `${percent}%`}
      />
      <div className="pull-summary" aria-live="polite">
        {summary || (active ? 'Waiting for Ollama…' : '')}
        {p.phase === 'cancelled' && ' — cancelled; what was downloaded is kept, Resume continues from there.'}
        {p.phase === 'success' && ` — ${p.name} is installed and can be picked in chats.`}
      </div>
      {p.layers.length > 0 && active && (
        <ul className="pull-layers" aria-label={`Layers of ${p.name}`}>
          {p.layers.map((l) => {
            const lp = l.total ? Math.floor((l.completed / l.total) * 100) : 0;
            const short = l.digest.replace(/^sha256:/, '').slice(0, 12);
            return (
              <li key={l.digest} className="pull-layer">
                <code>{short}</code>
                <progress max={100} value={lp} aria-label={`Layer ${short}`} aria-valuetext={`${lp}%`} />
                <span className="muted">{formatBytes(l.total)}</span>
              </li>
            );
          })}
        </ul>
      )}
      {p.error && (
        <p className="pull-error" role="alert">
          {p.error}
        </p>
      )}
      <div className="pull-actions">
        {active && (
          <button
            type="button"
            className="btn btn-small"
            aria-label={`Cancel download of ${p.name}`}
            onClick={() => void cancelPull(p.key)}
          >
            Cancel
          </button>
        )}
        {(p.phase === 'cancelled' || p.phase === 'error') && (
          <button
            type="button"
            className="btn btn-primary btn-small"
            aria-label={`${p.phase === 'cancelled' ? 'Resume' : 'Retry'} download of ${p.name}`}
            onClick={() => void pullModel(p.name, { providerId: p.providerId })}
          >
            {p.phase === 'cancelled' ? 'Resume' : 'Retry'}
          </button>
        )}
        {!active && (
          <button
            type="button"
            className="btn btn-ghost btn-small"
            aria-label={`Dismiss download of ${p.name}`}
            onClick={() => dismissPull(p.key)}
          >
            Dismiss
          </button>
        )}
      </div>
    </li>
  );
}
