/** Sync's state in words (never colour alone), for the indicator, its popover and Settings → Sync. */
import type { SyncStatus } from '../../../../shared/types/domain';
import { sinceText } from '../ollama/status-text';

export const SYNC_STATE_TEXT: Record<SyncStatus['state'], string> = {
  off: 'Off',
  idle: 'Synced',
  syncing: 'Syncing…',
  offline: 'Offline',
  error: 'Error',
};

/** "5 min ago", or "never". */
export function lastSyncText(status: SyncStatus, now = Date.now()): string {
  return status.lastSyncAt ? sinceText(status.lastSyncAt, now) : 'never';
}

/** The indicator's short line beside its mark: "Synced · 5 min ago", "Sync offline"… */
export function indicatorText(status: SyncStatus, now = Date.now()): { main: string; sub: string } {
  const waiting = status.pending ? `${status.pending.toLocaleString()} to send` : '';
  if (status.enabled && status.paused && status.state !== 'syncing') {
    return { main: 'Sync paused', sub: [`synced ${lastSyncText(status, now)}`, waiting].filter(Boolean).join(' · ') };
  }
  switch (status.state) {
    case 'idle':
      return { main: 'Synced', sub: [lastSyncText(status, now), waiting].filter(Boolean).join(' · ') };
    case 'syncing':
      return { main: 'Syncing…', sub: waiting || 'with PostgreSQL' };
    case 'offline':
      return {
        main: 'Sync offline',
        sub: 'the database cannot be reached' + (status.lastSyncAt ? ` · synced ${lastSyncText(status, now)}` : ''),
      };
    case 'error':
      return { main: 'Sync error', sub: status.lastError ?? 'see details' };
    default:
      return { main: 'Sync off', sub: '' };
  }
}

/** One line a screen reader reads for the indicator. */
export function describeSync(status: SyncStatus, now = Date.now()): string {
  const { main, sub } = indicatorText(status, now);
  return sub ? `${main}, ${sub}` : main;
}
