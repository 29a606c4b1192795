/** highlight.js core with the languages models write most; part of the lazily loaded markdown chunk. */
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import csharp from 'highlight.js/lib/languages/csharp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import dockerfile from 'highlight.js/lib/languages/dockerfile';
import go from 'highlight.js/lib/languages/go';
import ini from 'highlight.js/lib/languages/ini';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import kotlin from 'highlight.js/lib/languages/kotlin';
import markdown from 'highlight.js/lib/languages/markdown';
import php from 'highlight.js/lib/languages/php';
import python from 'highlight.js/lib/languages/python';
import ruby from 'highlight.js/lib/languages/ruby';
import rust from 'highlight.js/lib/languages/rust';
import shell from 'highlight.js/lib/languages/shell';
import sql from 'highlight.js/lib/languages/sql';
import swift from 'highlight.js/lib/languages/swift';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';

const LANGUAGES = {
  bash,
  c,
  cpp,
  csharp,
  css,
  diff,
  dockerfile,
  go,
  ini,
  java,
  javascript,
  json,
  kotlin,
  markdown,
  php,
  python,
  ruby,
  rust,
  shell,
  sql,
  swift,
  typescript,
  xml,
  yaml,
};
for (const [name, lang] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, lang);
hljs.registerAliases(['sh', 'zsh', 'console'], { languageName: 'bash' });
hljs.registerAliases(['toml'], { languageName: 'ini' });

/** Display name for a fence's info string, e.g. "ts" → "typescript"; null when unknown. */
export function languageOf(lang: string | null): string | null {
  if (!lang) return null;
  const l = hljs.getLanguage(lang.toLowerCase());
  return l ? lang.toLowerCase() : null;
}

/** Highlighted HTML for code (highlight.js escapes the text it wraps), or null when unknown. */
export function highlight(code: string, lang: string | null): string | null {
  const known = languageOf(lang);
  if (!known) return null;
  try {
    return hljs.highlight(code, { language: known, ignoreIllegals: true }).value;
  } catch {
    return null;
  }
}

/** Highlighted blocks kept for when they are shown again (a chat reopened, a row scrolled back). */
const KEPT_BLOCKS = 200;
const KEPT_MAX_CODE = 20_000;
const kept = new Map<string, string | null>();

/** The highlighted HTML when this block was highlighted before (null: not highlightable), else undefined. */
export function highlightedBefore(code: string, lang: string | null): string | null | undefined {
  if (!languageOf(lang)) return null;
  return kept.get(`${lang}\u0000${code}`);
}

/** Highlight and keep the result (bounded: the oldest go first). */
export function highlightKept(code: string, lang: string | null): string | null {
  const html = highlight(code, lang);
  if (code.length <= KEPT_MAX_CODE) {
    kept.set(`${lang}\u0000${code}`, html);
    if (kept.size > KEPT_BLOCKS) kept.delete(kept.keys().next().value!);
  }
  return html;
}

/** Milliseconds of highlighting allowed per 50 ms window in render; the rest waits for idle time. */
const RENDER_BUDGET_MS = 4;
let windowStart = 0;
let spent = 0;

/**
 * In render: the block highlighted before, or highlighted now while this moment's budget lasts
 * (a block finishing while an answer streams at a readable pace), else undefined (a burst that
 * finished many blocks at once: the caller highlights them in idle callbacks).
 */
export function highlightInRender(code: string, lang: string | null): string | null | undefined {
  const before = highlightedBefore(code, lang);
  if (before !== undefined) return before;
  const start = performance.now();
  if (start - windowStart > 50) {
    windowStart = start;
    spent = 0;
  }
  if (spent >= RENDER_BUDGET_MS) return undefined;
  const html = highlightKept(code, lang);
  spent += performance.now() - start;
  return html;
}
