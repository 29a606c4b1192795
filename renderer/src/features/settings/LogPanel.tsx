/**
 * Settings → Log: where Hearth's own log is (path, size, level), Copy path, View (a dialog with its
 * last lines, read by log-lines.ts) and, in the desktop app only, Open folder. The request id an
 * error message names is the one on the log's line for that error.
 */
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { useModalDialog } from '../../components/use-modal-dialog';
import type { AppInfo } from '../../../../shared/types/domain';
import { client, ClientError } from '../../client';
import { formatBytes } from '../models/format';
import { formatLogTail, type LogLine } from './log-lines';

interface LogFacts {
  path: string;
  sizeBytes: number;
  level: string;
}

/** How many of the newest lines the viewer reads. */
const VIEW_LINES = 500;

const words = (err: unknown, fallback: string) => (err instanceof ClientError ? err.message : fallback);

export function LogPanel() {
  const [facts, setFacts] = useState<LogFacts | null>(null);
  const [host, setHost] = useState<AppInfo['host'] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [viewing, setViewing] = useState(false);
  const [opening, setOpening] = useState(false);
  const pathId = useId();

  const load = useCallback(async () => {
    try {
      // The host decides whether Open folder is offered; without it the path is still worth showing.
      const [log, info] = await Promise.all([
        client.call('app.log', { lines: 1 }),
        client.call('app.info', {}).catch(() => null),
      ]);
      setFacts({ path: log.path, sizeBytes: log.sizeBytes, level: log.level });
      setHost(info?.host ?? null);
      setLoadError(null);
    } catch (err) {
      setLoadError(words(err, 'Could not find out where Hearth’s log is.'));
    }
  }, []);

  useEffect(() => void load(), [load]);
  useEffect(() => {
    if (!copied) return;
    const t = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(t);
  }, [copied]);

  const copy = async (path: string) => {
    setActionError(null);
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(path);
      setCopied(true);
    } catch {
      setActionError('The clipboard is not available here; select the path and copy it yourself.');
    }
  };

  const openFolder = async () => {
    setActionError(null);
    setOpening(true);
    try {
      await client.call('app.openLogFolder', {});
    } catch (err) {
      setActionError(words(err, 'Could not open the log’s folder.'));
    } finally {
      setOpening(false);
    }
  };

  return (
    <section className="settings-form log-panel" aria-labelledby="log-panel-title">
      <fieldset>
        <legend id="log-panel-title">Log</legend>
        <p className="muted">
          Hearth writes what it does and what went wrong here. An error that names a request id has a line with the same
          id in this log. API keys, tokens, passwords and message text are never written to it.
        </p>
        {facts ? (
          <>
            <label htmlFor={pathId}>Log file</label>
            <input
              id={pathId}
              className="log-path"
              type="text"
              readOnly
              value={facts.path}
              spellCheck={false}
              onFocus={(e) => e.currentTarget.select()}
            />
            <p className="log-facts muted">
              {formatBytes(facts.sizeBytes)} · level {facts.level}
              {facts.level === 'debug' && ' — at debug, message text is not censored'}
            </p>
            <div className="data-actions">
              <button type="button" className="btn" onClick={() => void copy(facts.path)}>
                Copy path
              </button>
              <button type="button" className="btn" onClick={() => setViewing(true)}>
                View
              </button>
              {host === 'electron' && (
                <button type="button" className="btn" onClick={() => void openFolder()} disabled={opening}>
                  {opening ? 'Opening…' : 'Open folder'}
                </button>
              )}
              {/* Only while there is something to say: an empty status region is still one on the page. */}
              {copied && (
                <span role="status" className="log-copied">
                  Copied
                </span>
              )}
            </div>
            {actionError && (
              <div className="banner banner-error" role="alert">
                {actionError}
              </div>
            )}
            {viewing && (
              <LogViewer
                onClose={() => setViewing(false)}
                onFacts={(f) => setFacts((old) => (old ? { ...old, ...f } : f))}
              />
            )}
          </>
        ) : loadError ? (
          <>
            <p role="alert">{loadError}</p>
            <div>
              <button type="button" className="btn" onClick={() => void load()}>
                Try again
              </button>
            </div>
          </>
        ) : (
          <p className="muted">Finding the log…</p>
        )}
      </fieldset>
    </section>
  );
}

/**
 * The log's last lines in a modal <dialog>, newest at the bottom: showModal() keeps focus inside,
 * Escape or Close closes it, and focus goes back to what opened it (the View button).
 */
function LogViewer({ onClose, onFacts }: { onClose(): void; onFacts(f: LogFacts): void }) {
  const text = useRef<HTMLPreElement>(null);
  const titleId = useId();
  const [lines, setLines] = useState<LogLine[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const latest = useRef({ onClose, onFacts });
  useEffect(() => {
    latest.current = { onClose, onFacts };
  });
  const { ref, trap } = useModalDialog(() => latest.current.onClose(), text);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const r = await client.call('app.log', { lines: VIEW_LINES });
      setLines(formatLogTail(r.tail));
      setError(null);
      latest.current.onFacts({ path: r.path, sizeBytes: r.sizeBytes, level: r.level });
    } catch (err) {
      setError(words(err, 'Could not read Hearth’s log.'));
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => void load(), [load]);
  useEffect(() => {
    // The newest lines are at the end: show them.
    if (text.current) text.current.scrollTop = text.current.scrollHeight;
  }, [lines]);

  return (
    <dialog ref={ref} className="confirm-dialog log-viewer" aria-labelledby={titleId} onKeyDown={trap}>
      <h2 id={titleId}>Hearth’s log</h2>
      <p className="muted log-viewer-note">The last {VIEW_LINES} lines at most, newest at the bottom. Times are UTC.</p>
      {error && (
        <p className="pull-error" role="alert">
          {error}
        </p>
      )}
      <pre
        ref={text}
        className="ollama-log-text log-viewer-text"
        tabIndex={0}
        aria-label="Log lines"
        aria-busy={loading}
      >
        {lines === null
          ? loading
            ? 'Reading the log…'
            : ''
          : lines.length === 0
            ? 'The log is empty.'
            : lines.map((l, i) => (
                <span key={i} className={`log-line-${l.severity}`}>
                  {l.text}
                  {'\n'}
                </span>
              ))}
      </pre>
      <div className="confirm-buttons">
        {/* Not disabled while it reads: a disabled button would drop the focus out of the dialog. */}
        <button
          type="button"
          className="btn"
          onClick={() => {
            if (!loading) void load();
          }}
          aria-busy={loading}
        >
          {loading ? 'Refreshing…' : 'Refresh'}
        </button>
        <button type="button" className="btn btn-primary" onClick={onClose}>
          Close
        </button>
      </div>
    </dialog>
  );
}
