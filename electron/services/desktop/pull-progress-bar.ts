/**
 * The taskbar/dock progress bar while models download: every running pull's 'models.pullProgress'
 * events combined into one bar (the shell passes the result to BrowserWindow.setProgressBar).
 *
 *   createPullProgressBar()   .update(event) → the new bar, or null when it did not visibly change
 *                             .current()     → the bar now
 *
 * Pulls started close together count as one batch: a finished pull keeps its bytes in the bar until
 * every pull of the batch has finished (so the bar does not jump back when one ends), then the bar
 * goes away. A cancelled or failed pull leaves the batch at once (its bytes will never arrive).
 * Before a pull knows its size ("pulling manifest") it counts as unknown: the bar is indeterminate
 * while no pull of the batch knows its size.
 */

/** The fields of a 'models.pullProgress' event the bar reads. */
export interface PullProgressLike {
  model: string;
  overallCompleted?: number;
  overallTotal?: number;
  done: boolean;
  cancelled?: boolean;
  error?: string;
}

export type ProgressBar = { mode: 'none' } | { mode: 'indeterminate' } | { mode: 'normal'; fraction: number };

interface Pull {
  completed: number;
  /** 0 while the size is not known. */
  total: number;
  done: boolean;
}

/** Bars closer than this are the same bar (a taskbar is a few hundred pixels at most). */
const STEP = 0.005;

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);

/** The bar for a batch of pulls. */
export function combinePulls(pulls: Iterable<Pull>): ProgressBar {
  let completed = 0;
  let total = 0;
  let any = false;
  for (const p of pulls) {
    any = true;
    if (p.total > 0) {
      total += p.total;
      completed += Math.min(p.completed, p.total);
    }
  }
  if (!any) return { mode: 'none' };
  if (total <= 0) return { mode: 'indeterminate' };
  return { mode: 'normal', fraction: Math.min(1, Math.max(0, completed / total)) };
}

function sameBar(a: ProgressBar, b: ProgressBar): boolean {
  if (a.mode !== b.mode) return false;
  if (a.mode === 'normal' && b.mode === 'normal') return Math.abs(a.fraction - b.fraction) < STEP;
  return true;
}

export function createPullProgressBar(): {
  update(event: PullProgressLike): ProgressBar | null;
  current(): ProgressBar;
} {
  const pulls = new Map<string, Pull>();
  let shown: ProgressBar = { mode: 'none' };

  return {
    current: () => shown,
    update(e) {
      if (typeof e?.model !== 'string') return null;
      if (e.done && (e.cancelled || e.error)) {
        pulls.delete(e.model);
      } else {
        const before = pulls.get(e.model);
        const total = num(e.overallTotal) || before?.total || 0;
        let completed = Math.max(num(e.overallCompleted), before?.completed ?? 0);
        if (e.done && total > 0) completed = total;
        pulls.set(e.model, { completed, total, done: e.done });
      }
      // The batch is over once every pull in it has finished.
      if ([...pulls.values()].every((p) => p.done)) pulls.clear();
      const next = combinePulls(pulls.values());
      // Moving forward by less than a step is not worth a repaint; the end of a batch always is.
      if (sameBar(shown, next)) return null;
      shown = next;
      return next;
    },
  };
}
