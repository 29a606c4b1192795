import { useAppStore } from '../../app/store';
import { NoOllama } from '../ollama/NoOllama';
import { BundledDown } from '../ollama/BundledDown';

/**
 * Explains, in plain words, why there are no models to pick, with a way to retry. When auto mode
 * found no Ollama at all, the no-Ollama screen takes the primary server's place.
 */
export function BackendNotice() {
  const providers = useAppStore((s) => s.providers);
  const modelsError = useAppStore((s) => s.modelsError);
  const loading = useAppStore((s) => s.modelsLoading);
  const count = useAppStore((s) => s.models.length);
  // While a retry from the no-Ollama screen runs, the screen stays (the server passes through 'starting').
  const noOllama = useAppStore(
    (s) => s.ollamaStatus?.servers[0]?.state === 'unavailable' || s.ollamaRetryingFrom === 'unavailable',
  );
  const bundled = useAppStore((s) =>
    s.ollamaStatus?.servers[0]?.kind === 'bundled' ? s.ollamaStatus.servers[0] : null,
  );
  const { loadModels, setView } = useAppStore.getState();
  const ollama = providers.find((p) => p.kind === 'ollama');
  const primary = providers.find((p) => p.providerId === 'ollama');
  const failing = providers.filter((p) => !p.ok && !(noOllama && p === primary));
  const noOllamaModels = ollama?.ok && ollama.models === 0;
  const screen = noOllama ? <NoOllama providerError={primary && !primary.ok ? primary.error : undefined} /> : null;
  if (!modelsError && failing.length === 0 && !noOllamaModels) return screen;
  return (
    <>
      {screen}
      <div className={count === 0 ? 'banner banner-error' : 'banner banner-warn'} role="alert">
        {modelsError && <p>{modelsError}</p>}
        {failing.map((p) =>
          p === primary && bundled && bundled.state !== 'running' ? (
            <BundledDown key={p.providerId} server={bundled} />
          ) : (
            <p key={p.providerId}>{p.error}</p>
          ),
        )}
        {noOllamaModels && (
          <p>
            Ollama is running but has no models yet. Pull one on the Models page or with “ollama pull llama3.2”, then
            retry.
          </p>
        )}
        <div className="banner-actions">
          <button type="button" className="btn" onClick={() => void loadModels()} disabled={loading}>
            {loading ? 'Checking…' : 'Retry'}
          </button>
          {noOllamaModels && (
            <button type="button" className="btn btn-ghost" onClick={() => setView('models')}>
              Open models
            </button>
          )}
          <button type="button" className="btn btn-ghost" onClick={() => setView('settings')}>
            Open settings
          </button>
        </div>
      </div>
    </>
  );
}
