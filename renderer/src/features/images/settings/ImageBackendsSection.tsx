/**
 * Settings → Image generation: the configured image backends (AUTOMATIC1111 / Forge, ComfyUI,
 * OpenAI Images) with add, edit, remove (after a confirmation) and a connection test; backends from
 * the environment are shown, not edited. ComfyUI backends list their imported workflows and import
 * more (WorkflowImport). Each change is saved at once; errors and results appear beside the list.
 */
import { useState } from 'react';
import { IMAGE_BACKEND_NAMES, type ImageBackendView } from '../../../../../shared/types/images';
import { client, ClientError } from '../../../client';
import { ConfirmDialog } from '../../models/ConfirmDialog';
import { BackendForm, UnreadableWarning } from './BackendForm';
import { backendInput, draftFor, ENV_NAME, newDraft, type BackendDraft } from './backend-form';
import { dropImageBackend, putImageBackend, useImageBackends } from './image-backends';
import { WorkflowImport } from './WorkflowImport';
import './image-settings.css';

const words = (err: unknown, fallback: string) => (err instanceof ClientError ? err.message : fallback);

export function ImageBackendsSection() {
  const { backends, error: loadError } = useImageBackends({ fresh: true });
  const list = backends ?? [];
  const [draft, setDraft] = useState<BackendDraft | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [removing, setRemoving] = useState<ImageBackendView | null>(null);
  const stored = draft?.id ? list.find((b) => b.id === draft.id) : undefined;

  const report = (ok: string | null, failed: string | null = null) => {
    setStatus(ok);
    setError(failed);
  };

  const save = async () => {
    if (!draft) return;
    const r = backendInput(draft, list, stored);
    if ('error' in r) return report(null, r.error);
    setBusy(true);
    try {
      const view = await client.call('images.saveBackend', r.input);
      putImageBackend(view);
      setDraft(null);
      report(draft.id ? 'Backend saved.' : 'Backend added.');
    } catch (err) {
      report(null, words(err, 'Could not save the backend; check its URL.'));
    } finally {
      setBusy(false);
    }
  };

  const removeKey = async () => {
    if (!stored) return;
    setBusy(true);
    try {
      const view = await client.call('images.saveBackend', {
        id: stored.id,
        kind: stored.kind,
        label: stored.label,
        baseUrl: stored.baseUrl,
        apiKey: null,
      });
      putImageBackend(view);
      report('The stored API key was removed.');
    } catch (err) {
      report(null, words(err, 'Could not remove the key.'));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (b: ImageBackendView) => {
    setBusy(true);
    try {
      await client.call('images.removeBackend', { id: b.id });
      dropImageBackend(b.id);
      if (draft?.id === b.id) setDraft(null);
      report('Backend removed. Images made with it stay in the gallery.');
    } catch (err) {
      report(null, words(err, `Could not remove ${b.label}.`));
    } finally {
      setBusy(false);
      setRemoving(null);
    }
  };

  return (
    <section className="settings-form endpoints image-settings" aria-labelledby="image-settings-title">
      <fieldset>
        <legend>
          <h2 id="image-settings-title" className="image-settings-title">
            Image generation
          </h2>
        </legend>
        <p className="muted">
          Make images on the Images page, or in a chat with /image and a prompt. Hearth talks to AUTOMATIC1111 or Forge,
          ComfyUI, or OpenAI’s image API.
        </p>
        {loadError && !backends && (
          <p className="pull-error" role="alert">
            {loadError}
          </p>
        )}
        {!backends && !loadError && <p className="muted">Reading the image backends…</p>}
        {backends && list.length === 0 && !draft && (
          <p className="muted">No image backend yet. Add one to start making images.</p>
        )}
        {list.length > 0 && (
          <ul className="endpoint-list image-backend-list" aria-label="Image backends">
            {list.map((b) => (
              <BackendItem
                key={b.id}
                backend={b}
                onEdit={() => {
                  report(null);
                  setDraft(draftFor(b));
                }}
                onRemove={() => setRemoving(b)}
                onChanged={(view, message) => {
                  putImageBackend(view);
                  report(message);
                }}
              />
            ))}
          </ul>
        )}
        {draft ? (
          <BackendForm
            draft={draft}
            stored={stored}
            busy={busy}
            onChange={(d) => {
              setDraft(d);
              setError(null);
            }}
            onSave={() => void save()}
            onCancel={() => {
              setDraft(null);
              setError(null);
            }}
            onRemoveKey={() => void removeKey()}
          />
        ) : (
          <div>
            <button
              type="button"
              className="btn"
              onClick={() => {
                report(null);
                setDraft(newDraft());
              }}
            >
              Add image backend
            </button>
          </div>
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
      {removing && (
        <ConfirmDialog
          title={`Remove ${removing.label}?`}
          confirmLabel="Remove"
          busy={busy}
          onConfirm={() => void remove(removing)}
          onCancel={() => setRemoving(null)}
        >
          <p>
            Its address{removing.kind === 'comfyui' ? ', imported workflows' : ''} and stored credentials are deleted.
            Images already made with it stay in the gallery.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function describe(b: ImageBackendView): string {
  if (b.kind === 'a1111')
    return b.username ? `user ${b.username}, ${b.passwordSet ? 'password stored' : 'no password'}` : 'no login';
  if (b.kind === 'openai') return b.apiKeySet ? 'key stored' : 'no key';
  const n = b.workflows.length;
  return n ? `${n} imported workflow${n === 1 ? '' : 's'}` : 'built-in workflow';
}

function BackendItem(props: {
  backend: ImageBackendView;
  onEdit(): void;
  onRemove(): void;
  onChanged(view: ImageBackendView, message: string): void;
}) {
  const { backend: b, onEdit, onRemove, onChanged } = props;
  const [testing, setTesting] = useState(false);
  const [test, setTest] = useState<{ ok: boolean; text: string } | null>(null);

  const runTest = async () => {
    setTesting(true);
    setTest(null);
    try {
      const r = await client.call('images.testBackend', { id: b.id });
      setTest(r.ok ? { ok: true, text: r.detail } : { ok: false, text: r.message });
    } catch (err) {
      setTest({ ok: false, text: words(err, `Could not test ${b.label}.`) });
    } finally {
      setTesting(false);
    }
  };

  return (
    <li className="endpoint-item image-backend-item" aria-label={b.label}>
      <span className="endpoint-label">{b.label}</span>
      <span className="image-backend-kind">{IMAGE_BACKEND_NAMES[b.kind]}</span>
      <span className="muted endpoint-url">{b.baseUrl}</span>
      {b.fromEnv && <span className="image-backend-badge">from {ENV_NAME[b.kind]}</span>}
      <span className="muted">{describe(b)}</span>
      <span className="image-backend-buttons">
        <button type="button" className="btn btn-ghost btn-small" disabled={testing} onClick={() => void runTest()}>
          {testing ? 'Testing…' : 'Test connection'}
        </button>
        {!b.fromEnv && (
          <>
            <button type="button" className="btn btn-ghost btn-small" aria-label={`Edit ${b.label}`} onClick={onEdit}>
              Edit
            </button>
            <button type="button" className="btn btn-ghost btn-small" onClick={onRemove}>
              Remove backend
            </button>
          </>
        )}
      </span>
      {b.secretUnreadable && (
        <div className="image-backend-wide">
          <UnreadableWarning what={b.kind === 'openai' ? 'API key' : 'password'} />
        </div>
      )}
      {(testing || test) && (
        <p className={`image-backend-wide ${test && !test.ok ? 'pull-error' : 'image-test-ok'}`} role="status">
          {testing ? 'Testing the connection…' : test?.text}
        </p>
      )}
      {b.kind === 'comfyui' && <Workflows backend={b} onChanged={onChanged} />}
    </li>
  );
}

function Workflows({
  backend: b,
  onChanged,
}: {
  backend: ImageBackendView;
  onChanged(view: ImageBackendView, message: string): void;
}) {
  const [importing, setImporting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);

  const remove = async (id: string, name: string) => {
    setBusyId(id);
    setError(null);
    try {
      onChanged(await client.call('images.removeWorkflow', { backendId: b.id, id }), `Removed the workflow ${name}.`);
    } catch (err) {
      setError(words(err, `Could not remove the workflow ${name}.`));
    } finally {
      setBusyId(null);
    }
  };

  return (
    <div className="image-backend-wide image-workflows">
      <ul aria-label={`Workflows of ${b.label}`}>
        <li>
          <span>Default text-to-image</span> <span className="muted">built in</span>
        </li>
        {b.workflows.map((w) => (
          <li key={w.id}>
            <span>{w.name}</span>
            <button
              type="button"
              className="btn btn-ghost btn-small"
              aria-label={`Remove workflow ${w.name}`}
              disabled={busyId === w.id}
              onClick={() => void remove(w.id, w.name)}
            >
              Remove
            </button>
          </li>
        ))}
      </ul>
      {error && (
        <p className="pull-error" role="alert">
          {error}
        </p>
      )}
      {importing ? (
        <WorkflowImport
          backend={b}
          onSaved={(view, name) => {
            setImporting(false);
            onChanged(view, `Saved the workflow ${name}.`);
          }}
          onCancel={() => setImporting(false)}
        />
      ) : (
        <div>
          <button
            type="button"
            className="btn btn-small"
            aria-label="Import workflow"
            onClick={() => {
              setError(null);
              setImporting(true);
            }}
          >
            Import workflow…
          </button>
        </div>
      )}
    </div>
  );
}
