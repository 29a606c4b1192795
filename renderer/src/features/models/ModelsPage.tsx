/**
 * The model manager (Ctrl/Cmd+Shift+M): pick an Ollama server when there are several, pull models
 * with live progress, see what is installed and what is loaded, details, delete, unload.
 */
import { useEffect, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../../app/store';
import { STATE_TEXT } from '../ollama/status-text';
import { InstalledModels } from './InstalledModels';
import { ModelDetailsPanel } from './ModelDetailsPanel';
import { PullForm, PullList } from './PullPanel';
import { RunningModels } from './RunningModels';

interface ServerChoice {
  providerId: string;
  label: string;
  state: string | null;
}

export function ModelsPage() {
  const server = useAppStore((s) => s.managerServer);
  const notice = useAppStore((s) => s.managerNotice);
  const statusServers = useAppStore((s) => s.ollamaStatus?.servers);
  const providers = useAppStore(useShallow((s) => s.providers.filter((p) => p.kind === 'ollama')));
  const { setManagerServer, refreshManager, setView } = useAppStore.getState();

  const servers: ServerChoice[] = useMemo(() => {
    if (statusServers?.length)
      return statusServers.map((s) => ({ providerId: s.providerId, label: s.label, state: STATE_TEXT[s.state] }));
    if (providers.length) return providers.map((p) => ({ providerId: p.providerId, label: p.label, state: null }));
    return [{ providerId: 'ollama', label: 'Ollama', state: null }];
  }, [statusServers, providers]);
  const labels = useMemo(() => new Map(servers.map((s) => [s.providerId, s.label])), [servers]);
  const serverLabel = labels.get(server) ?? server;

  useEffect(() => {
    void refreshManager();
  }, [refreshManager]);
  useEffect(() => {
    // The chosen server was removed in Settings: fall back to the primary.
    if (!servers.some((s) => s.providerId === server)) setManagerServer(servers[0]!.providerId);
  }, [servers, server, setManagerServer]);

  return (
    <section className="models-page" aria-labelledby="models-title">
      <header className="chat-header">
        <h1 className="chat-title" id="models-title">
          Models
        </h1>
        {servers.length > 1 && (
          <label className="server-select">
            <span className="muted">Server</span>
            <select aria-label="Ollama server" value={server} onChange={(e) => setManagerServer(e.target.value)}>
              {servers.map((s) => (
                <option key={s.providerId} value={s.providerId}>
                  {s.label}
                  {s.state ? ` (${s.state.toLowerCase()})` : ''}
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="button" className="btn btn-ghost" onClick={() => setView('chat')}>
          Back to chat
        </button>
      </header>
      <div className="models-body">
        <div className="models-main">
          <section className="models-section" aria-labelledby="pull-title">
            <h2 id="pull-title">Download a model</h2>
            <PullForm serverLabel={servers.length > 1 ? serverLabel : null} />
            <PullList serverLabels={servers.length > 1 ? labels : null} />
          </section>
          {notice && (
            <div
              className={notice.kind === 'ok' ? 'banner banner-ok models-banner' : 'banner banner-error models-banner'}
              role={notice.kind === 'ok' ? 'status' : 'alert'}
            >
              {notice.text}
            </div>
          )}
          <InstalledModels serverLabel={serverLabel} />
          <RunningModels serverLabel={serverLabel} />
        </div>
        <ModelDetailsPanel />
      </div>
    </section>
  );
}
