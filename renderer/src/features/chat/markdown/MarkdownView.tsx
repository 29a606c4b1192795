/**
 * Model output as markdown (GFM, math, highlighted code, on-demand mermaid), loaded lazily as its
 * own chunk. Untrusted: markdown-processor.ts shows raw HTML as text and sanitises the tree with an
 * allow-list (sanitize-schema.ts); here links are limited to http/https/mailto and open outside
 * the app, images wait for consent. While streaming, finished blocks are memoised and only
 * the last block is re-parsed per update; when more text arrives at once than one update can
 * render, the blocks nearest the end come first and the rest follow in short slices (render-plan.ts).
 */
import { createContext, memo, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Fragment, jsx, jsxs } from 'react/jsx-runtime';
import { toJsxRuntime, type Components } from 'hast-util-to-jsx-runtime';
import type { Element, ElementContent } from 'hast';
import { CodeBlock } from './CodeBlock';
import { forgetPrepared, markdownToHast, prepareHast } from './markdown-processor';
import { MathNode } from './MathNode';
import { MermaidBlock } from './MermaidBlock';
import { OutputImage } from './RemoteImage';
import { fillOrder, fillSlice, OPEN_BUDGET_CHARS, planGroups, STREAM_BUDGET_CHARS } from './render-plan';
import { closeOpenMarkers, normalizeMathDelimiters, splitIncremental, type SplitResult } from './split-blocks';
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

/** Per view: the previous split (the next update re-scans only its tail) and the groups rendered as markdown. */
interface ViewState {
  last: SplitResult | null;
  ready: Set<number>;
  /** The groups of the last render, for the clean-up when the view goes away. */
  groups: Group[];
}

export function MarkdownView({ text, streaming }: { text: string; streaming: boolean }): ReactNode {
  // A holder object in state: it survives re-renders, so the split and the plan carry over.
  const [view] = useState<ViewState>(() => ({ last: null, ready: new Set(), groups: [] }));
  // Bumped when a slice of the groups waiting as plain text has been marked for rendering.
  const [filled, setFilled] = useState(0);
  const split = useMemo(() => {
    const r = splitIncremental(view.last, text);
    view.last = r;
    return r;
  }, [view, text]);
  const groups = useMemo(() => groupsOf(split, streaming), [split, streaming]);
  const ready = useMemo(() => {
    // `filled` is a dependency only: the slices below add to view.ready before bumping it.
    void filled;
    view.ready = planGroups(
      groups.map((g) => g.chars),
      view.ready,
      // A finished answer shown for the first time (a chat opened) gets the larger budget; once
      // anything is rendered (or while streaming), the rest comes in idle slices.
      !streaming && view.ready.size === 0 ? OPEN_BUDGET_CHARS : STREAM_BUDGET_CHARS,
    );
    return view.ready;
  }, [view, groups, filled, streaming]);
  view.groups = groups;
  const pending = ready.size < groups.length;
  // Leaving with groups still plain (scrolled out of a virtualised list, the chat closed): the
  // trees parsed ahead for them will not be rendered; free them now.
  useEffect(
    () => () => {
      view.groups.forEach((g, i) => {
        if (view.ready.has(i)) return;
        for (const b of g.blocks) forgetPrepared(normalizeMathDelimiters(b));
      });
    },
    [view],
  );
  useEffect(() => {
    if (!pending) return;
    // One slice per idle period, so the page paints, answers input and takes the next streamed
    // text first: parse the next blocks for a few milliseconds, then render the groups that are
    // wholly parsed.
    const t = requestIdleCallback(
      () => {
        const done = fillSlice(
          fillOrder(groups.length, view.ready),
          (g) => groups[g]!.blocks,
          (block) => prepareHast(normalizeMathDelimiters(block)),
          () => performance.now(),
        );
        for (const g of done) view.ready.add(g);
        setFilled((n) => n + 1);
      },
      { timeout: 250 },
    );
    return () => cancelIdleCallback(t);
  }, [pending, groups, ready, view]);
  return useMemo(
    () => (
      <div className="markdown">
        {groups.map((g, i) => (
          <BlockGroup key={i} blocks={g.blocks} tail={g.tail} live={g.live} plain={!ready.has(i)} />
        ))}
      </div>
    ),
    [groups, ready],
  );
}

/**
 * Blocks per group. The group at the end is rendered as markdown in the same task as the text that
 * reaches it; 8 keeps that task short when a burst fills a whole group at once (16 took ~40 ms of
 * parsing alone), and per-frame layout still walks few boxes.
 */
const GROUP = 8;

interface GroupProps {
  /** Finished blocks of this group. */
  blocks: string[];
  /** The growing last block, when it belongs to this group. */
  tail: string | null;
  live: boolean;
  /** Not rendered as markdown yet (render-plan.ts): the text as it is, until its turn comes. */
  plain: boolean;
}

function sameGroup(a: GroupProps, b: GroupProps): boolean {
  return (
    a.tail === b.tail &&
    a.live === b.live &&
    a.plain === b.plain &&
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
const BlockGroup = memo(function BlockGroup({ blocks, tail, live, plain }: GroupProps) {
  const sealed = tail === null && blocks.length === GROUP;
  if (plain) return <div className="md-group-sealed md-group-plain">{blocks.join('\n\n')}</div>;
  // One list (not a list and a separate slot for the tail), so keys carry across tail → finished.
  const children = blocks.map((text, i) => <MarkdownBlock key={i} text={text} live={false} />);
  if (tail !== null) children.push(<MarkdownBlock key={blocks.length} text={tail} live={live} />);
  return <div className={sealed ? 'md-group-sealed' : 'md-group-open'}>{children}</div>;
}, sameGroup);

interface Group extends Omit<GroupProps, 'plain'> {
  /** Characters of markdown in the group (what rendering it costs). */
  chars: number;
}

/**
 * The split's blocks in groups, keyed by position (group, then place in it): when the growing last
 * block is finished (the next one starts), it keeps its component and its DOM and only re-renders
 * with its final text.
 */
function groupsOf(split: SplitResult, streaming: boolean): Group[] {
  const { done } = split;
  const count = done.length + (split.tail ? 1 : 0);
  const groups: Group[] = [];
  for (let g = 0; g * GROUP < count; g++) {
    const start = g * GROUP;
    const end = Math.min(start + GROUP, done.length);
    const hasTail = split.tail !== '' && done.length >= start && done.length < start + GROUP;
    const blocks = done.slice(start, end);
    const tail = hasTail ? (streaming ? closeOpenMarkers(split.tail) : split.tail) : null;
    groups.push({
      blocks,
      tail,
      live: hasTail && streaming,
      chars: blocks.reduce((n, b) => n + b.length, 0) + (tail?.length ?? 0),
    });
  }
  return groups;
}

export default MarkdownView;
