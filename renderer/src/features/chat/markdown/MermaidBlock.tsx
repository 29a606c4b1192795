/**
 * A ```mermaid block: the source, and a diagram drawn on demand. Mermaid (large) is loaded only on
 * the first click, runs with securityLevel 'strict', and its SVG is shown as an <img> from a data:
 * URL, so nothing in the diagram can run script or reach the page.
 */
import { useState } from 'react';
import type mermaidModule from 'mermaid';

let counter = 0;

type Mermaid = typeof mermaidModule;
let mermaidPromise: Promise<Mermaid> | null = null;

/** 'strict': no click callbacks or links, labels without HTML. Exported for the sanitiser's tests. */
export const MERMAID_SECURITY = {
  startOnLoad: false,
  securityLevel: 'strict',
  htmlLabels: false,
  suppressErrorRendering: true,
} as const;

function loadMermaid(): Promise<Mermaid> {
  mermaidPromise ??= import('mermaid').then((m) => {
    m.default.initialize({
      ...MERMAID_SECURITY,
      theme: matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'default',
    });
    return m.default;
  });
  return mermaidPromise;
}

export function MermaidBlock({ code }: { code: string }) {
  const [state, setState] = useState<
    { kind: 'idle' } | { kind: 'busy' } | { kind: 'done'; src: string } | { kind: 'error'; message: string }
  >({ kind: 'idle' });

  async function show() {
    setState({ kind: 'busy' });
    try {
      const mermaid = await loadMermaid();
      const { svg } = await mermaid.render(`hearth-mermaid-${++counter}`, code);
      setState({ kind: 'done', src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}` });
    } catch (err) {
      setState({
        kind: 'error',
        message: `Could not draw the diagram: ${(err as Error)?.message ?? String(err)}. Check the diagram source.`,
      });
    }
  }

  return (
    <div className="mermaid-block">
      <div className="code-block-bar">
        <span className="code-lang">mermaid</span>
        {state.kind !== 'done' && (
          <button type="button" onClick={() => void show()} disabled={state.kind === 'busy'}>
            {state.kind === 'busy' ? 'Drawing…' : 'Show diagram'}
          </button>
        )}
        {state.kind === 'done' && (
          <button type="button" onClick={() => setState({ kind: 'idle' })}>
            Show source
          </button>
        )}
      </div>
      {state.kind === 'done' ? (
        <img className="mermaid-diagram" src={state.src} alt="Diagram drawn from the mermaid source" />
      ) : (
        <pre>
          <code>{code}</code>
        </pre>
      )}
      {state.kind === 'error' && (
        <p className="markdown-error" role="alert">
          {state.message}
        </p>
      )}
    </div>
  );
}
