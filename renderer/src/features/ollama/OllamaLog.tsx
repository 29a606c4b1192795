/** The bundled server's log tail ('ollama.logs'): monospace, scrollable, refreshed on demand. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { client, ClientError } from '../../client';

export function OllamaLog() {
  const [text, setText] = useState<string | null>(null);
  const [file, setFile] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const pre = useRef<HTMLPreElement>(null);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const r = await client.call('ollama.logs', { lines: 300 });
      setText(r.text);
      setFile(r.file);
      setError(null);
    } catch (err) {
      setError(err instanceof ClientError ? err.message : 'Could not read the Ollama log.');
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => void load(), [load]);
  useEffect(() => {
    // Newest lines are at the end: show them.
    if (pre.current) pre.current.scrollTop = pre.current.scrollHeight;
  }, [text]);

  return (
    <div className="ollama-log">
      <div className="ollama-log-bar">
        <span className="muted ollama-log-file" title={file ?? undefined}>
          {file ?? 'Log'}
        </span>
        <button type="button" className="btn btn-small" onClick={() => void load()} disabled={loading}>
          {loading ? 'Refreshing…' : 'Refresh log'}
        </button>
      </div>
      {error ? (
        <p className="pull-error" role="alert">
          {error}
        </p>
      ) : (
        <pre ref={pre} className="ollama-log-text" tabIndex={0} aria-label="Ollama log" aria-busy={loading}>
          {text === null
            ? 'Loading…'
            : text.trim()
              ? text
              : 'The log is empty: the bundled server has not written anything yet.'}
        </pre>
      )}
    </div>
  );
}
