/** A SyncStatus as the service reports it, for tests that only need some fields to differ. */
import type { SyncStatus } from '../../shared/types/domain';

export function syncStatus(p: Partial<SyncStatus> = {}): SyncStatus {
  return {
    state: 'idle',
    enabled: true,
    paused: false,
    url: 'postgres://me:•••@db.example:5432/hearth',
    urlSource: 'settings',
    schema: 'hearth',
    deviceName: 'laptop',
    encrypted: false,
    passphraseSource: null,
    maxAttachmentMb: 20,
    lastSyncAt: null,
    lastError: null,
    pending: 0,
    waiting: 0,
    lastReport: null,
    live: false,
    seq: 0,
    ...p,
  };
}
