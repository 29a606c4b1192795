/**
 * Model output as markdown (GFM, math, highlighted code, on-demand mermaid), loaded lazily as its
 * own chunk. Untrusted: markdown-processor.ts shows raw HTML as text and sanitises the tree with an
 * allow-list (sanitize-schema.ts); here links are limited to http/https/mailto and open outside
 * the app, images wait for consent. While streaming, finished blocks are memoised and only
 * the last block is re-parsed per update.
 */
import {
  createContext,
  memo,
  startTransition,
  useContext,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { Fragment, jsx, jsxs } from 'react/jsx-runtime';
import { toJsxRuntime, type Components } from 'hast-util-to-jsx-runtime';
import type { Element, ElementContent } from 'hast';
import { CodeBlock } from './CodeBlock';
import { markdownToHast } from './markdown-processor';
import { MathNode } from './MathNode';
import { MermaidBlock } from './MermaidBlock';
import { OutputImage } from './RemoteImage';
import {
  closeOpenMarkers,
  isBigJump,
  normalizeMathDelimiters,
  splitIncremental,
  type SplitResult,
} from './split-blocks';
import { linkTextShowsUrl, safeLinkHref } from './url-safety';

/** Markdown text as React elements with the app's components. */
function renderMarkdown(text: string): ReactNode {
  return toJsxRuntime(markdownToHast(text), {
    Fragment,
    jsx,
    jsxs,
    components: COMPONENTS,
    ignoreInvalidStyle: true,
    passKeys: true,
    passNode: true,
  });
}

function textOf(node: ElementContent | Element | undefined): string {
  if (!node) return '';
  if (node.type === 'text') return node.value;
  if (node.type === 'element') return node.children.map(textOf).join('');
  return '';
}

function classesOf(el: Element | undefined): string[] {
  const c = el?.properties?.className as unknown;
  return Array.isArray(c) ? c.map(String) : typeof c === 'string' ? c.split(/\s+/) : [];
}

/** Whether the block being rendered is still streaming (the same components serve both states). */
const LiveBlock = createContext(false);

/** A `<pre>`: display math, mermaid (once the block is finished) or a highlighted code block. */
function Pre({ node, children }: { node?: Element; children?: ReactNode }) {
  const live = useContext(LiveBlock);
  const code = node?.children.find((c): c is Element => c.type === 'element' && c.tagName === 'code');
  if (!code) return <pre>{children}</pre>;
  const classes = classesOf(code);
  const text = textOf(code).replace(/\n$/, '');
  if (classes.includes('math-display')) return <MathNode tex={text} display />;
  const lang = classes.find((c) => c.startsWith('language-'))?.slice('language-'.length) ?? null;
  if (lang === 'mermaid' && !live) return <MermaidBlock code={text} />;
  return <CodeBlock code={text} lang={lang} live={live} />;
}

/**
 * One set of components for live and finished blocks, so a block that finishes keeps its elements
 * (a code block is not re-created when its fence closes); `live` comes from context.
 */
const COMPONENTS: Partial<Components> = {
  pre: Pre,
  code({ node, children, className }) {
    if (classesOf(node).includes('math-inline')) return <MathNode tex={textOf(node)} display={false} />;
    return <code className={className}>{children}</code>;
  },
  a({ node, href, children }) {
    const safe = safeLinkHref(href);
    if (!safe)
      return (
        <span className="link-blocked" title="Not a link: only http, https and mailto links are allowed">
          {children}
        </span>
      );
    const text = textOf(node);
    return (
      <>
        <a href={safe} target="_blank" rel="noopener noreferrer" title={safe}>
          {children}
        </a>
        {!linkTextShowsUrl(text, safe) && <span className="link-url"> ({safe})</span>}
      </>
    );
  },
  img({ src, alt }) {
    return <OutputImage src={typeof src === 'string' ? src : undefined} alt={alt ?? ''} />;
  },
  table({ children }) {
    return (
      <div className="table-wrap">
        <table>{children}</table>
      </div>
    );
  },
};

/** One top-level block; memoised, so a finished block is parsed once and never re-rendered. */
const MarkdownBlock = memo(function MarkdownBlock({ text, live }: { text: string; live: boolean }) {
  return <LiveBlock value={live}>{renderMarkdown(normalizeMathDelimiters(text))}</LiveBlock>;
});

/**
 * `text` as it should be rendered now. Streamed text reaches the store about ten times a second in
 * small steps, rendered at once (one render per update, no timer); a large jump (many new blocks at
 * once, e.g. an unpaced stream or a long reply replayed) is rendered as a transition, in time slices
 * instead of one long task, while the previous text stays on screen.
 */
function useStreamedText(text: string): string {
  const shown = useRef(text);
  const [slow, setSlow] = useState<string | null>(null);
  const big = isBigJump(shown.current, text);
  const current = big && slow !== text ? shown.current : text;
  useLayoutEffect(() => {
    shown.current = current;
  });
  useEffect(() => {
    if (big && slow !== text) startTransition(() => setSlow(text));
  }, [big, slow, text]);
  return current;
}

export function MarkdownView({ text: latest, streaming }: { text: string; streaming: boolean }): ReactNode {
  const text = useStreamedText(latest);
  // The previous split lives in state (a holder object) so the next delta re-scans only the tail.
  const [holder] = useState<{ last: SplitResult | null }>(() => ({ last: null }));
  const split = useMemo(() => {
    const r = splitIncremental(holder.last, text);
    holder.last = r;
    return r;
  }, [holder, text]);
  return useMemo(() => renderBlocks(split, streaming), [split, streaming]);
}

/** Blocks per group. */
const GROUP = 16;

interface GroupProps {
  /** Finished blocks of this group. */
  blocks: string[];
  /** The growing last block, when it belongs to this group. */
  tail: string | null;
  live: boolean;
}

function sameGroup(a: GroupProps, b: GroupProps): boolean {
  return (
    a.tail === b.tail &&
    a.live === b.live &&
    a.blocks.length === b.blocks.length &&
    a.blocks.every((t, i) => t === b.blocks[i])
  );
}

/**
 * Up to GROUP consecutive blocks. A full group of finished blocks is sealed: laid out and painted
 * as one contained box and never re-rendered, so a long answer costs the browser per frame about
 * as much as a short one (layout and hit testing walk a few groups, not hundreds of blocks). In
 * the group still filling, each block is contained on its own, so the growing last block does not
 * repaint the ones above it.
 */
const BlockGroup = memo(function BlockGroup({ blocks, tail, live }: GroupProps) {
  const sealed = tail === null && blocks.length === GROUP;
  // One list (not a list and a separate slot for the tail), so keys carry across tail → finished.
  const children = blocks.map((text, i) => <MarkdownBlock key={i} text={text} live={false} />);
  if (tail !== null) children.push(<MarkdownBlock key={blocks.length} text={tail} live={live} />);
  return <div className={sealed ? 'md-group-sealed' : 'md-group-open'}>{children}</div>;
}, sameGroup);

/**
 * Blocks are keyed by position (group, then place in it): when the growing last block is finished
 * (the next one starts), it keeps its component and its DOM and only re-renders with its final text.
 */
function renderBlocks(split: SplitResult, streaming: boolean): ReactNode {
  const { done } = split;
  const count = done.length + (split.tail ? 1 : 0);
  const groups: ReactNode[] = [];
  for (let g = 0; g * GROUP < count; g++) {
    const start = g * GROUP;
    const end = Math.min(start + GROUP, done.length);
    const hasTail = split.tail !== '' && done.length >= start && done.length < start + GROUP;
    groups.push(
      <BlockGroup
        key={g}
        blocks={done.slice(start, end)}
        tail={hasTail ? (streaming ? closeOpenMarkers(split.tail) : split.tail) : null}
        live={hasTail && streaming}
      />,
    );
  }
  return <div className="markdown">{groups}</div>;
}

export default MarkdownView;
