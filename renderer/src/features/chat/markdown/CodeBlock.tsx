/** A fenced code block: language label, "Copy code", highlighting once the block is complete. */
import { memo, useEffect, useState } from 'react';
import { highlight } from './highlight';

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
  const html = live ? null : highlight(code, lang);
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
