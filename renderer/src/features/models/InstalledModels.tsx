/**
 * The installed models of the chosen server: size, family, parameters, quantisation, context,
 * capabilities, modified date, whether it fits this machine's memory; Details and Delete (confirmed).
 */
import { useState } from 'react';
import type { InstalledModel, MachineMemory, ModelCapability } from '../../../../shared/types/domain';
import { useAppStore } from '../../app/store';
import { ConfirmDialog } from './ConfirmDialog';
import { formatBytes, formatContext, formatDate } from './format';

const SHOWN_CAPS: ModelCapability[] = ['vision', 'thinking', 'tools', 'embedding'];

export function CapabilityBadges({ caps }: { caps: ModelCapability[] }) {
  const shown = SHOWN_CAPS.filter((c) => caps.includes(c));
  if (shown.length === 0) return <span className="muted">text</span>;
  return (
    <span className="cap-badges">
      {shown.map((c) => (
        <span key={c} className={`cap-badge cap-${c}`}>
          {c}
        </span>
      ))}
    </span>
  );
}

const FITS: Record<NonNullable<InstalledModel['fits']>, { text: string; why: string }> = {
  yes: { text: 'Fits', why: 'fits in the free memory' },
  tight: { text: 'Tight', why: 'needs nearly all the free memory; close other apps first' },
  no: { text: 'Too big', why: 'is larger than the free memory; it will be slow or fail to load' },
};

function FitsHint({ model, memory }: { model: InstalledModel; memory: MachineMemory | null }) {
  if (!model.fits) return <span className="muted">—</span>;
  const f = FITS[model.fits];
  const title = memory
    ? `${formatBytes(model.sizeBytes)} ${f.why} (${formatBytes(memory.freeBytes)} free of ${formatBytes(memory.totalBytes)})`
    : f.why;
  return (
    <span className={`fits fits-${model.fits}`} title={title}>
      {f.text}
      <span className="sr-only">: {title}</span>
    </span>
  );
}

export function InstalledModels({ serverLabel }: { serverLabel: string }) {
  const installed = useAppStore((s) => s.installed);
  const memory = useAppStore((s) => s.memory);
  const loading = useAppStore((s) => s.installedLoading);
  const error = useAppStore((s) => s.installedError);
  const selected = useAppStore((s) => s.details?.model ?? null);
  const { loadInstalled, showDetails, deleteModel } = useAppStore.getState();
  const [confirm, setConfirm] = useState<InstalledModel | null>(null);
  const [deleting, setDeleting] = useState(false);

  return (
    <section className="models-section" aria-labelledby="installed-title">
      <div className="models-section-head">
        <h2 id="installed-title">Installed on {serverLabel}</h2>
        {memory && (
          <span className="muted" aria-label="Memory of this machine">
            This machine: {formatBytes(memory.freeBytes)} free of {formatBytes(memory.totalBytes)} memory
          </span>
        )}
        <button
          type="button"
          className="btn btn-ghost btn-small"
          onClick={() => void loadInstalled()}
          disabled={loading}
        >
          {loading ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      {error && (
        <div className="banner banner-error models-banner" role="alert">
          <p>{error}</p>
          <div className="banner-actions">
            <button type="button" className="btn" onClick={() => void loadInstalled()} disabled={loading}>
              Retry
            </button>
          </div>
        </div>
      )}
      {installed === null ? (
        !error && <p className="models-empty">Loading the installed models…</p>
      ) : installed.length === 0 ? (
        <p className="models-empty">
          No models on {serverLabel} yet. Pull one above — for example <code>llama3.2:1b</code> (1.3 GB) for a quick
          start, or <code>qwen2.5:0.5b</code> (400 MB) on a small machine.
        </p>
      ) : (
        <div className="table-wrap">
          <table className="models-table" aria-label="Installed models">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Size</th>
                <th scope="col">Family</th>
                <th scope="col">Parameters</th>
                <th scope="col">Quantisation</th>
                <th scope="col">Context</th>
                <th scope="col">Capabilities</th>
                <th scope="col">Modified</th>
                <th scope="col">Fits this machine?</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {installed.map((m) => (
                <tr key={m.id} className={selected === m.id ? 'selected' : undefined}>
                  <th scope="row" className="model-name">
                    {m.name}
                  </th>
                  <td>{formatBytes(m.sizeBytes)}</td>
                  <td>{m.family ?? '—'}</td>
                  <td>{m.parameterSize ?? '—'}</td>
                  <td>{m.quantization ?? '—'}</td>
                  <td title={m.contextLength ? `${m.contextLength.toLocaleString()} tokens` : undefined}>
                    {formatContext(m.contextLength)}
                  </td>
                  <td>
                    <CapabilityBadges caps={m.capabilities} />
                  </td>
                  <td>{formatDate(m.modifiedAt)}</td>
                  <td>
                    <FitsHint model={m} memory={memory} />
                  </td>
                  <td className="model-actions">
                    <button
                      type="button"
                      className="btn btn-ghost btn-small"
                      aria-label={`Details of ${m.name}`}
                      aria-pressed={selected === m.id}
                      onClick={() => void showDetails(m)}
                    >
                      Details
                    </button>
                    <button
                      type="button"
                      className="btn btn-ghost btn-small danger-text"
                      aria-label={`Delete ${m.name}`}
                      onClick={() => setConfirm(m)}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {confirm && (
        <ConfirmDialog
          title={`Delete ${confirm.name}?`}
          confirmLabel="Delete model"
          busy={deleting}
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            setDeleting(true);
            void deleteModel(confirm).finally(() => {
              setDeleting(false);
              setConfirm(null);
            });
          }}
        >
          <p>
            This removes {confirm.name} ({formatBytes(confirm.sizeBytes)}) from {serverLabel}. Chats that used it keep
            their messages; to chat with it again you will have to pull it again.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
