/**
 * Add or edit one image backend: kind, name, base URL, and the kind's credentials (AUTOMATIC1111's
 * --api-auth user name and password, OpenAI's API key). Secrets are write-only: the form only knows
 * whether one is stored, and a blank field keeps it. Enter saves, Escape cancels.
 */
import type { KeyboardEvent } from 'react';
import { IMAGE_BACKEND_NAMES, type ImageBackendView } from '../../../../../shared/types/images';
import { BACKEND_KINDS, DEFAULT_URL, withKind, type BackendDraft } from './backend-form';

export function BackendForm(props: {
  draft: BackendDraft;
  /** The backend being edited, as stored. */
  stored?: ImageBackendView;
  busy: boolean;
  onChange(d: BackendDraft): void;
  onSave(): void;
  onCancel(): void;
  /** Remove the stored OpenAI key (sent as null). */
  onRemoveKey(): void;
}) {
  const { draft, stored, busy, onChange, onSave, onCancel, onRemoveKey } = props;
  const set = (patch: Partial<BackendDraft>) => onChange({ ...draft, ...patch });
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.target as HTMLElement).tagName === 'INPUT') {
      e.preventDefault();
      onSave();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      onCancel();
    }
  };

  return (
    <div
      className="endpoint-form image-backend-form"
      role="group"
      aria-label={draft.id ? `Edit ${stored?.label ?? 'image backend'}` : 'New image backend'}
      onKeyDown={onKeyDown}
    >
      <label>
        Kind
        <select
          value={draft.kind}
          disabled={!!draft.id}
          onChange={(e) => onChange(withKind(draft, e.target.value as BackendDraft['kind']))}
        >
          {BACKEND_KINDS.map((k) => (
            <option key={k} value={k}>
              {IMAGE_BACKEND_NAMES[k]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Name
        <input
          type="text"
          value={draft.label}
          maxLength={80}
          onChange={(e) => set({ label: e.target.value })}
          autoFocus
        />
      </label>
      <label>
        Address (base URL)
        <input
          type="url"
          value={draft.baseUrl}
          placeholder={DEFAULT_URL[draft.kind]}
          spellCheck={false}
          onChange={(e) => set({ baseUrl: e.target.value })}
        />
      </label>
      {draft.kind === 'a1111' && <A1111Fields draft={draft} stored={stored} set={set} />}
      {draft.kind === 'comfyui' && (
        <small className="muted">
          The built-in text-to-image workflow is always there; import your own workflows once the backend is saved.
        </small>
      )}
      {draft.kind === 'openai' && <OpenAiFields draft={draft} stored={stored} set={set} onRemoveKey={onRemoveKey} />}
      <div className="endpoint-buttons">
        <button type="button" className="btn btn-primary" disabled={busy} onClick={onSave}>
          {busy ? 'Saving…' : 'Save backend'}
        </button>
        <button type="button" className="btn btn-ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}

function A1111Fields({
  draft,
  stored,
  set,
}: {
  draft: BackendDraft;
  stored?: ImageBackendView;
  set(p: Partial<BackendDraft>): void;
}) {
  return (
    <>
      <small className="muted">
        Start AUTOMATIC1111 or Forge with --api. The user and password are only needed when it also runs with --api-auth
        user:password.
      </small>
      <label>
        User for --api-auth (optional)
        <input
          type="text"
          autoComplete="off"
          value={draft.username}
          onChange={(e) => set({ username: e.target.value })}
        />
      </label>
      <label>
        Password
        <input
          type="password"
          autoComplete="off"
          value={draft.password}
          placeholder={stored?.passwordSet ? 'A password is stored. Leave blank to keep it.' : ''}
          aria-describedby="image-backend-password-note"
          onChange={(e) => set({ password: e.target.value })}
        />
      </label>
      <small id="image-backend-password-note" className="muted">
        {stored?.passwordSet ? 'A password is stored (encrypted). ' : 'Stored encrypted. '}
        Clearing the user removes it.
      </small>
      {stored?.secretUnreadable && <UnreadableWarning what="password" />}
    </>
  );
}

function OpenAiFields({
  draft,
  stored,
  set,
  onRemoveKey,
}: {
  draft: BackendDraft;
  stored?: ImageBackendView;
  set(p: Partial<BackendDraft>): void;
  onRemoveKey(): void;
}) {
  return (
    <>
      <label>
        API key
        <input
          type="password"
          autoComplete="off"
          value={draft.apiKey}
          placeholder={stored?.apiKeySet ? 'Leave blank to keep the stored key' : 'sk-…'}
          aria-describedby="image-backend-key-note"
          onChange={(e) => set({ apiKey: e.target.value })}
        />
      </label>
      <small id="image-backend-key-note" className="muted">
        {stored?.apiKeySet
          ? 'A key is stored (encrypted). Type a new one to replace it; a blank field keeps it.'
          : 'Stored encrypted. Without a key, OPENAI_API_KEY is used when it is set.'}
      </small>
      {stored?.secretUnreadable && <UnreadableWarning what="API key" />}
      {stored && (stored.apiKeySet || stored.secretUnreadable) && (
        <div>
          <button type="button" className="btn btn-ghost btn-small" onClick={onRemoveKey}>
            Remove key
          </button>
        </div>
      )}
    </>
  );
}

export function UnreadableWarning({ what }: { what: string }) {
  return (
    <p className="pull-error" role="alert">
      The stored {what} can no longer be read: the secret key it was encrypted with changed (WEBUI_SECRET_KEY, or this
      computer’s key store). Enter the {what} again.
    </p>
  );
}
