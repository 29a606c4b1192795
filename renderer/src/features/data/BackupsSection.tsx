/**
 * Settings → Data → Backups: the backups in the folder (when, why, size, what they hold, which Hearth
 * made them) with Restore behind a confirmation that says what happens; "Back up now" with progress;
 * files in the folder that are not readable backups, named; why the last automatic backup failed;
 * the settings (daily on/off, how many to keep, another folder). Read each time the section opens
 * (files may have been put in the folder by hand), kept live by events while it is open. After a
 * restore the page reloads and says once where the previous data was moved.
 */
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { BackupInfo, BackupsView } from '../../../../shared/types/backups';
import { useAppStore } from '../../app/store';
import { useModalDialog } from '../../components/use-modal-dialog';
import { formatSize } from '../chat/attach-files';
import { countsText, percentDone, progressText, REASON_WORDS, whenText } from './backup-words';
import { backupSettingsPatch, draftOf, type BackupSettingsDraft } from './backup-settings-draft';

export function BackupsSection() {
  const view = useAppStore((s) => s.backups);
  const error = useAppStore((s) => s.backupsError);
  const note = useAppStore((s) => s.restoreNote);
  const { loadBackups } = useAppStore.getState();
  const [confirming, setConfirming] = useState<BackupInfo | null>(null);
  const ref = useRef<HTMLFieldSetElement>(null);
  const titleId = useId();

  useEffect(() => {
    void loadBackups();
  }, [loadBackups]);
  useEffect(() => {
    // The page reloaded after a restore: this is where it says what became of the old data.
    if (useAppStore.getState().restoreNote?.mine) ref.current?.scrollIntoView({ block: 'start' });
  }, []);

  return (
    <fieldset className="backups" ref={ref} aria-labelledby={titleId}>
      <legend id={titleId}>Backups</legend>
      {note && <RestoreNoteBanner movedAside={note.movedAside} />}
      {!view ? (
        <p className="muted">{error?.action === 'load' ? error.message : 'Loading…'}</p>
      ) : (
        <>
          <p className="muted">
            Each backup is one archive of everything: chats, settings, attached files and generated images. Backups are
            kept in <code className="backups-folder">{view.folder}</code>.
          </p>
          {!note && view.lastRestore && (
            <p className="muted" role="status">
              Last restore: {new Date(view.lastRestore.at).toLocaleString()}; the data that was there is kept in{' '}
              <code>{view.lastRestore.movedAside}</code>.
            </p>
          )}
          <BackUpNow view={view} />
          {view.lastError && (
            <div className="banner banner-error backups-banner" role="alert">
              The last automatic backup failed: {view.lastError}
            </div>
          )}
          {error?.action === 'restore' && (
            <div className="banner banner-error backups-banner" role="alert">
              {error.message} Nothing was changed.
            </div>
          )}
          <BackupList backups={view.backups} onRestore={setConfirming} />
          {view.unreadable.length > 0 && <UnreadableFiles names={view.unreadable} />}
          <BackupSettingsForm view={view} />
        </>
      )}
      {confirming && <RestoreDialog backup={confirming} onClose={() => setConfirming(null)} />}
    </fieldset>
  );
}

function RestoreNoteBanner({ movedAside }: { movedAside: string }) {
  const { dismissRestoreNote } = useAppStore.getState();
  return (
    <div className="banner banner-ok backups-banner" role="status">
      <p>
        The backup was restored. Your previous data was moved to <code>{movedAside}</code> and is kept there until you
        delete it.
      </p>
      <button type="button" className="btn btn-ghost" onClick={dismissRestoreNote}>
        OK
      </button>
    </div>
  );
}

