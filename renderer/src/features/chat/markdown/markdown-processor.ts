/**
 * Model output (untrusted markdown) → a sanitised hast tree, with one unified processor built at
 * module load: remark-parse → GFM → math → raw HTML as text → remark-rehype → URL tidy-up →
 * rehype-sanitize with SANITIZE_SCHEMA (an allow-list: GitHub's defaults plus what we render).
 * MarkdownView turns the tree into React elements; its link and image components apply
 * url-safety.ts on top (only absolute http/https/mailto links, images behind consent).
 */
import type { Element, Root } from 'hast';
import rehypeSanitize from 'rehype-sanitize';
import remarkGfm from 'remark-gfm';
import remarkMath from 'remark-math';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import { CLOBBER_PREFIX, SANITIZE_SCHEMA } from './sanitize-schema';

interface MdNode {
  type: string;
  value?: string;
  children?: MdNode[];
}

const FLOW_PARENTS = new Set(['root', 'blockquote', 'listItem', 'footnoteDefinition']);

/** remark plugin: every raw HTML node becomes plain text (shown, never interpreted). */
function remarkHtmlAsText() {
  const walk = (node: MdNode) => {
    if (!node.children) return;
    node.children = node.children.map((child) => {
      if (child.type === 'html') {
        const text: MdNode = { type: 'text', value: child.value ?? '' };
        return FLOW_PARENTS.has(node.type) ? { type: 'paragraph', children: [text] } : text;
      }
      walk(child);
      return child;
    });
  };
  return (tree: MdNode) => walk(tree);
}

const SCHEME = /^([a-z][a-z\d+.-]*):/i;

/** `url` with its scheme in lower case (the schema's protocol check is case-sensitive). */
function lowerScheme(url: string): string {
  const scheme = SCHEME.exec(url)?.[1];
  return scheme && scheme !== scheme.toLowerCase() ? scheme.toLowerCase() + url.slice(scheme.length) : url;
}

/**
 * rehype plugin, run just before sanitising: `HTTP://x` is a link as `http://x` is (any other
 * scheme is still refused); GFM footnote links (`#fn-1`, `#fnref-1`) get the prefix the schema
 * gives every id, so they point at the clobbered ids (`user-content-fn-1`).
 */
function rehypeTidyUrls() {
  const tidy = (node: Root | Element) => {
    for (const child of node.children) {
      if (child.type !== 'element') continue;
      const p = child.properties;
      if (child.tagName === 'img' && typeof p.src === 'string') p.src = lowerScheme(p.src);
      else if (child.tagName === 'a' && typeof p.href === 'string')
        p.href =
          (p.dataFootnoteRef !== undefined || p.dataFootnoteBackref !== undefined) && p.href.startsWith('#')
            ? `#${CLOBBER_PREFIX}${p.href.slice(1)}`
            : lowerScheme(p.href);
      tidy(child);
    }
  };
  return tidy;
}

/**
 * Built once, not per render (as a component taking plugins as props must): ~3% of the script
 * time of each streamed update. Without allowDangerousHtml, remark-rehype drops raw HTML;
 * remarkHtmlAsText has made it text first. remark-rehype adds no id prefix of its own: the
 * schema's clobbering adds GitHub's (a second one would break footnote links).
 */
export const processor = unified()
  .use(remarkParse)
  .use(remarkGfm)
  .use(remarkMath)
  .use(remarkHtmlAsText)
  .use(remarkRehype, { clobberPrefix: '' })
  .use(rehypeTidyUrls)
  .use(rehypeSanitize, SANITIZE_SCHEMA)
  .freeze();

/**
 * Trees parsed ahead of their render (`prepareHast`, in short slices while a burst of text is
 * filled in), each taken once by the render that needs it. Bounded: a tree whose view went away
 * before rendering it is dropped with the rest when the map is full.
 */
const prepared = new Map<string, Root>();
const PREPARED_MAX = 512;

/** Parse `text` now so that rendering it later costs only the conversion to elements. */
export function prepareHast(text: string): void {
  if (prepared.has(text)) return;
  if (prepared.size >= PREPARED_MAX) prepared.clear();
  prepared.set(text, processor.runSync(processor.parse(text)) as Root);
}

/** Drop a tree prepared for a render that will not come (its view went away first). */
export function forgetPrepared(text: string): void {
  prepared.delete(text);
}

/** Markdown text as a sanitised hast tree (the one `prepareHast` made, when there is one). */
export function markdownToHast(text: string): Root {
  const ready = prepared.get(text);
  if (ready) {
    prepared.delete(text);
    return ready;
  }
  return processor.runSync(processor.parse(text)) as Root;
}
