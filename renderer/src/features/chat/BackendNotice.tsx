import { useAppStore } from '../../app/store';

/** Explains, in plain words, why there are no models to pick, with a way to retry. */
export function BackendNotice() {
  const providers = useAppStore((s) => s.providers);
  const modelsError = useAppStore((s) => s.modelsError);
  const loading = useAppStore((s) => s.modelsLoading);
  const count = useAppStore((s) => s.models.length);
  const { loadModels, setView } = useAppStore.getState();
  const failing = providers.filter((p) => !p.ok);
  const ollama = providers.find((p) => p.kind === 'ollama');
  const noOllamaModels = ollama?.ok && ollama.models === 0;
  if (!modelsError && failing.length === 0 && !noOllamaModels) return null;
  return (
    <div className={count === 0 ? 'banner banner-error' : 'banner banner-warn'} role="alert">
      {modelsError && <p>{modelsError}</p>}
      {failing.map((p) => (
        <p key={p.providerId}>{p.error}</p>
      ))}
      {noOllamaModels && (
        <p>Ollama is running but has no models yet. Pull one with “ollama pull llama3.2”, then retry.</p>
      )}
      <div className="banner-actions">
        <button type="button" className="btn" onClick={() => void loadModels()} disabled={loading}>
          {loading ? 'Checking…' : 'Retry'}
        </button>
        <button type="button" className="btn btn-ghost" onClick={() => setView('settings')}>
          Open settings
        </button>
      </div>
    </div>
  );
}
