/**
 * The Ollama status pill at the foot of the sidebar: state in colour and words, version, which
 * server and whether Hearth runs it. Clicking opens a popover with every server's details, the
 * error in plain words, Start / Stop / Restart and the log for the bundled server.
 */
import { useState } from 'react';
import { Popover, usePopover } from '../../components/Popover';
import type { OllamaServerStatus } from '../../../../shared/types/domain';
import { useAppStore } from '../../app/store';
import { OllamaLog } from './OllamaLog';
import { primaryServer } from './ollama-slice';
import { describeServer, extrasText, kindText, shortUrl, sinceText, STATE_TEXT } from './status-text';

export function StatusPill() {
  const status = useAppStore((s) => s.ollamaStatus);
  const statusError = useAppStore((s) => s.ollamaStatusError);
  const pop = usePopover();
  const { open, setOpen } = pop;
  const primary = primaryServer(status);

  const state = primary?.state ?? 'unknown';
  const extras = status ? extrasText(status.servers) : '';
  const label = primary
    ? describeServer(primary) + (extras ? `; ${extras}` : '')
    : `Ollama status unknown${statusError ? `: ${statusError}` : ''}`;
  return (
    <div className="ollama-pill-wrap">
      <button
        ref={pop.button}
        type="button"
        className={`ollama-pill state-${state}`}
        aria-label={`Ollama status: ${label}`}
        aria-haspopup="dialog"
        aria-expanded={open}
        aria-controls={open ? 'ollama-popover' : undefined}
        onClick={pop.toggle}
        onFocus={() => {
          if (!status) void useAppStore.getState().loadOllamaStatus();
        }}
      >
        <span className="ollama-dot" aria-hidden="true" />
        <span className="ollama-pill-main">
          <span className="ollama-pill-state">
            Ollama {primary ? STATE_TEXT[primary.state].toLowerCase() : 'unknown'}
          </span>
          {primary?.version && <span className="muted"> · {primary.version}</span>}
        </span>
        <span className="ollama-pill-sub muted">
          {primary
            ? primary.state === 'unavailable'
              ? primary.baseUrl
                ? `looked at ${shortUrl(primary.baseUrl)}`
                : 'not installed'
              : `${kindText(primary)} · ${shortUrl(primary.baseUrl)}`
            : 'status not available'}
          {extras && ` · ${extras}`}
        </span>
      </button>
      {/* Changes are announced without stealing focus (no role, so it is not one more "status"). */}
      <span className="sr-only" aria-live="polite">
        {primary ? `Ollama ${STATE_TEXT[primary.state].toLowerCase()}` : ''}
      </span>
      <Popover state={pop} id="ollama-popover" label="Ollama status" className="ollama-popover">
        <OllamaDetails onNavigate={() => setOpen(false)} />
      </Popover>
    </div>
  );
}

function OllamaDetails({ onNavigate }: { onNavigate(): void }) {
  const status = useAppStore((s) => s.ollamaStatus);
  const statusError = useAppStore((s) => s.ollamaStatusError);
  const controlError = useAppStore((s) => s.ollamaControlError);
  const { setView } = useAppStore.getState();
  if (!status) {
    return (
      <div className="ollama-details">
        <p role="alert">{statusError ?? 'Reading the Ollama status…'}</p>
        <button type="button" className="btn btn-small" onClick={() => void useAppStore.getState().loadOllamaStatus()}>
          Check again
        </button>
      </div>
    );
  }
  const mode = {
    auto: 'Auto (an Ollama already running, else the bundled one)',
    external: 'External',
    bundled: 'Bundled',
  }[status.mode];
  return (
    <div className="ollama-details">
      <p className="muted ollama-mode">Mode: {mode}</p>
      <ul className="ollama-servers" aria-label="Ollama servers">
        {status.servers.map((s, i) => (
          <ServerItem key={s.providerId} server={s} primary={i === 0} />
        ))}
      </ul>
      {controlError && (
        <p className="pull-error" role="alert">
          {controlError}
        </p>
      )}
      {status.bundled.available ? (
        <p className="muted ollama-bundled-note">
          Bundled models folder: <code>{status.bundled.modelsDir}</code>
        </p>
      ) : (
        status.mode !== 'external' && (
          <p className="muted ollama-bundled-note">
            No bundled Ollama was found (choose its program in Settings, or start with HEARTH_OLLAMA_PATH).
          </p>
        )
      )}
      <div className="ollama-popover-actions">
        <button
          type="button"
          className="btn btn-ghost btn-small"
          onClick={() => {
            onNavigate();
            setView('models');
          }}
        >
          Manage models
        </button>
        <button
          type="button"
          className="btn btn-ghost btn-small"
          onClick={() => {
            onNavigate();
            setView('settings');
          }}
        >
          Ollama settings
        </button>
      </div>
    </div>
  );
}