function BackUpNow({ view }: { view: BackupsView }) {
  const busy = useAppStore((s) => s.backupsBusy.create);
  const error = useAppStore((s) => (s.backupsError?.action === 'create' ? s.backupsError.message : null));
  const { createBackup } = useAppStore.getState();
  const running = view.running;
  return (
    <>
      <div className="data-actions">
        <button type="button" className="btn" disabled={busy || running !== null} onClick={() => void createBackup()}>
          {busy || running?.kind === 'backup' ? 'Backing up…' : 'Back up now'}
        </button>
      </div>
      {running && <BackupProgress running={running} />}
      {error && (
        <p className="pull-error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}

function BackupProgress({ running }: { running: NonNullable<BackupsView['running']> }) {
  const pct = percentDone(running);
  return (
    <div className="import-progress backup-progress">
      <progress
        aria-label={running.kind === 'restore' ? 'Restore progress' : 'Backup progress'}
        max={100}
        value={pct ?? undefined}
      />
      <span role="status">{progressText(running)}</span>
    </div>
  );
}

function BackupList({ backups, onRestore }: { backups: BackupInfo[]; onRestore(b: BackupInfo): void }) {
  const busy = useAppStore((s) => s.backupsBusy.restore || s.backups?.running != null);
  if (backups.length === 0) return <p className="muted">No backups yet.</p>;
  return (
    <ul className="backup-list" aria-label="Backups">
      {backups.map((b) => {
        const when = whenText(b.createdAt);
        return (
          <li key={b.name} className="backup-row">
            <div className="backup-facts">
              <div>
                <strong>{when}</strong> · {REASON_WORDS[b.reason]} · {formatSize(b.sizeBytes)}
              </div>
              <div className="muted">
                {countsText(b.counts)} · Hearth {b.appVersion}
              </div>
              <div className="muted backup-name">{b.name}</div>
            </div>
            <button
              type="button"
              className="btn"
              aria-label={`Restore the backup of ${when} (${b.name})`}
              disabled={busy}
              onClick={() => onRestore(b)}
            >
              Restore…
            </button>
          </li>
        );
      })}
    </ul>
  );
}

function UnreadableFiles({ names }: { names: string[] }) {
  return (
    <div className="banner banner-warn backups-banner">
      <p>
        {names.length === 1 ? 'This file' : 'These files'} in the backup folder cannot be read as{' '}
        {names.length === 1 ? 'a backup' : 'backups'} (damaged, cut short, or not made by Hearth). Hearth leaves{' '}
        {names.length === 1 ? 'it' : 'them'} alone and cannot restore from {names.length === 1 ? 'it' : 'them'}:
      </p>
      <ul aria-label="Unreadable files" className="backup-unreadable">
        {names.map((n) => (
          <li key={n}>
            <code>{n}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Confirm a restore; while it runs, its progress. The safe choice (Cancel) has focus. */
function RestoreDialog({ backup, onClose }: { backup: BackupInfo; onClose(): void }) {
  const busy = useAppStore((s) => s.backupsBusy.restore);
  const running = useAppStore((s) => (s.backups?.running?.kind === 'restore' ? s.backups.running : null));
  const { restoreBackup } = useAppStore.getState();
  const [done, setDone] = useState(false);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  // Once started a restore cannot be stopped half-way: Escape does nothing then.
  const { ref, trap } = useModalDialog(() => {
    if (!busy && !done) onClose();
  }, cancelRef);

  const confirm = async () => {
    if (await restoreBackup(backup.name)) setDone(true);
    else onClose(); // the reason is shown in the section
  };

  return (
    <dialog ref={ref} className="confirm-dialog" aria-labelledby={titleId} onKeyDown={trap}>
      <h2 id={titleId}>Restore the backup of {whenText(backup.createdAt)}?</h2>
      <div className="confirm-body">
        <p>
          Hearth checks the whole backup first; a damaged one is refused and nothing changes. Then your current data
          (chats, settings, attached files and images) is moved aside into a folder next to it and kept — its path is
          shown afterwards — and the backup takes its place: {countsText(backup.counts)}.
        </p>
        <p>Every open Hearth window reloads.</p>
        {running && <BackupProgress running={running} />}
        {done && <p role="status">Restored. Reloading…</p>}
      </div>
      <div className="confirm-buttons">
        <button ref={cancelRef} type="button" className="btn" onClick={onClose} disabled={busy || done}>
          Cancel
        </button>
        <button type="button" className="btn btn-danger" onClick={() => void confirm()} disabled={busy || done}>
          {busy ? 'Restoring…' : 'Restore'}
        </button>
      </div>
    </dialog>
  );
}

function BackupSettingsForm({ view }: { view: BackupsView }) {
  const busy = useAppStore((s) => s.backupsBusy.configure);
  const error = useAppStore((s) => (s.backupsError?.action === 'configure' ? s.backupsError : null));
  const { configureBackups } = useAppStore.getState();
  const { settings } = view;
  const [draft, setDraft] = useState(() => draftOf(settings));
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  // Take the saved values when they change (here or in another window), not on every progress event.
  useEffect(() => {
    setDraft(draftOf({ folder: settings.folder, keepDaily: settings.keepDaily, keepWeekly: settings.keepWeekly }));
  }, [settings.folder, settings.keepDaily, settings.keepWeekly]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const r = backupSettingsPatch(draft, settings);
    if ('error' in r) {
      setProblem(r.error);
      return;
    }
    setProblem(null);
    if (Object.keys(r.patch).length === 0 || (await configureBackups(r.patch))) setSaved(true);
  };
  const edit = (k: keyof BackupSettingsDraft, v: string) => {
    setSaved(false);
    setDraft((d) => ({ ...d, [k]: v }));
  };
  const shown = problem ?? (error && error.field !== 'auto' ? error.message : null);

  return (
    <form className="backup-settings" onSubmit={(e) => void save(e)} aria-label="Backup settings">
      <label className="settings-check">
        <input
          type="checkbox"
          checked={settings.auto}
          disabled={busy}
          onChange={(e) => void configureBackups({ auto: e.target.checked })}
        />
        Back up every day while Hearth runs
      </label>
      {error?.field === 'auto' && (
        <p className="pull-error" role="alert">
          {error.message}
        </p>
      )}
      <div className="backup-keep">
        <label>
          Days to keep
          <input
            type="number"
            inputMode="numeric"
            min={1}
            max={365}
            value={draft.keepDaily}
            onChange={(e) => edit('keepDaily', e.target.value)}
          />
        </label>
        <label>
          Weeks to keep
          <input
            type="number"
            inputMode="numeric"
            min={0}
            max={520}
            value={draft.keepWeekly}
            onChange={(e) => edit('keepWeekly', e.target.value)}
          />
        </label>
      </div>
      <small className="muted">
        Hearth keeps the newest backup of each of these last days, and of each of the weeks before them. Older ones are
        deleted.
      </small>
      <label>
        Backup folder
        <input
          type="text"
          value={draft.folder}
          placeholder="The data folder’s backups folder"
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => edit('folder', e.target.value)}
        />
      </label>
      <small className="muted">
        A full path, for example on another disk. Leave it empty to keep backups in the data folder.
      </small>
      {shown && (
        <p className="pull-error" role="alert">
          {shown}
        </p>
      )}
      {saved && !shown && (
        <p className="muted" role="status">
          Saved.
        </p>
      )}
      <div>
        <button type="submit" className="btn" disabled={busy}>
          {busy ? 'Saving…' : 'Save backup settings'}
        </button>
      </div>
    </form>
  );
}
