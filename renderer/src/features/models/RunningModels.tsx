/**
 * Models Ollama holds in memory ('models.running'): memory and VRAM, when each unloads, Unload.
 * Refreshed every few seconds while the page is visible.
 */
import { useEffect, useState } from 'react';
import type { RunningModel } from '../../../../shared/types/domain';
import { useAppStore } from '../../app/store';
import { formatBytes, formatContext, formatExpiry } from './format';

const REFRESH_MS = 4000;

function where(m: RunningModel): string {
  if (!m.sizeBytes) return '—';
  if (m.vramBytes <= 0) return 'CPU only';
  if (m.vramBytes >= m.sizeBytes) return `${formatBytes(m.vramBytes)} (all on the GPU)`;
  const pct = Math.round((m.vramBytes / m.sizeBytes) * 100);
  return `${formatBytes(m.vramBytes)} (${pct}% on the GPU, the rest on the CPU)`;
}

export function RunningModels({ serverLabel }: { serverLabel: string }) {
  const running = useAppStore((s) => s.running);
  const error = useAppStore((s) => s.runningError);
  // The same failure as the installed list above (the server is down): said once, there.
  const sameAsAbove = useAppStore((s) => !!s.runningError && s.runningError === s.installedError);
  const server = useAppStore((s) => s.managerServer);
  const { loadRunning, unloadModel } = useAppStore.getState();
  const [now, setNow] = useState(() => Date.now());
  const [busy, setBusy] = useState<string | null>(null);

  useEffect(() => {
    const tick = () => {
      if (document.visibilityState !== 'visible') return;
      setNow(Date.now());
      void loadRunning();
    };
    const t = setInterval(tick, REFRESH_MS);
    document.addEventListener('visibilitychange', tick);
    return () => {
      clearInterval(t);
      document.removeEventListener('visibilitychange', tick);
    };
  }, [loadRunning, server]);

  return (
    <section className="models-section" aria-labelledby="running-title">
      <div className="models-section-head">
        <h2 id="running-title">Running on {serverLabel}</h2>
        <span className="muted">refreshed every few seconds</span>
      </div>
      {error &&
        (sameAsAbove ? (
          <p className="models-empty">Shown once {serverLabel} answers again.</p>
        ) : (
          <p className="pull-error" role="alert">
            {error}
          </p>
        ))}
      {running === null ? (
        !error && <p className="models-empty">Checking which models are loaded…</p>
      ) : running.length === 0 ? (
        <p className="models-empty">
          No model is loaded right now. Ollama loads a model when a chat uses it and unloads it after a few idle minutes
          (the chat’s keep-alive setting).
        </p>
      ) : (
        <div className="table-wrap">
          <table className="models-table" aria-label="Running models">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Memory</th>
                <th scope="col">VRAM</th>
                <th scope="col">Context</th>
                <th scope="col">Unloads</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {running.map((m) => (
                <tr key={m.id}>
                  <th scope="row" className="model-name">
                    {m.name}
                  </th>
                  <td>{formatBytes(m.sizeBytes)}</td>
                  <td>{where(m)}</td>
                  <td>{formatContext(m.contextLength)}</td>
                  <td>{formatExpiry(m.expiresAt, now)}</td>
                  <td className="model-actions">
                    <button
                      type="button"
                      className="btn btn-small"
                      aria-label={`Unload ${m.name}`}
                      disabled={busy === m.id}
                      onClick={() => {
                        setBusy(m.id);
                        void unloadModel(m).finally(() => setBusy(null));
                      }}
                    >
                      {busy === m.id ? 'Unloading…' : 'Unload'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
