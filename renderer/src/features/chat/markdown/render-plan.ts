/**
 * Which groups of a markdown answer are rendered as markdown now, and which wait as plain text.
 *
 * Parsing and rendering markdown costs about a millisecond per block. Streamed at a readable pace
 * an answer adds a block or two per update, and every block is rendered as soon as it arrives. But
 * a backend that sends faster than the page can render (a local GPU, a cached answer: 20,000
 * tokens in under a second), or a long answer opened at once, would need hundreds of blocks
 * rendered in one go — a long task, and the end of the answer late on screen. So each render takes
 * what fits a budget, from the end (where the reader is: the list follows the answer and opens at
 * its end); the groups above show their text plain and are filled in afterwards, a slice per task,
 * nearest the end first.
 */

/**
 * Characters of markdown rendered at most in one update, beyond the group at the end: while an
 * answer streams, nothing more (a burst shows its end at once and the rest follows in idle slices);
 * when a finished answer is shown (a chat opened), most answers whole, so nothing flashes plain.
 */
export const STREAM_BUDGET_CHARS = 0;
export const OPEN_BUDGET_CHARS = 6000;
/** Milliseconds of parsing per slice while filling in (the render of what was parsed comes on top). */
export const FILL_SLICE_MS = 4;

/**
 * The groups to render as markdown in this render: those already rendered, the last one (where the
 * text grows), then going up from the end while `budget` characters last. `ready` is not changed.
 */
export function planGroups(groupChars: readonly number[], ready: ReadonlySet<number>, budget = OPEN_BUDGET_CHARS) {
  const next = new Set<number>();
  let left = budget;
  for (let g = groupChars.length - 1; g >= 0; g--) {
    if (ready.has(g) || g === groupChars.length - 1) {
      next.add(g);
    } else if (groupChars[g]! <= left) {
      left -= groupChars[g]!;
      next.add(g);
    } else {
      // Above the first group that does not fit, nothing new is rendered in this update: the
      // groups rendered stay one run from the end, so filling in goes on where it stopped.
      left = 0;
    }
  }
  return next;
}

/** The groups still plain, nearest the end first: the order they are filled in. */
export function fillOrder(groupCount: number, ready: ReadonlySet<number>): number[] {
  const out: number[] = [];
  for (let g = groupCount - 1; g >= 0; g--) if (!ready.has(g)) out.push(g);
  return out;
}

/**
 * One slice of filling in: prepare (parse) the blocks of the groups in `order`, block by block,
 * until `sliceMs` have passed; returns the groups now wholly prepared (a group cut off mid-way is
 * finished by the next slice: preparing a block twice costs nothing).
 */
export function fillSlice(
  order: readonly number[],
  blocksOf: (group: number) => readonly string[],
  prepare: (block: string) => void,
  now: () => number,
  sliceMs = FILL_SLICE_MS,
): number[] {
  const start = now();
  const done: number[] = [];
  for (const g of order) {
    for (const b of blocksOf(g)) {
      if (now() - start >= sliceMs) return done;
      prepare(b);
    }
    done.push(g);
  }
  return done;
}
