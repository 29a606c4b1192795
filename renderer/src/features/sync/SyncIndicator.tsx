/**
 * The sync indicator beside the Ollama status pill: hidden while sync is off; otherwise synced (✓,
 * with its time), syncing (a spinner), offline or error, in words as well as marks. Clicking opens
 * a popover with the status lines, Sync now and Settings…; Escape or a click outside closes it.
 */
import { useEffect } from 'react';
import { Popover, usePopover } from '../../components/Popover';
import { useAppStore } from '../../app/store';
import { SyncFacts, SyncMark, useNow } from './SyncFacts';
import { describeSync, indicatorText } from './status-words';

export function SyncIndicator() {
  const status = useAppStore((s) => s.syncStatus);
  const pop = usePopover();
  const { open, setOpen } = pop;
  const now = useNow();
  const hidden = !status || status.state === 'off';

  useEffect(() => {
    if (hidden) setOpen(false);
  }, [hidden, setOpen]);

  if (hidden) return null;
  const { main, sub } = indicatorText(status, now);
  return (
    <div className="sync-pill-wrap">
      <button
        ref={pop.button}
        type="button"
        className={`ollama-pill sync-pill sync-${status.state}`}
        aria-label={`Sync: ${describeSync(status, now)}`}
        aria-haspopup="dialog"
        aria-expanded={open}
        aria-controls={open ? 'sync-popover' : undefined}
        onClick={pop.toggle}
      >
        <SyncMark state={status.state} />
        <span className="ollama-pill-main">
          <span className="ollama-pill-state">{main}</span>
        </span>
        {sub && <span className="ollama-pill-sub muted">{sub}</span>}
      </button>
      {/* Changes are announced without stealing focus. */}
      <span className="sr-only" aria-live="polite">
        {status.state === 'syncing' ? '' : main}
      </span>
      <Popover state={pop} id="sync-popover" label="Sync status" className="ollama-popover sync-popover">
        <SyncDetails onNavigate={() => setOpen(false)} />
      </Popover>
    </div>
  );
}

function SyncDetails({ onNavigate }: { onNavigate(): void }) {
  const status = useAppStore((s) => s.syncStatus);
  const busy = useAppStore((s) => s.syncBusy.now);
  const error = useAppStore((s) => (s.syncError?.action === 'now' ? s.syncError.message : null));
  const { syncNow, setView } = useAppStore.getState();
  if (!status) return null;
  return (
    <div className="ollama-details">
      <p className="muted sync-where">
        {status.url ?? 'No connection string'} · schema {status.schema} · {status.deviceName}
        {status.encrypted ? ' · end-to-end encrypted' : ''}
      </p>
      <SyncFacts status={status} />
      {error && error !== status.lastError && (
        <p className="pull-error" role="alert">
          {error}
        </p>
      )}
      <div className="ollama-popover-actions">
        <button
          type="button"
          className="btn btn-small"
          disabled={busy || status.state === 'syncing'}
          onClick={() => void syncNow()}
        >
          {busy || status.state === 'syncing' ? 'Syncing…' : 'Sync now'}
        </button>
        <button
          type="button"
          className="btn btn-ghost btn-small"
          onClick={() => {
            onNavigate();
            setView('settings');
            // Bring Settings → Sync into view once the page is there.
            requestAnimationFrame(() => {
              const panel = document.getElementById('sync-panel');
              panel?.scrollIntoView({ block: 'start' });
              panel?.focus();
            });
          }}
        >
          Settings…
        </button>
      </div>
    </div>
  );
}
