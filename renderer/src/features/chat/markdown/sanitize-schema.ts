/**
 * The allow-list (rehype-sanitize schema) every piece of model output is sanitised with: GitHub's
 * defaults (`defaultSchema`: its tags, attributes, `user-content-` id clobbering, `<script>`
 * stripped) plus exactly what our rendering needs, with a few rules tightened. Built once, at
 * module load, and handed to the one processor in markdown-processor.ts.
 *
 * Added to GitHub's defaults:
 * - `math-inline` / `math-display` classes on `<code>`: remark-math's nodes (`language-math` is
 *   already allowed by GitHub's `language-*` rule), which MarkdownView hands to MathNode (KaTeX
 *   with `trust: false`). Code fences (`language-*` for CodeBlock and ```mermaid) need nothing new.
 * - `data:` for `src`: only `<img>` may have a `src`, and every image is replaced by OutputImage,
 *   which shows "Embedded image not shown" for it (never loads it) and remote images only after
 *   consent. Without it a data: image would read "only http and https images can be loaded".
 *
 * Tightened:
 * - links (`href`): http, https and mailto only (GitHub also allows irc, ircs and xmpp); relative
 *   URLs pass the schema (footnote links are `#…`) and are turned into plain text by the link
 *   component (see url-safety.ts), which also checks every http/https/mailto URL again.
 * - `srcSet` is held to http/https like `src`.
 * - `strip` (removed with their content, not just unwrapped): script, style, iframe, frame,
 *   frameset, object, embed, link, meta, base, form. None of these is allowed anyway; raw HTML
 *   never becomes elements (MarkdownView shows it as text) so this is belt and braces.
 *
 * GitHub's table/task-list (`<input type=checkbox disabled>`) and footnote attributes are already
 * in its defaults. Its clobbering prefixes ids, names and aria references with `user-content-`,
 * so remark-rehype runs with no prefix of its own and footnote hrefs are prefixed to match (see
 * markdown-processor.ts). Comments, doctypes, `style` and `on*` attributes are not allowed.
 */
import { defaultSchema, type Options as Schema } from 'rehype-sanitize';

type PropertyDefinition = NonNullable<Schema['attributes']>[string][number];

/** The prefix GitHub's schema puts before every id (and name / aria reference) from model output. */
export const CLOBBER_PREFIX = defaultSchema.clobberPrefix ?? 'user-content-';

/** remark-math's classes on `<code>` (MarkdownView's Pre and code components read them). */
const MATH_CLASSES = ['math-inline', 'math-display'];

/** `defs` with `values` added to its `className` definition (one definition per property name). */
function withClasses(defs: readonly PropertyDefinition[], values: string[]): PropertyDefinition[] {
  const isClassName = (d: PropertyDefinition) => (typeof d === 'string' ? d : d[0]) === 'className';
  const old = defs.find(isClassName);
  if (typeof old === 'string') return [...defs]; // any class is allowed already
  const allowed = typeof old === 'object' ? old.slice(1) : [];
  return [...defs.filter((d) => !isClassName(d)), ['className', ...allowed, ...values]];
}

const gh = defaultSchema;

export const SANITIZE_SCHEMA: Schema = {
  ...gh,
  attributes: {
    ...gh.attributes,
    code: withClasses(gh.attributes?.code ?? [], MATH_CLASSES),
  },
  protocols: {
    ...gh.protocols,
    href: ['http', 'https', 'mailto'],
    src: ['http', 'https', 'data'],
    srcSet: ['http', 'https'],
  },
  strip: ['script', 'style', 'iframe', 'frame', 'frameset', 'object', 'embed', 'link', 'meta', 'base', 'form'],
  allowComments: false,
  allowDoctypes: false,
};
