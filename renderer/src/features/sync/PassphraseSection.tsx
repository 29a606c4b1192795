/**
 * Settings → Sync → End-to-end encryption: set, change or remove the passphrase, with the warning
 * that it cannot be recovered and that every device needs the same one. A passphrase from
 * HEARTH_SYNC_PASSPHRASE is shown as such, without controls.
 */
import { useState, type FormEvent } from 'react';
import type { SyncStatus } from '../../../../shared/types/domain';
import { useAppStore } from '../../app/store';
import { MIN_PASSPHRASE, passphraseProblem } from './sync-form';

export function PassphraseSection({ status }: { status: SyncStatus }) {
  const busy = useAppStore((s) => s.syncBusy.configure);
  const error = useAppStore((s) =>
    s.syncError?.action === 'configure' && s.syncError.from === 'passphrase' ? s.syncError.message : null,
  );
  const [passphrase, setPassphrase] = useState('');
  const [again, setAgain] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const { configureSync } = useAppStore.getState();
  const fromEnv = status.passphraseSource === 'env';

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    const p = passphraseProblem(passphrase, again);
    setProblem(p);
    if (p) return;
    if (await configureSync({ passphrase }, 'passphrase')) {
      setPassphrase('');
      setAgain('');
      setDone(status.encrypted ? 'Passphrase changed.' : 'Passphrase set.');
    }
  };

  const remove = async () => {
    setDone(null);
    setProblem(null);
    if (await configureSync({ passphrase: null }, 'passphrase')) {
      setConfirmRemove(false);
      setDone('Passphrase removed.');
    }
  };

  return (
    <fieldset className="sync-passphrase" aria-describedby="sync-passphrase-warning">
      <legend>End-to-end encryption</legend>
      <p>
        {status.encrypted
          ? 'On: everything but ids and versions is encrypted on this device before it goes to the database.'
          : 'Off: the database’s owner can read your history.'}
        {fromEnv && <small className="muted"> Passphrase from HEARTH_SYNC_PASSPHRASE; change it there.</small>}
      </p>
      <div id="sync-passphrase-warning" className="banner banner-warn sync-warning">
        <p>
          <strong>The passphrase cannot be recovered.</strong> Hearth keeps no copy anywhere else: without it, what is
          in the database cannot be read. Every device that syncs with this database needs the same passphrase.
        </p>
        <p>
          Set it before the first sync: a database that already holds unencrypted history stays unencrypted (use another
          schema for an encrypted sync).
        </p>
      </div>
      {!fromEnv && (
        <form className="sync-passphrase-form" onSubmit={(e) => void save(e)} noValidate>
          <label>
            {status.encrypted ? 'New passphrase' : 'Passphrase'}
            <input
              type="password"
              autoComplete="new-password"
              value={passphrase}
              minLength={MIN_PASSPHRASE}
              aria-invalid={problem ? true : undefined}
              aria-describedby={problem ? 'sync-passphrase-problem' : undefined}
              onChange={(e) => {
                setPassphrase(e.target.value);
                setProblem(null);
              }}
              placeholder={`At least ${MIN_PASSPHRASE} characters`}
            />
          </label>
          <label>
            Type it again
            <input
              type="password"
              autoComplete="new-password"
              value={again}
              aria-invalid={problem ? true : undefined}
              onChange={(e) => {
                setAgain(e.target.value);
                setProblem(null);
              }}
            />
          </label>
          {problem && (
            <p id="sync-passphrase-problem" className="pull-error" role="alert">
              {problem}
            </p>
          )}
          <div className="data-actions">
            <button type="submit" className="btn" disabled={busy || !passphrase}>
              {status.encrypted ? 'Change passphrase' : 'Set passphrase'}
            </button>
            {status.encrypted &&
              (confirmRemove ? (
                <>
                  <span role="status">Remove it? This device will no longer read the encrypted database.</span>
                  <button type="button" className="btn btn-danger" disabled={busy} onClick={() => void remove()}>
                    Remove passphrase
                  </button>
                  <button type="button" className="btn btn-ghost" onClick={() => setConfirmRemove(false)}>
                    Keep it
                  </button>
                </>
              ) : (
                <button type="button" className="btn btn-ghost" disabled={busy} onClick={() => setConfirmRemove(true)}>
                  Remove passphrase…
                </button>
              ))}
          </div>
          {error && (
            <div className="banner banner-error" role="alert">
              {error}
            </div>
          )}
          {done && !error && (
            <div className="banner banner-ok" role="status">
              {done}
            </div>
          )}
        </form>
      )}
    </fieldset>
  );
}
