/**
 * Which image backend the page uses, with what it says about itself: none configured (how to add
 * one, and a button to Settings), a stored secret that cannot be read, options that could not be read.
 */
import { IMAGE_BACKEND_NAMES } from '../../../../shared/types/images';
import { useAppStore } from '../../app/store';

/** Settings, scrolled to its Image generation section. */
function openImageSettings(): void {
  useAppStore.getState().setView('settings');
  requestAnimationFrame(() => {
    const title = document.getElementById('image-settings-title');
    title?.scrollIntoView({ block: 'start' });
  });
}

export function BackendPicker() {
  const backends = useAppStore((s) => s.imageBackends);
  const loaded = useAppStore((s) => s.imageBackendsLoaded);
  const error = useAppStore((s) => s.imageBackendsError);
  const id = useAppStore((s) => s.imageBackendId);
  const opts = useAppStore((s) => (s.imageBackendId ? s.imageOptions[s.imageBackendId] : undefined));
  const { selectImageBackend, loadImageBackends, loadImageOptions } = useAppStore.getState();
  const backend = backends.find((b) => b.id === id);

  if (!loaded) return <p className="muted">Reading the image backends…</p>;
  if (error && !backends.length)
    return (
      <div className="banner banner-error images-banner" role="alert">
        <p>{error}</p>
        <button type="button" className="btn btn-small" onClick={() => void loadImageBackends()}>
          Try again
        </button>
      </div>
    );
  if (!backends.length)
    return (
      <div className="images-no-backend">
        <p>
          <strong>No image backend yet.</strong> Add AUTOMATIC1111, ComfyUI or OpenAI Images in Settings → Image
          generation.
        </p>
        <button type="button" className="btn btn-primary" onClick={openImageSettings}>
          Open Settings
        </button>
      </div>
    );

  return (
    <div className="images-backend">
      <label className="image-field">
        <span>Backend</span>
        <select value={id ?? ''} onChange={(e) => selectImageBackend(e.target.value)}>
          {backends.map((b) => (
            <option key={b.id} value={b.id}>
              {b.label === IMAGE_BACKEND_NAMES[b.kind] ? b.label : `${b.label} (${IMAGE_BACKEND_NAMES[b.kind]})`}
            </option>
          ))}
        </select>
      </label>
      {backend?.secretUnreadable && (
        <div className="banner banner-warn images-banner" role="status">
          <p>
            The stored {backend.kind === 'openai' ? 'API key' : 'password'} for {backend.label} can no longer be read:
            enter it again in Settings.
          </p>
          <button type="button" className="btn btn-small" onClick={openImageSettings}>
            Open Settings
          </button>
        </div>
      )}
      {backend && opts?.loading && !opts.options && (
        <p className="muted images-note">Asking {backend.label} what it offers…</p>
      )}
      {backend && opts?.error && (
        <div className="banner banner-error images-banner" role="alert">
          <p>
            {backend.label} did not say what it offers: {opts.error}
          </p>
          <button type="button" className="btn btn-small" onClick={() => void loadImageOptions(backend.id, true)}>
            Try again
          </button>
        </div>
      )}
    </div>
  );
}
