/**
 * Import a ComfyUI workflow into a backend: a file in API format is read here (a file that is not
 * JSON, or is in ComfyUI's UI format, is refused in words), the app suggests which node inputs take
 * the prompt, seed, size… (images.detectMapping), the user checks that and names the workflow, and
 * images.saveWorkflow stores it. The app's own refusals are shown as it words them.
 */
import { useState, type ChangeEvent } from 'react';
import type { ImageBackendView } from '../../../../../shared/types/images';
import { client, ClientError } from '../../../client';
import {
  inputOptions,
  MAPPING_FIELDS,
  mappingDraft,
  mappingInput,
  MAX_WORKFLOW_BYTES,
  readWorkflow,
  workflowName,
  type ApiWorkflow,
  type InputOption,
  type MappingDraft,
} from './workflow-file';

interface Loaded {
  fileName: string;
  workflow: ApiWorkflow;
  options: InputOption[];
  nodeCount: number;
}

const words = (err: unknown, fallback: string) => (err instanceof ClientError ? err.message : fallback);

export function WorkflowImport(props: {
  backend: ImageBackendView;
  onSaved(view: ImageBackendView, name: string): void;
  onCancel(): void;
}) {
  const { backend, onSaved, onCancel } = props;
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [draft, setDraft] = useState<MappingDraft | null>(null);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState<'reading' | 'saving' | null>(null);
  const [error, setError] = useState<string | null>(null);

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    setError(null);
    setLoaded(null);
    setDraft(null);
    if (!file) return;
    if (file.size > MAX_WORKFLOW_BYTES) {
      setError(`“${file.name}” is ${Math.round(file.size / 1024 / 1024)} MB; a workflow file is at most 5 MB.`);
      return;
    }
    setBusy('reading');
    try {
      const read = readWorkflow(await file.text(), file.name);
      if ('error' in read) return setError(read.error);
      const { mapping, nodes } = await client.call('images.detectMapping', { workflow: read.workflow });
      const options = inputOptions(nodes);
      setLoaded({ fileName: file.name, workflow: read.workflow, options, nodeCount: nodes.length });
      setDraft(mappingDraft(mapping, options));
      setName(workflowName(file.name));
    } catch (err) {
      setError(words(err, `“${file.name}” could not be read.`));
    } finally {
      setBusy(null);
    }
  };

  const save = async () => {
    if (!loaded || !draft) return;
    const m = mappingInput(draft);
    if ('error' in m) return setError(m.error);
    const label = name.trim();
    if (!label) return setError('Give the workflow a name.');
    setError(null);
    setBusy('saving');
    try {
      const view = await client.call('images.saveWorkflow', {
        backendId: backend.id,
        name: label,
        workflow: loaded.workflow,
        mapping: m.mapping,
      });
      onSaved(view, label);
    } catch (err) {
      setError(words(err, 'Could not save the workflow.'));
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="workflow-import" role="group" aria-label={`Import a workflow into ${backend.label}`}>
      <label>
        Workflow file (API format JSON)
        <input type="file" accept=".json,application/json" disabled={busy !== null} onChange={(e) => void onFile(e)} />
      </label>
      {busy === 'reading' && <p role="status">Reading the workflow…</p>}
      {loaded && draft && (
        <>
          <p className="muted">
            {loaded.nodeCount} nodes in {loaded.fileName}. Check which node input takes each parameter; parameters not
            mapped keep the workflow’s own values.
          </p>
          <label>
            Workflow name
            <input type="text" maxLength={80} value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <div className="workflow-mapping">
            {MAPPING_FIELDS.map(({ key, label }) => (
              <label key={key}>
                {key === 'prompt' ? `${label} (required)` : label}
                <select
                  value={draft[key]}
                  required={key === 'prompt'}
                  onChange={(e) => setDraft({ ...draft, [key]: e.target.value })}
                >
                  <option value="">{key === 'prompt' ? 'Choose a node input…' : 'not mapped'}</option>
                  {loaded.options.map((o) => (
                    <option key={o.value} value={o.value}>
                      {o.label}
                    </option>
                  ))}
                </select>
              </label>
            ))}
          </div>
        </>
      )}
      {error && (
        <p className="pull-error" role="alert">
          {error}
        </p>
      )}
      <div className="endpoint-buttons">
        {loaded && (
          <button type="button" className="btn btn-primary" disabled={busy !== null} onClick={() => void save()}>
            {busy === 'saving' ? 'Saving…' : 'Save workflow'}
          </button>
        )}
        <button type="button" className="btn btn-ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}
