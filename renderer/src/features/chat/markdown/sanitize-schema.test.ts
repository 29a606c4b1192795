/**
 * Model output is sanitised by allow-list (sanitize-schema.ts): hostile payloads leave nothing that
 * can run, load or navigate — checked on the sanitised hast tree and on the HTML MarkdownView
 * renders — and legit markdown renders to the same elements as before the allow-list.
 */
import type { Element, Root, RootContent } from 'hast';
import katex from 'katex';
import * as React from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import rehypeSanitize, { defaultSchema } from 'rehype-sanitize';
import { describe, expect, it, vi } from 'vitest';
import { markdownToHast, processor } from './markdown-processor';
import { MarkdownView } from './MarkdownView';
import { renderTex } from './MathNode';
import { MERMAID_SECURITY } from './MermaidBlock';
import { SANITIZE_SCHEMA } from './sanitize-schema';
import { safeLinkHref } from './url-safety';

// The image component's client reaches for `window` when loaded; images are never fetched here.
vi.mock('../../../client', () => ({ client: {}, ClientError: class extends Error {} }));
// Vitest compiles the components' TSX with esbuild's classic runtime (React.createElement).
(globalThis as { React?: typeof React }).React = React;

function html(text: string): string {
  return renderToStaticMarkup(React.createElement(MarkdownView, { text, streaming: false }));
}

function elements(node: Root | RootContent, out: Element[] = []): Element[] {
  if (node.type === 'element') out.push(node);
  if ('children' in node) for (const c of node.children) elements(c, out);
  return out;
}

const SCHEME = /^([a-z][a-z\d+.-]*):/i;
const schemeOf = (url: string) => SCHEME.exec(url)?.[1]?.toLowerCase() ?? null;

/** The sanitised tree: allowed tags only, no handlers or style, safe URL schemes, clobbered ids. */
function expectSafeTree(tree: Root): void {
  const nodeTypes = new Set<string>();
  const walk = (n: Root | RootContent) => {
    nodeTypes.add(n.type);
    if ('children' in n) n.children.forEach(walk);
  };
  walk(tree);
  expect([...nodeTypes].filter((t) => !['root', 'element', 'text'].includes(t))).toEqual([]);
  for (const el of elements(tree)) {
    expect(SANITIZE_SCHEMA.tagNames).toContain(el.tagName);
    for (const [key, value] of Object.entries(el.properties)) {
      expect(key).not.toMatch(/^on/i);
      expect(key).not.toBe('style');
      const values = (Array.isArray(value) ? value : [value]).map(String);
      if (key === 'href') for (const v of values) expect([null, 'http', 'https', 'mailto']).toContain(schemeOf(v));
      if (key === 'src' || key === 'srcSet')
        for (const v of values) expect([null, 'http', 'https', 'data']).toContain(schemeOf(v));
      if (key === 'src' && schemeOf(values[0]!) === 'data') expect(el.tagName).toBe('img');
      if (key === 'id' || key === 'name') for (const v of values) expect(v).toMatch(/^user-content-/);
    }
  }
}

const DANGEROUS_TAGS =
  /^(script|style|iframe|frame|frameset|object|embed|form|svg|math|img|link|meta|base|textarea|template|noscript|video|audio|source|picture|input)$/;

