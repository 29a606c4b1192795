/**
 * Settings → Sync: the PostgreSQL connection string (write-only, or read-only from DATABASE_URL),
 * a connection test, on/off, device name, attachment size cap, schema (advanced); the end-to-end
 * encryption passphrase (PassphraseSection); and the status with Sync now. Every call's failure is
 * shown in plain words beside what made it.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { SyncStatus } from '../../../../shared/types/domain';
import { useAppStore } from '../../app/store';
import { PassphraseSection } from './PassphraseSection';
import { SyncFacts, SyncMark } from './SyncFacts';
import { EMPTY_DRAFT, isDirty, MAX_ATTACHMENT_MB, syncPatch, testText, type SyncDraft } from './sync-form';
import type { SyncPatch } from './sync-slice';

export function SyncPanel() {
  const status = useAppStore((s) => s.syncStatus);
  const loadError = useAppStore((s) => (s.syncError?.action === 'load' ? s.syncError.message : null));
  const { loadSyncStatus } = useAppStore.getState();

  // Counts of rows waiting change without an event: read them afresh when the page opens.
  useEffect(() => {
    void loadSyncStatus();
  }, [loadSyncStatus]);

  return (
    <section id="sync-panel" tabIndex={-1} className="settings-form sync-panel" aria-labelledby="sync-panel-title">
      {status ? (
        <>
          <ConnectionForm status={status} />
          <PassphraseSection status={status} />
          <StatusSection status={status} />
        </>
      ) : (
        <fieldset>
          <legend id="sync-panel-title">Sync</legend>
          {loadError ? (
            <>
              <p role="alert">{loadError}</p>
              <div>
                <button type="button" className="btn" onClick={() => void loadSyncStatus()}>
                  Try again
                </button>
              </div>
            </>
          ) : (
            <p className="muted">Reading the sync settings…</p>
          )}
        </fieldset>
      )}
    </section>
  );
}

function ConnectionForm({ status }: { status: SyncStatus }) {
  const busy = useAppStore((s) => s.syncBusy);
  const error = useAppStore((s) =>
    s.syncError?.action === 'configure' && s.syncError.from !== 'passphrase' ? s.syncError.message : null,
  );
  const testResult = useAppStore((s) => s.syncTestResult);
  const testError = useAppStore((s) => (s.syncError?.action === 'test' ? s.syncError.message : null));
  const { configureSync, testSync, clearSyncTest } = useAppStore.getState();
  const [draft, setDraft] = useState<SyncDraft>(EMPTY_DRAFT);
  const [showUrl, setShowUrl] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const fromEnv = status.urlSource === 'env';
  const hasUrl = !!status.url || (!fromEnv && draft.url.trim() !== '');
  const schemaShown = draft.schema?.trim() || status.schema;

  const edit = (patch: Partial<SyncDraft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setProblem(null);
    setSaved(null);
    if (patch.url !== undefined || patch.schema !== undefined) clearSyncTest();
  };

  const apply = async (patch: SyncPatch, message: string) => {
    setSaved(null);
    if (!(await configureSync(patch, 'connection'))) return false;
    setSaved(message);
    return true;
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const r = syncPatch(draft, status);
    if ('error' in r) return setProblem(r.error);
    setProblem(null);
    if (Object.keys(r.patch).length === 0 || (await apply(r.patch, 'Saved.'))) setDraft(EMPTY_DRAFT);
  };

  const toggle = async (on: boolean) => {
    const patch: SyncPatch = { enabled: on };
    // Turning sync on with a connection string typed and not yet saved saves it too.
    if (on && !fromEnv && draft.url.trim()) patch.url = draft.url.trim();
    if (await apply(patch, on ? 'Sync is on.' : 'Sync is off. Nothing was deleted, here or in the database.')) {
      if (patch.url) setDraft((d) => ({ ...d, url: '' }));
    }
  };

  return (
    <form onSubmit={(e) => void save(e)} noValidate>
      <fieldset>
        <legend id="sync-panel-title">Sync</legend>
        <p className="muted">
          Share your history between devices through a PostgreSQL database. Each device keeps its own copy and works
          offline; changes meet in the database when it can be reached.
        </p>
        {fromEnv ? (
          <label>
            Connection string
            <input type="text" readOnly value={status.url ?? ''} aria-describedby="sync-url-note" />
          </label>
        ) : (
          <>
            <label htmlFor="sync-url">Connection string</label>
            <span className="sync-url-row">
              <input
                id="sync-url"
                type={showUrl ? 'text' : 'password'}
                autoComplete="off"
                spellCheck={false}
                value={draft.url}
                aria-describedby="sync-url-note"
                placeholder={
                  status.url
                    ? 'Type a new one to replace the stored one'
                    : 'postgresql://user:password@host:5432/database'
                }
                onChange={(e) => edit({ url: e.target.value })}
              />
              <button
                type="button"
                className="btn btn-ghost btn-small"
                aria-pressed={showUrl}
                aria-controls="sync-url"
                onClick={() => setShowUrl((v) => !v)}
              >
                {showUrl ? 'Hide' : 'Show'}
              </button>
            </span>
          </>
        )}
        <small id="sync-url-note" className="muted">
          {fromEnv
            ? 'From DATABASE_URL; change it there.'
            : status.url
              ? `Stored (encrypted) on this device: ${status.url}. DATABASE_URL, when set, takes its place.`
              : 'Stored encrypted on this device. DATABASE_URL, when set, takes its place.'}
        </small>
        <div className="data-actions">
          <button
            type="button"
            className="btn"
            disabled={busy.test || !hasUrl}
            onClick={() =>
              void testSync({
                url: (!fromEnv && draft.url.trim()) || undefined,
                schema: draft.schema?.trim() || undefined,
              })
            }
          >
            {busy.test && <span className="sync-spinner" aria-hidden="true" />} Test connection
          </button>
          {status.urlSource === 'settings' && (
            <button
              type="button"
              className="btn btn-ghost"
              disabled={busy.configure}
              onClick={() => void apply({ url: null }, 'The stored connection string was removed.')}
            >
              Remove stored connection string
            </button>
          )}
        </div>
        {busy.test && <p role="status">Testing the connection…</p>}
        {!busy.test && testResult && (
          <p className={testResult.ok ? 'sync-test-ok' : 'pull-error'} role={testResult.ok ? 'status' : 'alert'}>
            {testText(testResult, schemaShown)}
          </p>
        )}
        {!busy.test && testError && (
          <p className="pull-error" role="alert">
            {testError}
          </p>
        )}
        <label className="settings-check">
          <input
            type="checkbox"
            role="switch"
            checked={status.enabled}
            disabled={busy.configure || (!status.enabled && !hasUrl)}
            aria-describedby="sync-enable-note"
            onChange={(e) => void toggle(e.target.checked)}
          />
          Sync this device
        </label>
        <small id="sync-enable-note" className="muted">
          {!hasUrl && !status.enabled
            ? 'Enter a connection string first.'
            : status.enabled
              ? 'On: changes go up a moment after they are made, and other devices’ changes come down.'
              : 'Off: nothing leaves this device.'}
        </small>
        <label>
          Device name
          <input
            type="text"
            maxLength={100}
            value={draft.deviceName ?? status.deviceName}
            onChange={(e) => edit({ deviceName: e.target.value })}
          />
        </label>
        <label>
          Attachment size cap (MB)
          <input
            type="number"
            inputMode="numeric"
            min={0}
            max={MAX_ATTACHMENT_MB}
            step={1}
            value={draft.maxAttachmentMb ?? String(status.maxAttachmentMb)}
            aria-describedby="sync-cap-note"
            onChange={(e) => edit({ maxAttachmentMb: e.target.value })}
          />
        </label>
        <small id="sync-cap-note" className="muted">
          Files larger than this stay on the device they were attached on (their messages still sync). 0 syncs no files.
        </small>
        <details className="sync-advanced">
          <summary>Advanced</summary>
          <label>
            Schema
            <input
              type="text"
              spellCheck={false}
              value={draft.schema ?? status.schema}
              aria-describedby="sync-schema-note"
              onChange={(e) => edit({ schema: e.target.value })}
            />
          </label>
          <small id="sync-schema-note" className="muted">
            The PostgreSQL schema Hearth keeps its tables in (lower-case letters, digits and _). Several separate
            histories can share one database under different schemas. Changing the connection string or the schema
            starts over with that database: everything here is sent there, and everything there comes down.
          </small>
        </details>
        {problem && (
          <p className="pull-error" role="alert">
            {problem}
          </p>
        )}
        {error && (
          <div className="banner banner-error" role="alert">
            {error}
          </div>
        )}
        {saved && !error && (
          <div className="banner banner-ok" role="status">
            {saved}
          </div>
        )}
        <div className="data-actions">
          <button type="submit" className="btn btn-primary" disabled={busy.configure || !isDirty(draft)}>
            Save sync settings
          </button>
          {isDirty(draft) && (
            <button
              type="button"
              className="btn btn-ghost"
              onClick={() => {
                setDraft(EMPTY_DRAFT);
                setProblem(null);
                clearSyncTest();
              }}
            >
              Discard changes
            </button>
          )}
        </div>
      </fieldset>
    </form>
  );
}

function StatusSection({ status }: { status: SyncStatus }) {
  const busy = useAppStore((s) => s.syncBusy.now);
  const error = useAppStore((s) => (s.syncError?.action === 'now' ? s.syncError.message : null));
  const pausing = useAppStore((s) => s.syncBusy.configure);
  const { syncNow, configureSync } = useAppStore.getState();
  const running = busy || status.state === 'syncing';
  return (
    <fieldset className="sync-status">
      <legend>Status</legend>
      <p className={`sync-state sync-${status.state}`}>
        <SyncMark state={status.state} />{' '}
        {status.state === 'off'
          ? status.enabled
            ? 'Sync is on but has no connection string.'
            : 'Sync is off.'
          : `${status.url ?? ''} · schema ${status.schema}`}
      </p>
      <SyncFacts status={status} />
      {error && error !== status.lastError && (
        <p className="pull-error" role="alert">
          {error}
        </p>
      )}
      <div className="data-actions">
        <button
          type="button"
          className="btn"
          disabled={running || !status.enabled || !status.url}
          onClick={() => void syncNow()}
        >
          {running && <span className="sync-spinner" aria-hidden="true" />} {running ? 'Syncing…' : 'Sync now'}
        </button>
        {status.enabled && (
          <button
            type="button"
            className="btn"
            disabled={pausing}
            aria-pressed={status.paused}
            title={
              status.paused
                ? 'Sync again in the background: after changes, every few minutes and when another device writes.'
                : 'Stop syncing in the background until resumed (kept across restarts). Sync now still works.'
            }
            onClick={() => void configureSync({ paused: !status.paused }, 'pause')}
          >
            {status.paused ? 'Resume sync' : 'Pause sync'}
          </button>
        )}
      </div>
      {status.enabled && status.paused && (
        <p className="muted" role="status">
          Sync is paused: nothing is sent or received in the background until you resume it.
        </p>
      )}
    </fieldset>
  );
}