function ServerItem({ server: s, primary }: { server: OllamaServerStatus; primary: boolean }) {
  const busy = useAppStore((st) => st.ollamaBusy);
  const [showLog, setShowLog] = useState(false);
  const { controlOllama } = useAppStore.getState();
  const bundled = s.kind === 'bundled';
  const up = s.state === 'running' || s.state === 'starting';
  return (
    <li className={`ollama-server state-${s.state}`} aria-label={`${s.label}: ${STATE_TEXT[s.state]}`}>
      <div className="ollama-server-head">
        <span className="ollama-dot" aria-hidden="true" />
        <strong>{s.label}</strong>
        <span className="ollama-state-text">{STATE_TEXT[s.state]}</span>
        <span className="muted">
          {primary ? 'primary · ' : ''}
          {kindText(s)}
        </span>
      </div>
      <dl className="ollama-facts">
        <dt>Address</dt>
        <dd>{s.baseUrl ?? '—'}</dd>
        <dt>Version</dt>
        <dd>{s.version ?? '—'}</dd>
        {bundled && s.pid !== null && (
          <>
            <dt>Process</dt>
            <dd>pid {s.pid}</dd>
          </>
        )}
        {bundled && s.restarts > 0 && (
          <>
            <dt>Restarts</dt>
            <dd>{s.restarts} after crashes in the last 2 minutes</dd>
          </>
        )}
        <dt>Since</dt>
        <dd>{sinceText(s.since)}</dd>
      </dl>
      {s.error && (
        <p className="ollama-error" role="alert">
          {s.error}
        </p>
      )}
      <div className="ollama-server-actions">
        {bundled && (
          <>
            <button
              type="button"
              className="btn btn-small"
              disabled={busy !== null || up}
              onClick={() => void controlOllama('start')}
            >
              {busy === 'start' ? 'Starting…' : 'Start'}
            </button>
            <button
              type="button"
              className="btn btn-small"
              disabled={busy !== null || s.state === 'stopped'}
              onClick={() => void controlOllama('stop')}
            >
              {busy === 'stop' ? 'Stopping…' : 'Stop'}
            </button>
            <button
              type="button"
              className="btn btn-small"
              disabled={busy !== null}
              onClick={() => void controlOllama('restart')}
            >
              {busy === 'restart' ? 'Restarting…' : 'Restart'}
            </button>
            <button
              type="button"
              className="btn btn-ghost btn-small"
              aria-expanded={showLog}
              onClick={() => setShowLog((v) => !v)}
            >
              {showLog ? 'Hide log' : 'View log'}
            </button>
          </>
        )}
        {primary && !bundled && (s.state === 'error' || s.state === 'unavailable' || s.state === 'stopped') && (
          <button
            type="button"
            className="btn btn-small"
            disabled={busy !== null}
            onClick={() => void controlOllama('retry')}
          >
            {busy === 'retry' ? 'Looking…' : 'Retry'}
          </button>
        )}
      </div>
      {bundled && showLog && <OllamaLog />}
    </li>
  );
}
