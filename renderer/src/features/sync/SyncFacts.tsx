/**
 * Sync's status lines, the same in the indicator's popover and in Settings → Sync: state, last sync
 * (relative, kept fresh), rows waiting to go up, rows waiting for their parents, the last run's
 * counts, and the last error (an alert).
 */
import { useEffect, useState } from 'react';
import { filesText, movedText, plural, rejectedText } from '../../../../shared/sync-text';
import type { SyncStatus } from '../../../../shared/types/domain';
import { lastSyncText, SYNC_STATE_TEXT } from './status-words';

/** The time now, again every `ms` (for "5 min ago"). */
export function useNow(ms = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

/** ✓, a spinner, or a mark for offline and error; hidden from screen readers (the words say it). */
export function SyncMark({ state }: { state: string }) {
  if (state === 'syncing') return <span className="sync-spinner sync-mark" aria-hidden="true" />;
  const mark = state === 'idle' ? '✓' : state === 'offline' ? '○' : '!';
  return (
    <span className="sync-mark" aria-hidden="true">
      {mark}
    </span>
  );
}

export function SyncFacts({ status }: { status: SyncStatus }) {
  const now = useNow();
  const r = status.lastReport;
  const extra = r ? [filesText(r), rejectedText(r)].filter(Boolean).join('; ') : '';
  return (
    <>
      <dl className="ollama-facts sync-facts">
        <dt>State</dt>
        <dd>
          {SYNC_STATE_TEXT[status.state]}
          {status.live && status.state !== 'off' ? ' · listening for other devices' : ''}
        </dd>
        <dt>Last sync</dt>
        <dd>
          {status.lastSyncAt ? (
            <time
              dateTime={new Date(status.lastSyncAt).toISOString()}
              title={new Date(status.lastSyncAt).toLocaleString()}
            >
              {lastSyncText(status, now)}
            </time>
          ) : (
            'never'
          )}
        </dd>
        <dt>To send</dt>
        <dd>{plural(status.pending, 'row', 'rows')} waiting to go up</dd>
        <dt>Held back</dt>
        <dd>{plural(status.waiting, 'row', 'rows')} waiting for their parents</dd>
        {r && (
          <>
            <dt>Last run</dt>
            <dd>
              {movedText(r)}
              {extra && `; ${extra}`} ({(r.ms / 1000).toFixed(1)} s)
            </dd>
          </>
        )}
      </dl>
      {status.lastError && (
        <p className="ollama-error" role="alert">
          {status.lastError}
        </p>
      )}
    </>
  );
}
