/**
 * Sync with PostgreSQL as Settings → Sync and the sidebar's sync indicator show it: the status,
 * loaded once and kept live by 'sync.status' events (the newest `seq` wins, whatever order replies
 * and events arrive in); the configure, test and sync-now calls with what is busy and what failed,
 * in plain words; 'sync.changed' (many rows pulled at once, not announced one by one) reloads the
 * chat list and the open chat, at most once a second.
 * Public: loadSyncStatus, configureSync, testSync, clearSyncTest, syncNow, onSyncStatus,
 * onSyncChanged, onSyncReconnect.
 */
import type { StateCreator } from 'zustand';
import type { MethodInput, MethodOutput } from '../../../../shared/contract';
import { LeadingThrottle } from '../../../../shared/leading-throttle';
import type { SyncRunReport, SyncStatus } from '../../../../shared/types/domain';
import { client, ClientError } from '../../client';
import type { AppState } from '../../app/store';

export type SyncPatch = MethodInput<'sync.configure'>;
export type SyncTestInput = MethodInput<'sync.test'>;
export type SyncTestResult = MethodOutput<'sync.test'>;
/** The calls this slice makes; 'load' is reading the status. */
export type SyncAction = 'load' | 'configure' | 'test' | 'now';

/** How long 'sync.changed' reloads wait for each other (a big first sync sends one per page). */
export const SYNC_RELOAD_MS = 1000;

export interface SyncSlice {
  syncStatus: SyncStatus | null;
  /** Calls in progress from this window. */
  syncBusy: Record<Exclude<SyncAction, 'load'>, boolean>;
  /**
   * The last call that failed, in plain words (cleared when that kind of call next succeeds);
   * `from` names the part of the page that made it, when it said (shown there).
   */
  syncError: { action: SyncAction; message: string; from?: string } | null;
  /** The last connection test's answer. */
  syncTestResult: SyncTestResult | null;
  loadSyncStatus(): Promise<void>;
  /** True when the change was saved; `from` tags an error with the part of the page that asked. */
  configureSync(patch: SyncPatch, from?: string): Promise<boolean>;
  testSync(input?: SyncTestInput): Promise<SyncTestResult | null>;
  clearSyncTest(): void;
  /** Runs one sync; resolves with its report (null when sync is off, or the run failed). */
  syncNow(): Promise<SyncRunReport | null>;
  onSyncStatus(status: SyncStatus): void;
  onSyncChanged(rows: number): void;
  /** After a lost connection: the host may have restarted (its `seq` counts from 0 again). */
  onSyncReconnect(): void;
}

const FALLBACK: Record<SyncAction, string> = {
  load: 'Could not read the sync status.',
  configure: 'Could not save the sync settings.',
  test: 'Could not test the connection.',
  now: 'The sync did not finish.',
};

/** A contract check's message ("Invalid input for sync.configure: passphrase: …") in plain words. */
function plain(err: unknown, action: SyncAction): string {
  if (!(err instanceof ClientError)) return FALLBACK[action];
  const m = /^Invalid input for [\w.]+: (?:([\w.]+): )?(.*)$/.exec(err.message);
  if (!m) return err.message;
  const field = { url: 'Connection string', schema: 'Schema', deviceName: 'Device name', passphrase: 'Passphrase' }[
    m[1] ?? ''
  ];
  const what = m[1] === 'maxAttachmentMb' ? 'Attachment size cap' : field;
  return what ? `${what}: ${m[2]}` : (m[2] ?? err.message);
}

export const createSyncSlice: StateCreator<AppState, [], [], SyncSlice> = (set, get) => {
  /** The newest `seq` taken; -1 takes whatever comes next. */
  let heldSeq = -1;
  const reload = new LeadingThrottle(() => void get().resync(), SYNC_RELOAD_MS);
  const busy = (action: Exclude<SyncAction, 'load'>, on: boolean) =>
    set((s) => ({ syncBusy: { ...s.syncBusy, [action]: on } }));
  const failed = (action: SyncAction, err: unknown, from?: string) =>
    set({ syncError: { action, message: plain(err, action), ...(from ? { from } : {}) } });
  const succeeded = (action: SyncAction) => {
    if (get().syncError?.action === action) set({ syncError: null });
  };

  return {
    syncStatus: null,
    syncBusy: { configure: false, test: false, now: false },
    syncError: null,
    syncTestResult: null,

    async loadSyncStatus() {
      try {
        get().onSyncStatus(await client.call('sync.status', {}));
        succeeded('load');
      } catch (err) {
        failed('load', err);
      }
    },

    async configureSync(patch, from) {
      busy('configure', true);
      try {
        get().onSyncStatus(await client.call('sync.configure', patch));
        succeeded('configure');
        return true;
      } catch (err) {
        failed('configure', err, from);
        return false;
      } finally {
        busy('configure', false);
      }
    },

    async testSync(input = {}) {
      busy('test', true);
      set({ syncTestResult: null });
      try {
        const result = await client.call('sync.test', input);
        set({ syncTestResult: result });
        succeeded('test');
        return result;
      } catch (err) {
        failed('test', err);
        return null;
      } finally {
        busy('test', false);
      }
    },

    clearSyncTest() {
      set({ syncTestResult: null });
      if (get().syncError?.action === 'test') set({ syncError: null });
    },

    async syncNow() {
      busy('now', true);
      try {
        const report = await client.call('sync.now', {});
        succeeded('now');
        return report;
      } catch (err) {
        failed('now', err);
        return null;
      } finally {
        busy('now', false);
        // Its events say how it went; read the status once more in case one was missed.
        void get().loadSyncStatus();
      }
    },

    onSyncStatus(status) {
      // Replies and events travel separately: a status older than the one shown is dropped. The same
      // seq is taken again (a reply counts rows waiting as they are now).
      if (status.seq < heldSeq) return;
      heldSeq = status.seq;
      set({ syncStatus: status });
    },

    onSyncChanged() {
      reload.schedule();
    },

    onSyncReconnect() {
      heldSeq = -1;
      void get().loadSyncStatus();
    },
  };
};
