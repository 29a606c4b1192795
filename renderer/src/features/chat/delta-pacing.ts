/**
 * How often streamed text reaches the store (and the answer re-renders). Hearth's main process
 * sends deltas every 100 ms (DELTA_INTERVAL_MS), so with cheap updates each one lands at once and
 * the 80 ms floor only gathers bursts (several answers at once, a backlog after a stall).
 *
 * Adaptive: an update costs the page its script (measured by the chat slice: applying the deltas
 * and React's render) and about twice that again in style, layout and paint. Updates are spaced at
 * least COST_FACTOR times the smoothed script cost apart, which keeps a streaming answer's share
 * of the main thread at ~6% however long the answer grows or slow the machine is: about 10 updates
 * a second while updates are cheap, down to 4 when one costs 3 ms or more.
 */
export const DELTA_BATCH_MS = 80;
export const COST_FACTOR = 80;
export const MAX_BATCH_MS = 250;

/** The time between two streamed updates for a smoothed cost (ms of script per update). */
export function deltaInterval(costMs: number): number {
  return Math.min(MAX_BATCH_MS, Math.max(DELTA_BATCH_MS, costMs * COST_FACTOR));
}

/**
 * The running cost: mostly the past, and one sample counts for at most twice it (plus 1 ms), so one
 * slow update (a garbage collection, a tab switch) does not halve the rate at once.
 */
export function smoothCost(previous: number, measured: number): number {
  return previous * 0.7 + Math.min(measured, previous * 2 + 1) * 0.3;
}
