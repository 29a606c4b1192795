import { useRef, useState } from 'react';
import type { EventPayload } from '../../../../shared/contract';
import type { ImportReport } from '../../../../shared/types/domain';
import { client, ClientError } from '../../client';
import { useAppStore } from '../../app/store';
import { downloadFile } from './download';
import { BackupsSection } from './BackupsSection';

const FORMAT_NAME: Record<string, string> = {
  hearth: 'Hearth export',
  chatgpt: 'ChatGPT export',
  openwebui: 'Open WebUI export',
};

const message = (err: unknown, fallback: string) => (err instanceof ClientError ? err.message : fallback);

/** Settings → Data: export every chat as Hearth JSON, import Hearth, ChatGPT or Open WebUI files; backups. */
export function DataPanel() {
  const [busy, setBusy] = useState<'export' | 'import' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [exported, setExported] = useState<string | null>(null);
  const [progress, setProgress] = useState<EventPayload<'data.importProgress'> | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);

  const exportAll = async () => {
    setBusy('export');
    setError(null);
    setExported(null);
    try {
      const file = await client.call('data.export', { format: 'hearth' });
      downloadFile(file);
      setExported(file.filename);
    } catch (err) {
      setError(message(err, 'The export failed.'));
    } finally {
      setBusy(null);
    }
  };

  const importFile = async (file: File) => {
    setBusy('import');
    setError(null);
    setReport(null);
    setProgress({ filename: file.name, phase: 'reading', done: 0, total: 0 });
    const stop = client.on('data.importProgress', (p) => {
      if (p.filename === file.name && p.phase !== 'done') setProgress(p);
    });
    try {
      const content = await file.text();
      const r = await client.call('data.import', { filename: file.name, content });
      setReport(r);
      await useAppStore.getState().loadChats();
    } catch (err) {
      setError(message(err, `"${file.name}" could not be imported.`));
    } finally {
      stop();
      setProgress(null);
      setBusy(null);
    }
  };

  return (
    <section className="settings-form data-panel" aria-labelledby="data-panel-title">
      <fieldset>
        <legend id="data-panel-title">Data</legend>
        <p className="muted">
          Export every chat (branches and attached files included) as one Hearth JSON file, or import chats from a
          Hearth export, ChatGPT&apos;s <code>conversations.json</code> or an Open WebUI chat export. Chats already
          imported are skipped.
        </p>
        <div className="data-actions">
          <button type="button" className="btn" onClick={() => void exportAll()} disabled={busy !== null}>
            {busy === 'export' ? 'Exporting…' : 'Export all chats'}
          </button>
          <button type="button" className="btn" onClick={() => fileRef.current?.click()} disabled={busy !== null}>
            {busy === 'import' ? 'Importing…' : 'Import…'}
          </button>
          <input
            ref={fileRef}
            type="file"
            accept=".json,application/json"
            hidden
            tabIndex={-1}
            aria-hidden="true"
            data-testid="import-file"
            onChange={(e) => {
              const f = e.target.files?.[0];
              e.target.value = '';
              if (f) void importFile(f);
            }}
          />
        </div>
        {progress && <ImportProgressBar progress={progress} />}
        {exported && !error && (
          <div className="banner banner-ok" role="status">
            Saved {exported}.
          </div>
        )}
        {error && (
          <div className="banner banner-error" role="alert">
            {error}
          </div>
        )}
        {report && <ImportSummary report={report} />}
      </fieldset>
      <BackupsSection />
    </section>
  );
}

/** While an import runs (in the background: the rest of the app keeps working): reading, then chats written of all. */
function ImportProgressBar({ progress }: { progress: EventPayload<'data.importProgress'> }) {
  const writing = progress.phase === 'writing' && progress.total > 0;
  const label = writing
    ? `Importing "${progress.filename}": ${progress.done.toLocaleString()} of ${progress.total.toLocaleString()} chats`
    : `Reading "${progress.filename}"…`;
  return (
    <div className="import-progress">
      <progress
        aria-label="Import progress"
        max={writing ? progress.total : undefined}
        value={writing ? progress.done : undefined}
      />
      <span role="status">{label}</span>
    </div>
  );
}

function ImportSummary({ report }: { report: ImportReport }) {
  return (
    <div className="import-report" role="status" aria-label="Import report">
      <p>
        {FORMAT_NAME[report.format] ?? report.format}: imported {report.chatsImported} chat
        {report.chatsImported === 1 ? '' : 's'} and {report.messagesImported} message
        {report.messagesImported === 1 ? '' : 's'}
        {report.imagesImported
          ? `, ${report.imagesImported} gallery image${report.imagesImported === 1 ? '' : 's'}`
          : ''}
        .{report.skipped.length > 0 && ` Skipped ${report.skipped.length}:`}
      </p>
      {report.skipped.length > 0 && (
        <ul className="import-skipped" aria-label="Skipped">
          {report.skipped.slice(0, 200).map((k, i) => (
            <li key={i}>
              <strong>{k.what}</strong>: {k.why}
            </li>
          ))}
          {report.skipped.length > 200 && <li>… and {report.skipped.length - 200} more</li>}
        </ul>
      )}
    </div>
  );
}
