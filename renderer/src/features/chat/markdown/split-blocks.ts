/**
 * Streaming markdown is split into top-level blocks so that finished blocks are parsed and rendered
 * once, and only the growing last block is re-parsed per delta. Boundaries are blank lines outside
 * code fences and `$$` math, where the next block does not continue the previous one (indented
 * continuation, or the next item of the same list). `splitIncremental` re-scans only from the start
 * of the last open block.
 */

export interface SplitResult {
  /** The text this result was computed from. */
  source: string;
  /** Blocks followed by a boundary: they can no longer change while text is appended. */
  done: string[];
  /** Offset in `source` where the last (open) block starts. */
  tailStart: number;
  /** The last block; it may still grow. */
  tail: string;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const LIST_ITEM = /^ {0,3}([-+*]|\d{1,9}[.)])(\s|$)/;
const MATH_FENCE = /^ {0,3}\$\$/;

function isBlank(line: string): boolean {
  return line.trim() === '';
}

/**
 * Scan `text` from `from` (which must be outside any fence) and return the offsets where new blocks
 * start after `from`.
 */
function boundaries(text: string, from: number): number[] {
  const found: number[] = [];
  let fence: string | null = null;
  let inMath = false;
  let blockStart = from;
  let sawBlank = false;
  let pos = from;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const end = nl === -1 ? text.length : nl;
    const line = text.slice(pos, end);
    const complete = nl !== -1;
    if (fence) {
      const m = FENCE.exec(line);
      if (m && m[1]![0] === fence[0] && m[1]!.length >= fence.length && line.trim() === m[1]) fence = null;
    } else if (inMath) {
      if (line.trim().endsWith('$$')) inMath = false;
    } else if (isBlank(line)) {
      if (complete) sawBlank = true;
    } else {
      if (sawBlank && pos > blockStart) {
        const indented = /^(\t| {2,})/.test(line);
        const firstEnd = text.indexOf('\n', blockStart);
        const firstLine = text.slice(blockStart, firstEnd === -1 ? text.length : firstEnd);
        const continuesList = LIST_ITEM.test(line) && LIST_ITEM.test(firstLine);
        if (!indented && !continuesList) {
          found.push(pos);
          blockStart = pos;
        }
      }
      sawBlank = false;
      const f = FENCE.exec(line);
      if (f) fence = f[1]!;
      else if (MATH_FENCE.test(line)) {
        const rest = line.trim().slice(2);
        // `$$` alone opens display math; `$$x$$` on one line opens and closes it.
        if (!rest.includes('$$')) inMath = true;
      }
    }
    if (!complete) break;
    pos = nl + 1;
  }
  return found;
}

function trimBlock(s: string): string {
  return s.replace(/\s+$/, '');
}

/** Split `text`, reusing `prev` when `text` extends the text `prev` was computed from. */
export function splitIncremental(prev: SplitResult | null, text: string): SplitResult {
  let done: string[] = [];
  let from = 0;
  if (prev && text.length >= prev.tailStart && text.startsWith(prev.source.slice(0, prev.tailStart))) {
    if (text === prev.source) return prev;
    done = prev.done;
    from = prev.tailStart;
  }
  const cuts = boundaries(text, from);
  if (cuts.length) {
    done = done.slice();
    let start = from;
    for (const cut of cuts) {
      done.push(detach(trimBlock(text.slice(start, cut))));
      start = cut;
    }
    from = start;
  }
  return { source: text, done, tailStart: from, tail: trimBlock(text.slice(from)) };
}

/** All blocks of a finished text. */
export function splitBlocks(text: string): string[] {
  const r = splitIncremental(null, text);
  return r.tail ? [...r.done, r.tail] : r.done;
}

/**
 * While a block is still streaming, close what is obviously open so it renders sensibly: an odd
 * `**` or a lone backtick on the last line. An open code fence already renders as code to the end.
 */
export function closeOpenMarkers(block: string): string {
  let fence: string | null = null;
  for (const line of block.split('\n')) {
    const m = FENCE.exec(line);
    if (!m) continue;
    if (!fence) fence = m[1]!;
    else if (m[1]![0] === fence[0] && m[1]!.length >= fence.length && line.trim() === m[1]) fence = null;
  }
  if (fence) return block;
  let out = block;
  const lastLine = out.slice(out.lastIndexOf('\n') + 1);
  const ticks = (lastLine.replace(/`{2,}/g, '').match(/`/g) ?? []).length;
  if (ticks % 2 === 1) out += '`';
  const withoutCode = out.replace(/`[^`\n]*`/g, '');
  const strong = (withoutCode.match(/\*\*/g) ?? []).length;
  if (strong % 2 === 1) out = out.replace(/\s+$/, '') + '**';
  return out;
}

/**
 * Let `\(…\)` and `\[…\]` math work like `$…$` and `$$…$$` (remark-math reads only the dollar forms).
 * Code spans and fences are left alone.
 */
export function normalizeMathDelimiters(block: string): string {
  if (!block.includes('\\(') && !block.includes('\\[')) return block;
  return block
    .split(/(^ {0,3}(?:```|~~~)[\s\S]*?(?:^ {0,3}(?:```|~~~)[ \t]*$|(?![\s\S]))|`[^`\n]*`)/m)
    .map((part, i) => {
      if (i % 2 === 1) return part;
      return part
        .replace(/\\\[([\s\S]+?)\\\]/g, (_m, tex: string) => `\n$$\n${tex.trim()}\n$$\n`)
        .replace(/\\\(([\s\S]+?)\\\)/g, (_m, tex: string) => `$${tex.trim()}$`);
    })
    .join('');
}

/**
 * A copy of `s` that does not share memory with the text it was cut from. A slice of a long
 * string keeps the whole parent alive (V8 sliced strings); a finished block lives as long as its
 * message is on screen, and each one is cut from a different snapshot of the streaming answer, so
 * without this every block would pin a full copy of the answer as it was at that moment.
 */
export function detach(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}
