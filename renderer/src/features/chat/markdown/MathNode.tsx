/** TeX rendered by KaTeX, loaded on first use (KaTeX and its CSS are not in the initial bundle). */
import { useEffect, useState } from 'react';
import type katexModule from 'katex';

type Katex = typeof katexModule;
let katex: Katex | null = null;
let loading: Promise<Katex> | null = null;

function loadKatex(): Promise<Katex> {
  loading ??= Promise.all([import('katex'), import('katex/dist/katex.min.css')]).then(([m]) => {
    katex = m.default;
    return katex;
  });
  return loading;
}

/** TeX as KaTeX HTML. Exported for the sanitiser's tests (model output reaches KaTeX unsanitised). */
export function renderTex(k: Katex, tex: string, display: boolean): string {
  // trust: false keeps \href, \url and friends from producing links; errors render in red in place.
  return k.renderToString(tex, {
    displayMode: display,
    throwOnError: false,
    trust: false,
    strict: 'ignore',
    maxSize: 20,
    maxExpand: 500,
    output: 'htmlAndMathml',
  });
}

export function MathNode({ tex, display }: { tex: string; display: boolean }) {
  const [, setLoaded] = useState(katex !== null);
  useEffect(() => {
    if (katex) return;
    let alive = true;
    loadKatex().then(
      () => alive && setLoaded(true),
      () => undefined,
    );
    return () => {
      alive = false;
    };
  }, []);
  const Tag = display ? 'div' : 'span';
  if (!katex) return <Tag className={display ? 'math math-display' : 'math math-inline'}>{tex}</Tag>;
  return (
    <Tag
      className={display ? 'math math-display' : 'math math-inline'}
      // KaTeX escapes the TeX it renders, and trust: false disables its URL-producing commands.
      dangerouslySetInnerHTML={{ __html: renderTex(katex, tex, display) }}
    />
  );
}
