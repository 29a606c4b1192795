/**
 * A fenced code block: language label, "Copy code", highlighting once the block is complete.
 * Highlighting happens in render within a small budget (a block finishing while an answer streams
 * at a readable pace, or one highlighted before); past it, it waits for an idle moment, one block
 * per idle callback: a burst of streamed text can finish dozens of code blocks at once, and
 * highlighting them all in the task that shows the text kept the end of the answer off the screen.
 */
import { memo, useEffect, useState } from 'react';
import { highlightInRender, highlightKept } from './highlight';

export const CodeBlock = memo(function CodeBlock({
  code,
  lang,
  live,
}: {
  code: string;
  lang: string | null;
  live: boolean;
}) {
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (copied === 'idle') return;
    const t = setTimeout(() => setCopied('idle'), 2000);
    return () => clearTimeout(t);
  }, [copied]);
  // Highlighting a block that grows with every delta is wasted work: plain text until it is complete.
  const before = live ? null : highlightInRender(code, lang);
  const [late, setLate] = useState<{ code: string; lang: string | null; html: string | null } | null>(null);
  useEffect(() => {
    if (before !== undefined) return;
    const id = requestIdleCallback(() => setLate({ code, lang, html: highlightKept(code, lang) }), { timeout: 300 });
    return () => cancelIdleCallback(id);
  }, [before, code, lang]);
  const html = before !== undefined ? before : late?.code === code && late.lang === lang ? late.html : null;
  return (
    <div className="code-block">
      <div className="code-block-bar">
        <span className="code-lang">{lang || 'text'}</span>
        <button
          type="button"
          className="code-copy"
          onClick={() => {
            navigator.clipboard.writeText(code).then(
              () => setCopied('copied'),
              () => setCopied('failed'),
            );
          }}
        >
          {copied === 'copied' ? 'Copied' : copied === 'failed' ? 'Copy failed — select the text instead' : 'Copy code'}
        </button>
      </div>
      <pre>
        {html !== null ? (
          <code className={`hljs language-${lang}`} dangerouslySetInnerHTML={{ __html: html }} />
        ) : (
          <code>{code}</code>
        )}
      </pre>
    </div>
  );
});
