/**
 * Shown in the chat area when auto mode found neither a reachable Ollama nor a bundled one: what
 * happened, how to install Ollama or point Hearth at one, and Retry (which re-runs the auto choice).
 */
import { useAppStore } from '../../app/store';
import { primaryServer } from './ollama-slice';

export const OLLAMA_DOWNLOAD_URL = 'https://ollama.com/download';

export function NoOllama({ providerError }: { providerError?: string }) {
  const server = useAppStore((s) => primaryServer(s.ollamaStatus));
  const configured = useAppStore((s) => s.settings?.ollamaBaseUrl ?? 'http://127.0.0.1:11434');
  const busy = useAppStore((s) => s.ollamaBusy === 'retry');
  const controlError = useAppStore((s) => s.ollamaControlError);
  const { controlOllama, setView } = useAppStore.getState();
  const checkedAt = useAppStore((s) => (s.ollamaControlError ? null : s.ollamaRetriedAt));
  // The technical cause, once: the provider's own words when the model list failed, else the runtime's.
  const reason = server?.kind === 'bundled' ? server.error : (providerError ?? server?.error);
  return (
    <section className="no-ollama" role="alert" aria-labelledby="no-ollama-title">
      <h2 id="no-ollama-title">Hearth can’t find Ollama</h2>
      {server?.kind === 'bundled' ? (
        <p>
          Hearth chats through Ollama, which runs the models on your computer. It is set to start its own Ollama, but
          that program is not there.
        </p>
      ) : (
        <p>
          Hearth chats through Ollama, which runs the models on your computer. It looked for one at{' '}
          <code>{server?.baseUrl ?? configured}</code> and found none, and this copy of Hearth has no Ollama of its own.
        </p>
      )}
      {reason && <p className="no-ollama-reason">{reason}</p>}
      <ol className="no-ollama-steps">
        <li>
          <strong>Install Ollama</strong> from{' '}
          <a href={OLLAMA_DOWNLOAD_URL} target="_blank" rel="noopener noreferrer">
            ollama.com/download
          </a>{' '}
          (macOS, Windows, Linux) and start it — it starts by itself after installing, or run <code>ollama serve</code>.
          Then get a model: <code>ollama pull llama3.2</code>, or pull one from Hearth’s Models page.
        </li>
        <li>
          <strong>Or point Hearth at an Ollama you already run</strong> (another port, another machine): set its address
          under Settings → Ollama URL, or start Hearth with <code>OLLAMA_BASE_URL=http://host:11434</code>.
        </li>
        <li>
          <strong>Or let Hearth run an Ollama program</strong> you already have: choose it under Settings → Bundled
          Ollama executable in the desktop app, or start <code>hearth serve --ollama-path FILE</code> (or set{' '}
          <code>HEARTH_OLLAMA_PATH</code>).
        </li>
      </ol>
      {controlError && <p className="pull-error">{controlError}</p>}
      {checkedAt && !busy && (
        <p className="muted">
          Looked again at {new Date(checkedAt).toLocaleTimeString()}: still no Ollama. Retry once it is installed and
          running.
        </p>
      )}
      <div className="banner-actions">
        <button type="button" className="btn btn-primary" onClick={() => void controlOllama('retry')} disabled={busy}>
          {busy ? 'Looking for Ollama…' : 'Retry'}
        </button>
        <button type="button" className="btn btn-ghost" onClick={() => setView('settings')}>
          Open settings
        </button>
      </div>
    </section>
  );
}
