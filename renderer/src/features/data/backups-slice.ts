/**
 * Backups as Settings → Data shows them: the list, folder, settings and the progress of a backup or
 * restore, loaded when the section opens and kept live by 'backups.changed' events (the newest `seq`
 * wins, whatever order replies and events arrive in); back up now, change the settings, restore, with
 * what is busy and what failed, in plain words. A restore replaces every row on screen: the page keeps
 * where the previous data went (restore-note.ts) and reloads, on the reply or on 'data.restored'
 * (another window's restore too), whichever comes first.
 * Public: loadBackups, createBackup, configureBackups, restoreBackup, onBackupsChanged, onDataRestored,
 * onBackupsReconnect, resumeAfterRestore, dismissRestoreNote.
 */
import type { StateCreator } from 'zustand';
import type { MethodInput } from '../../../../shared/contract';
import type { BackupInfo, BackupsView } from '../../../../shared/types/backups';
import { client, ClientError } from '../../client';
import type { AppState } from '../../app/store';
import { rememberRestore, reloadPage, takeRestoreNote, type RestoreNote } from './restore-note';

export type BackupsPatch = MethodInput<'backups.configure'>;
/** The calls this slice makes; 'load' is reading the list. */
export type BackupsAction = 'load' | 'create' | 'configure' | 'restore';

export interface BackupsSlice {
  /** Null until Settings → Data first opens (nothing is read at start). */
  backups: BackupsView | null;
  /** Calls in progress from this window. */
  backupsBusy: Record<Exclude<BackupsAction, 'load'>, boolean>;
  /**
   * The last call that failed, in plain words (cleared when that kind of call next succeeds);
   * `field` names the setting a refused change was about, `name` the backup a refused restore was of.
   */
  backupsError: { action: BackupsAction; message: string; field?: keyof BackupsPatch; name?: string } | null;
  /** After a restore (read once from the page before the reload): where the previous data was moved. */
  restoreNote: RestoreNote | null;
  loadBackups(): Promise<void>;
  /** Resolves with the new backup (null when it failed). */
  createBackup(): Promise<BackupInfo | null>;
  /** True when the change was saved. */
  configureBackups(patch: BackupsPatch): Promise<boolean>;
  /** True when the backup was put in place (the page then reloads). */
  restoreBackup(name: string): Promise<boolean>;
  onBackupsChanged(view: BackupsView): void;
  onDataRestored(movedAside: string): void;
  /** After a lost connection: the host may have restarted (its `seq` counts from 0 again). */
  onBackupsReconnect(): void;
  /** At start: the note a restore left before the reload; the window that asked opens Settings. */
  resumeAfterRestore(): void;
  dismissRestoreNote(): void;
}

const FALLBACK: Record<BackupsAction, string> = {
  load: 'Could not read the backups.',
  create: 'The backup did not finish.',
  configure: 'Could not save the backup settings.',
  restore: 'The backup could not be restored.',
};

const FIELD: Record<string, string> = {
  keepDaily: 'Days to keep',
  keepWeekly: 'Weeks to keep',
  folder: 'Backup folder',
  name: 'Backup',
};

/** A contract check's message ("Invalid input for backups.configure: keepDaily: …") in plain words. */
function plain(err: unknown, action: BackupsAction): string {
  if (!(err instanceof ClientError)) return FALLBACK[action];
  const m = /^Invalid input for [\w.]+: (?:([\w.]+): )?(.*)$/.exec(err.message);
  if (!m) return err.message;
  const what = FIELD[m[1] ?? ''];
  return what ? `${what}: ${m[2]}` : (m[2] ?? err.message);
}

export const createBackupsSlice: StateCreator<AppState, [], [], BackupsSlice> = (set, get) => {
  /** The newest `seq` taken; -1 takes whatever comes next. */
  let heldSeq = -1;
  /** This window asked for a restore that has not failed (the reload that follows is its own). */
  let restoring = false;
  const busy = (action: Exclude<BackupsAction, 'load'>, on: boolean) =>
    set((s) => ({ backupsBusy: { ...s.backupsBusy, [action]: on } }));
  const succeeded = (action: BackupsAction) => {
    if (get().backupsError?.action === action) set({ backupsError: null });
  };
  const restored = (movedAside: string) => {
    rememberRestore({ movedAside, mine: restoring });
    reloadPage();
  };

  return {
    backups: null,
    backupsBusy: { create: false, configure: false, restore: false },
    backupsError: null,
    restoreNote: null,

    async loadBackups() {
      try {
        get().onBackupsChanged(await client.call('backups.list', {}));
        succeeded('load');
      } catch (err) {
        set({ backupsError: { action: 'load', message: plain(err, 'load') } });
      }
    },

    async createBackup() {
      busy('create', true);
      try {
        const info = await client.call('backups.create', {});
        succeeded('create');
        return info;
      } catch (err) {
        set({ backupsError: { action: 'create', message: plain(err, 'create') } });
        return null;
      } finally {
        busy('create', false);
        // Its events bring the new list; read it once more in case one was missed.
        void get().loadBackups();
      }
    },

    async configureBackups(patch) {
      busy('configure', true);
      // The automatic switch follows the click at once; the reply (or, on failure, a fresh read) settles it.
      const v = get().backups;
      const optimistic = patch.auto !== undefined && v;
      if (optimistic) set({ backups: { ...v, settings: { ...v.settings, auto: patch.auto! } } });
      try {
        get().onBackupsChanged(await client.call('backups.configure', patch));
        succeeded('configure');
        return true;
      } catch (err) {
        const field = Object.keys(patch)[0] as keyof BackupsPatch | undefined;
        set({ backupsError: { action: 'configure', message: plain(err, 'configure'), ...(field ? { field } : {}) } });
        if (optimistic) {
          heldSeq = -1;
          void get().loadBackups();
        }
        return false;
      } finally {
        busy('configure', false);
      }
    },

    async restoreBackup(name) {
      busy('restore', true);
      restoring = true;
      try {
        const { movedAside } = await client.call('backups.restore', { name });
        restored(movedAside);
        return true;
      } catch (err) {
        restoring = false;
        set({ backupsError: { action: 'restore', message: plain(err, 'restore'), name } });
        return false;
      } finally {
        busy('restore', false);
      }
    },

    onBackupsChanged(view) {
      if (view.seq < heldSeq) return;
      heldSeq = view.seq;
      set({ backups: view });
    },

    onDataRestored(movedAside) {
      // Every chat, message and setting on screen belongs to the data that was replaced.
      restored(movedAside);
    },

    onBackupsReconnect() {
      heldSeq = -1;
      // Read again only what was read before (nothing is read at start).
      if (get().backups) void get().loadBackups();
    },

    resumeAfterRestore() {
      const note = takeRestoreNote();
      if (!note) return;
      set({ restoreNote: note });
      if (note.mine) get().setView('settings');
    },

    dismissRestoreNote() {
      set({ restoreNote: null });
    },
  };
};