/** The rendered HTML: no dangerous tags, no handlers, only safe absolute links, no image before consent. */
function expectSafeHtml(out: string): void {
  for (const [, tag, attrs] of out.matchAll(/<([a-zA-Z][\w-]*)([^>]*)>/g)) {
    // Task lists' disabled checkboxes are the only inputs.
    if (tag === 'input') expect(attrs).toMatch(/^ type="checkbox" disabled=""( checked="")?\/$/);
    else expect(tag!.toLowerCase()).not.toMatch(DANGEROUS_TAGS);
    for (const [, name, value] of attrs!.matchAll(/([^\s=/]+)(?:="([^"]*)")?/g)) {
      const v = (value ?? '')
        .replace(/&amp;/g, '&')
        .replace(/&quot;/g, '"')
        .replace(/&#x27;/g, "'");
      expect(name).not.toMatch(/^(on|src|srcset|action|formaction|xlink:href|background|poster)/i);
      if (name === 'style') expect(v).toMatch(/^text-align:(left|right|center)$/);
      if (name === 'href') expect(safeLinkHref(v)).toBe(v);
    }
  }
}

/** Markdown whose payload must come out inert; `check` adds what the user must see instead. */
const HOSTILE: [name: string, markdown: string, check?: (out: string) => void][] = [
  // Raw HTML is shown as text, never becomes elements.
  ['<script>', '<script>alert(1)</script>', (o) => expect(o).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')],
  ['<style>', '<style>body{display:none}</style>', (o) => expect(o).toContain('&lt;style&gt;')],
  ['<iframe>', '<iframe src="javascript:alert(1)"></iframe>', (o) => expect(o).toContain('&lt;iframe')],
  [
    '<object> and <embed>',
    '<object data="x.swf"></object><embed src="x.swf">',
    (o) => expect(o).toContain('&lt;embed'),
  ],
  ['<form>', '<form action="javascript:alert(1)"><input type="submit"></form>', (o) => expect(o).toContain('&lt;form')],
  ['<img onerror>', '<img src=x onerror="alert(1)">', (o) => expect(o).toContain('onerror=&quot;alert(1)&quot;')],
  ['<svg onload>', '<svg onload="alert(1)"><circle r="9"/></svg>', (o) => expect(o).toContain('&lt;svg onload')],
  ['inline handlers', 'Inline <b onmouseover="alert(1)">bold</b> <a href="javascript:alert(1)">x</a>'],
  ['style attribute', '<div style="position:fixed;inset:0">overlay</div>'],
  ['<details ontoggle>', '<details open ontoggle="alert(1)"><summary>x</summary></details>'],
  ['comments and doctype', '<!-- hidden --><!DOCTYPE html>', (o) => expect(o).toContain('&lt;!-- hidden --&gt;')],
  ['mutation XSS', '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>'],
  ['raw HTML with ids (clobbering)', '<a id="location" name="cookie">x</a><form id="x"><input name="y"></form>'],
  ['raw HTML in a table cell', '| a |\n|---|\n| <script>alert(1)</script> |'],
  ['raw HTML in link text', '[<img src=x onerror=alert(1)>](https://example.com)'],
  ['raw HTML in image alt', '![<script>alert(1)</script>](https://example.com/a.png)'],
  // Links with bad schemes are plain text.
  ['javascript: link', '[x](javascript:alert(1))', (o) => expect(o).toContain('class="link-blocked"')],
  ['JaVaScRiPt: link', '[x](JaVaScRiPt:alert(1))', (o) => expect(o).toContain('class="link-blocked"')],
  ['&#106;avascript: link', '[x](&#106;avascript:alert(1))', (o) => expect(o).toContain('class="link-blocked"')],
  ['&#x6A;avascript: link', '[x](&#x6A;avascript:alert(1))'],
  ['tab inside the scheme', '[x](java&#x09;script:alert(1)) [y](<java\tscript:alert(1)>)'],
  ['data:text/html link', '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'],
  ['vbscript: link', '[x](vbscript:msgbox(1))'],
  ['file: link', '[x](file:///etc/passwd)'],
  ['irc and xmpp (GitHub allows them, we do not)', '[x](irc://irc.example/chan) [y](xmpp:a@b.example)'],
  ['relative and fragment links', '[x](/api/call/app.info) [y](#top) [z](//evil.example/x)'],
  ['credentials in a link', '[x](https://bank.example@evil.example/)'],
  [
    'javascript: autolink',
    '<javascript:alert(1)> <JAVASCRIPT:alert(2)>',
    (o) => expect(o).toContain('javascript:alert(1)'),
  ],
  ['data: autolink', '<data:text/html,alert(1)>'],
  ['reference-style javascript:', '[bad]: javascript:alert(1)\n[x][bad] and [y]\n\n[y]: <vbscript:msgbox(1)> "t"'],
  ['link title with a handler', '[x](https://example.com "onmouseover=alert(1)")'],
  // Images: never an <img> before consent, never a bad scheme.
  ['javascript: image', '![x](javascript:alert(1))', (o) => expect(o).toContain('[Image not shown: x')],
  ['JaVaScRiPt: image', '![x](JaVaScRiPt:alert(1))', (o) => expect(o).toContain('[Image not shown: x')],
  ['&#106;avascript: image', '![x](&#106;avascript:alert(1))', (o) => expect(o).toContain('[Image not shown: x')],
  [
    'data:text/html image',
    '![x](data:text/html,alert(1))',
    (o) => expect(o).toContain('[Embedded image not shown: x]'),
  ],
  ['data:image/svg+xml image', '![x](DATA:image/svg+xml,<svg/onload=alert(1)>)'],
  [
    'remote image',
    '![t](https://tracker.example/t.png)',
    (o) => expect(o).toContain('Load image from tracker.example'),
  ],
  // Code fence info strings.
  ['handler in a fence info string', '```js" onclick="alert(1)\nx\n```\n\n```js onload=alert(1)\ny\n```'],
  // Ids from footnote labels are prefixed; headings get none.
  [
    'footnote label clobbering',
    'a[^constructor] b[^footnote-label] c[^x" onmouseover="y]\n[^constructor]: 1\n[^footnote-label]: 2',
  ],
  ['heading ids', '# location\n\n## cookie'],
  // Math: the TeX reaches KaTeX (trust: false) as text.
  ['\\href in math', '$\\href{javascript:alert(1)}{x}$ and\n$$\n\\url{javascript:alert(2)}\n$$'],
  ['\\htmlId and \\includegraphics in math', '$\\htmlId{location}{x}\\includegraphics{https://evil.example/t.png}$'],
  // Mermaid: the source is text until the user asks; mermaid runs with securityLevel 'strict'.
  [
    'mermaid click callbacks',
    '```mermaid\ngraph TD\n  A-->B\n  click A callback "alert"\n  click B href "javascript:alert(1)"\n```',
    (o) => expect(o).toContain('click B href &quot;javascript:alert(1)&quot;</code>'),
  ],
];

describe('hostile model output', () => {
  it.each(HOSTILE)('%s: the sanitised tree is safe', (_, markdown) => {
    expectSafeTree(markdownToHast(markdown));
  });

  it.each(HOSTILE)('%s: the rendered HTML is inert', (_, markdown, check) => {
    const out = html(markdown);
    expectSafeHtml(out);
    check?.(out);
  });

  it('KaTeX renders \\href, \\url, \\htmlId, \\includegraphics and friends as text (trust stays off)', () => {
    for (const tex of [
      '\\href{javascript:alert(1)}{x}',
      '\\url{javascript:alert(1)}',
      '\\href{https://evil.example}{x}',
      '\\htmlId{location}{x}',
      '\\htmlClass{evil}{x}',
      '\\htmlStyle{position:fixed}{x}',
      '\\htmlData{foo=bar}{x}',
      '\\includegraphics{https://evil.example/t.png}',
    ]) {
      const out = renderTex(katex, tex, false) + renderTex(katex, tex, true);
      expect(out).not.toMatch(/<a[\s>]|href=|<img|id="location"|class="evil"|position:fixed;|data-foo/);
    }
  });

  it('mermaid runs strict: no click callbacks, no HTML labels', () => {
    expect(MERMAID_SECURITY).toMatchObject({ securityLevel: 'strict', htmlLabels: false });
  });
});

/** Legit markdown and what it rendered to before the allow-list (the same elements now). */
const LEGIT: [name: string, markdown: string, expected: string[]][] = [
  [
    'code fence with a language',
    '```ts\nconst a = 1;\n```',
    [
      '<span class="code-lang">ts</span>',
      '<pre><code class="hljs language-ts"><span class="hljs-keyword">const</span>',
    ],
  ],
  [
    'code fence without a language',
    '```\nplain\n```',
    ['<span class="code-lang">text</span>', '<pre><code>plain</code></pre>'],
  ],
  [
    'mermaid block',
    '```mermaid\ngraph TD\n  A-->B\n```',
    ['<div class="mermaid-block">', '<button type="button">Show diagram</button>', '<code>graph TD\n  A--&gt;B</code>'],
  ],
  [
    'inline math',
    'Inline $E = mc^2$ and \\(a^2 + b^2\\).',
    [
      '<p>Inline <span class="math math-inline">E = mc^2</span> and <span class="math math-inline">a^2 + b^2</span>.</p>',
    ],
  ],
  ['display math', '$$\n\\int_0^1 x\\,dx\n$$', ['<div class="math math-display">\\int_0^1 x\\,dx</div>']],
  ['display math in \\[ \\]', '\\[\nx^2\n\\]', ['<div class="math math-display">x^2</div>']],
  [
    'table',
    '| Name | Value |\n|:---|---:|\n| alpha | 1 |',
    [
      '<div class="table-wrap"><table><thead><tr><th style="text-align:left">Name</th><th style="text-align:right">Value</th></tr></thead>' +
        '<tbody><tr><td style="text-align:left">alpha</td><td style="text-align:right">1</td></tr></tbody></table></div>',
    ],
  ],
  [
    'task list',
    '- [x] done\n- [ ] todo',
    [
      '<ul class="contains-task-list">\n<li class="task-list-item"><input type="checkbox" disabled="" checked=""/> done</li>\n' +
        '<li class="task-list-item"><input type="checkbox" disabled=""/> todo</li>\n</ul>',
    ],
  ],
  [
    'links (inline, autolink, www, email, upper-case scheme)',
    '[a page](https://example.com/page) <https://example.org/auto> www.example.com a@b.co [up](HTTP://Example.com)',
    [
      '<a href="https://example.com/page" target="_blank" rel="noopener noreferrer" title="https://example.com/page">a page</a>' +
        '<span class="link-url"> (https://example.com/page)</span>',
      '<a href="https://example.org/auto" target="_blank" rel="noopener noreferrer" title="https://example.org/auto">https://example.org/auto</a> ',
      '<a href="http://www.example.com/" target="_blank" rel="noopener noreferrer" title="http://www.example.com/">www.example.com</a>',
      '<a href="mailto:a@b.co" target="_blank" rel="noopener noreferrer" title="mailto:a@b.co">a@b.co</a>',
      '<a href="http://example.com/" target="_blank" rel="noopener noreferrer" title="http://example.com/">up</a>',
    ],
  ],
  [
    'reference-style link',
    '[good]: https://example.com\n[y][good]',
    ['<a href="https://example.com/" target="_blank" rel="noopener noreferrer" title="https://example.com/">y</a>'],
  ],
  [
    'image',
    '![alt text](https://example.com/a.png "title")',
    [
      '<span class="image-placeholder"><button type="button" title="https://example.com/a.png">Load image from example.com</button>' +
        '<span class="image-alt"> alt text</span></span>',
    ],
  ],
  [
    'embedded image',
    '![embedded](data:image/png;base64,AAAA)',
    ['<span class="image-blocked">[Embedded image not shown: embedded]</span>'],
  ],
  [
    'footnotes',
    'Text with a note[^1].\n[^1]: The note.',
    [
      '<p>Text with a note<sup><span class="link-blocked" title="Not a link: only http, https and mailto links are allowed">1</span></sup>.</p>',
      '<section data-footnotes="true" class="footnotes"><h2 class="sr-only" id="user-content-footnote-label">Footnotes</h2>',
      '<li id="user-content-fn-1">\n<p>The note. <span class="link-blocked"',
    ],
  ],
  [
    'headings, quote, lists, rule, emphasis, breaks',
    '# H1\n\n> quote\n\n1. one\n2. two\n\n---\n\n~~del~~ *em* **strong** `code` line  \nbreak',
    [
      '<h1>H1</h1><blockquote>\n<p>quote</p>\n</blockquote><ol>\n<li>one</li>\n<li>two</li>\n</ol><hr/>',
      '<p><del>del</del> <em>em</em> <strong>strong</strong> <code>code</code> line<br/>\nbreak</p>',
    ],
  ],
];

describe('legit markdown', () => {
  it.each(LEGIT)('%s renders as before', (_, markdown, expected) => {
    const out = html(markdown);
    for (const fragment of expected) expect(out).toContain(fragment);
    expectSafeHtml(out);
  });

  it('math keeps the classes MathNode and the code-block switch read', () => {
    const [inline, display] = elements(markdownToHast('$x$\n\n$$\ny\n$$')).filter((e) => e.tagName === 'code');
    expect(inline!.properties.className).toEqual(['language-math', 'math-inline']);
    expect(display!.properties.className).toEqual(['language-math', 'math-display']);
  });

  it('footnote links point at the clobbered ids, and aria references at the label', () => {
    const tree = markdownToHast('One[^a] and two[^b], one again[^a].\n[^a]: First.\n[^b]: Second.');
    const all = elements(tree);
    const ids = new Set(all.map((e) => e.properties.id).filter((id) => id !== undefined));
    const links = all.filter((e) => e.tagName === 'a');
    expect(links.length).toBe(6); // three references, three back references
    for (const a of links) {
      expect(String(a.properties.href)).toMatch(/^#user-content-fn/);
      expect(ids).toContain(String(a.properties.href).slice(1));
    }
    for (const a of links.filter((l) => l.properties.dataFootnoteRef !== undefined))
      expect(ids).toContain((a.properties.ariaDescribedBy as string[])[0]);
  });
});

describe('the schema', () => {
  it("is GitHub's with our additions, without changing GitHub's object", () => {
    expect(SANITIZE_SCHEMA.tagNames).toEqual(defaultSchema.tagNames);
    expect(SANITIZE_SCHEMA.attributes?.code).toEqual([['className', /^language-./, 'math-inline', 'math-display']]);
    expect(defaultSchema.attributes?.code).toEqual([['className', /^language-./]]);
    expect(SANITIZE_SCHEMA.protocols?.href).toEqual(['http', 'https', 'mailto']);
    expect(SANITIZE_SCHEMA.clobber).toEqual(defaultSchema.clobber);
    expect(SANITIZE_SCHEMA.clobberPrefix).toBe('user-content-');
  });

  it('is given once to the one processor (not built per render)', () => {
    const sanitizers = processor.attachers.filter(([plugin]) => (plugin as unknown) === rehypeSanitize);
    expect(sanitizers).toHaveLength(1);
    expect(sanitizers[0]![1]).toBe(SANITIZE_SCHEMA);
  });
});
