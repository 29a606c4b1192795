/** Details of one model from 'models.show': facts, parameters, template, system prompt, license (collapsed), model info. */
import { useEffect, useRef } from 'react';
import { useAppStore } from '../../app/store';
import { CapabilityBadges } from './InstalledModels';
import { formatContext, formatDate } from './format';

export function ModelDetailsPanel() {
  const details = useAppStore((s) => s.details);
  const { closeDetails } = useAppStore.getState();
  const ref = useRef<HTMLElement>(null);
  const model = details?.model;

  useEffect(() => {
    if (model) ref.current?.focus();
  }, [model]);

  if (!details) return null;
  const d = details.data;
  const close = () => {
    closeDetails();
    // Back to the row's Details button, so keyboard users keep their place.
    requestAnimationFrame(() =>
      document.querySelector<HTMLElement>(`[aria-label="Details of ${CSS.escape(details.name)}"]`)?.focus(),
    );
  };
  return (
    <section
      ref={ref}
      className="model-details"
      aria-label={`Details of ${details.name}`}
      tabIndex={-1}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          close();
        }
      }}
    >
      <div className="models-section-head">
        <h2>{details.name}</h2>
        <button type="button" className="btn btn-ghost btn-small" onClick={close}>
          Close details
        </button>
      </div>
      {details.error && (
        <p className="pull-error" role="alert">
          {details.error}
        </p>
      )}
      {!d && !details.error && <p className="models-empty">Reading the model’s details…</p>}
      {d && (
        <>
          <dl className="details-facts">
            <dt>Family</dt>
            <dd>{d.family ?? '—'}</dd>
            <dt>Parameters</dt>
            <dd>{d.parameterSize ?? '—'}</dd>
            <dt>Quantisation</dt>
            <dd>{d.quantization ?? '—'}</dd>
            <dt>Context length</dt>
            <dd>
              {d.contextLength ? `${d.contextLength.toLocaleString()} tokens (${formatContext(d.contextLength)})` : '—'}
            </dd>
            <dt>Capabilities</dt>
            <dd>
              <CapabilityBadges caps={d.capabilities} />
            </dd>
            <dt>Modified</dt>
            <dd>{formatDate(d.modifiedAt)}</dd>
          </dl>
          <h3>Parameters</h3>
          {d.parameters?.trim() ? (
            <pre className="details-pre" aria-label="Parameters" tabIndex={0}>
              {d.parameters.trim()}
            </pre>
          ) : (
            <p className="muted">None set: Ollama’s defaults apply.</p>
          )}
          <h3>Template</h3>
          {d.template?.trim() ? (
            <pre className="details-pre" aria-label="Template" tabIndex={0}>
              {d.template}
            </pre>
          ) : (
            <p className="muted">No template.</p>
          )}
          {d.system?.trim() && (
            <>
              <h3>System prompt</h3>
              <pre className="details-pre" aria-label="System prompt" tabIndex={0}>
                {d.system}
              </pre>
            </>
          )}
          <details className="details-license">
            <summary>License</summary>
            {d.license?.trim() ? (
              <pre className="details-pre" tabIndex={0}>
                {d.license}
              </pre>
            ) : (
              <p className="muted">The model states no license.</p>
            )}
          </details>
          {Object.keys(d.modelInfo).length > 0 && (
            <>
              <h3>Model info</h3>
              <dl className="details-facts details-info" aria-label="Model info">
                {Object.entries(d.modelInfo).map(([k, v]) => (
                  <div key={k} className="details-info-row">
                    <dt>{k}</dt>
                    <dd>{typeof v === 'number' ? v.toLocaleString() : String(v)}</dd>
                  </div>
                ))}
              </dl>
            </>
          )}
        </>
      )}
    </section>
  );
}
