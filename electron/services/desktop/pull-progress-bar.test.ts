import { describe, expect, it } from 'vitest';
import { combinePulls, createPullProgressBar, type PullProgressLike } from './pull-progress-bar';

const GB = 1024 ** 3;
const ev = (
  model: string,
  completed: number | undefined,
  total: number | undefined,
  over: Partial<PullProgressLike> = {},
) => ({
  model,
  status: 'pulling',
  overallCompleted: completed,
  overallTotal: total,
  done: false,
  ...over,
});

describe('combinePulls', () => {
  it('is no bar without pulls', () => {
    expect(combinePulls([])).toEqual({ mode: 'none' });
  });

  it('sums bytes over the pulls that know their size', () => {
    expect(
      combinePulls([
        { completed: 1 * GB, total: 4 * GB, done: false },
        { completed: 1 * GB, total: 0, done: false },
        { completed: 3 * GB, total: 4 * GB, done: false },
      ]),
    ).toEqual({ mode: 'normal', fraction: 0.5 });
  });

  it('is indeterminate while no pull knows its size', () => {
    expect(combinePulls([{ completed: 0, total: 0, done: false }])).toEqual({ mode: 'indeterminate' });
  });
});

describe('createPullProgressBar', () => {
  it('follows one pull and goes away when it is done', () => {
    const bar = createPullProgressBar();
    expect(bar.update(ev('llama3', undefined, undefined))).toEqual({ mode: 'indeterminate' });
    expect(bar.update(ev('llama3', 0, 4 * GB))).toEqual({ mode: 'normal', fraction: 0 });
    expect(bar.update(ev('llama3', 1 * GB, 4 * GB))).toEqual({ mode: 'normal', fraction: 0.25 });
    expect(bar.update(ev('llama3', 4 * GB, 4 * GB, { done: true }))).toEqual({ mode: 'none' });
    expect(bar.current()).toEqual({ mode: 'none' });
  });

  it('answers null when the bar would not visibly move', () => {
    const bar = createPullProgressBar();
    bar.update(ev('m', 500, 1000));
    expect(bar.update(ev('m', 501, 1000))).toBeNull();
    expect(bar.update(ev('m', 504, 1000))).toBeNull();
    expect(bar.update(ev('m', 506, 1000))).toEqual({ mode: 'normal', fraction: 0.506 });
  });

  it('combines several pulls and keeps a finished one until the batch is over', () => {
    const bar = createPullProgressBar();
    bar.update(ev('a', 1 * GB, 2 * GB));
    expect(bar.update(ev('b', 0, 2 * GB))).toEqual({ mode: 'normal', fraction: 0.25 });
    // a finishes: its bytes stay, so the bar goes forward, not back.
    expect(bar.update(ev('a', 2 * GB, 2 * GB, { done: true }))).toEqual({ mode: 'normal', fraction: 0.5 });
    expect(bar.update(ev('b', 1 * GB, 2 * GB))).toEqual({ mode: 'normal', fraction: 0.75 });
    expect(bar.update(ev('b', 2 * GB, 2 * GB, { done: true }))).toEqual({ mode: 'none' });
  });

  it('drops a cancelled or failed pull at once', () => {
    const bar = createPullProgressBar();
    bar.update(ev('a', 1 * GB, 2 * GB));
    bar.update(ev('b', 1 * GB, 4 * GB));
    expect(bar.update(ev('b', 1 * GB, 4 * GB, { done: true, cancelled: true }))).toEqual({
      mode: 'normal',
      fraction: 0.5,
    });
    expect(bar.update(ev('a', 1 * GB, 2 * GB, { done: true, error: 'disk full' }))).toEqual({ mode: 'none' });
  });

  it('never goes back within a pull, and a size found later replaces the unknown one', () => {
    const bar = createPullProgressBar();
    bar.update(ev('m', 600, 1000));
    expect(bar.update(ev('m', 400, 1000))).toBeNull();
    expect(bar.current()).toEqual({ mode: 'normal', fraction: 0.6 });
    // More layers appear: the total grows, so the fraction may drop (honestly).
    expect(bar.update(ev('m', 600, 2000))).toEqual({ mode: 'normal', fraction: 0.3 });
  });

  it('ignores nonsense numbers and events without a model', () => {
    const bar = createPullProgressBar();
    expect(bar.update(ev('m', Number.NaN, -5))).toEqual({ mode: 'indeterminate' });
    expect(bar.update({} as PullProgressLike)).toBeNull();
    expect(bar.update(ev('m', Infinity, 1000))).toEqual({ mode: 'normal', fraction: 0 });
  });
});
