import { describe, expect, it } from 'vitest';
import { FILL_SLICE_MS, fillOrder, fillSlice, OPEN_BUDGET_CHARS, planGroups, STREAM_BUDGET_CHARS } from './render-plan';

const sorted = (s: Iterable<number>) => [...s].sort((a, b) => a - b);

describe('planGroups', () => {
  it('renders every group of a short answer at once', () => {
    expect(sorted(planGroups([500, 800, 300], new Set()))).toEqual([0, 1, 2]);
  });

  it('a long answer opened at once renders its end within the budget and leaves the groups above it plain', () => {
    const chars = Array.from({ length: 40 }, () => 2000);
    const ready = planGroups(chars, new Set());
    // The last group always, then as many as the budget holds, going up.
    const extra = Math.floor(OPEN_BUDGET_CHARS / 2000);
    expect(sorted(ready)).toEqual(Array.from({ length: extra + 1 }, (_, i) => 39 - extra + i));
  });

  it('a burst while streaming renders only the group at the end at once', () => {
    expect(sorted(planGroups([500, 500, 500, 40], new Set(), STREAM_BUDGET_CHARS))).toEqual([3]);
    // What was rendered stays rendered.
    expect(sorted(planGroups([500, 500, 500, 40], new Set([1]), STREAM_BUDGET_CHARS))).toEqual([1, 3]);
  });

  it('keeps what is rendered, and a streamed step adds its group at once', () => {
    const ready = new Set([0, 1, 2]);
    // A new group started at the end: it is the last, so it renders.
    expect(sorted(planGroups([3000, 3000, 3000, 100], ready))).toEqual([0, 1, 2, 3]);
  });

  it('does not skip over a group that does not fit to render one further up', () => {
    const ready = planGroups([100, 100, OPEN_BUDGET_CHARS + 1, 50], new Set());
    expect(sorted(ready)).toEqual([3]);
  });

  it('does not change the set it is given', () => {
    const ready = new Set([5]);
    planGroups([1, 1, 1, 1, 1, 1], ready);
    expect(sorted(ready)).toEqual([5]);
  });
});

describe('filling in', () => {
  it('goes nearest the end first', () => {
    expect(fillOrder(6, new Set([4, 5, 1]))).toEqual([3, 2, 0]);
  });

  it('parses for about the slice time, block by block, and reports only whole groups', () => {
    let clock = 0;
    const parsed: string[] = [];
    const blocks = (g: number) => [`${g}a`, `${g}b`, `${g}c`];
    const done = fillSlice(
      [5, 4, 3],
      blocks,
      (b) => {
        parsed.push(b);
        clock += 2;
      },
      () => clock,
      9,
    );
    // 2 ms a block, 9 ms a slice: 5 blocks parsed, so group 5 is whole and group 4 is not.
    expect(parsed).toEqual(['5a', '5b', '5c', '4a', '4b']);
    expect(done).toEqual([5]);
  });

  it('fills every group of a burst in order of nearness to the end, each slice making progress', () => {
    const chars = Array.from({ length: 30 }, (_, i) => 500 + ((i * 733) % 2500));
    const ready = planGroups(chars, new Set());
    const prepared = new Set<string>();
    let clock = 0;
    const order: number[] = [];
    for (let slices = 0; slices < 500 && ready.size < chars.length; slices++) {
      const done = fillSlice(
        fillOrder(chars.length, ready),
        (g) => Array.from({ length: 16 }, (_, i) => `${g}:${i}`),
        (b) => {
          if (prepared.has(b)) return;
          prepared.add(b);
          clock += 3;
        },
        () => clock,
        FILL_SLICE_MS,
      );
      for (const g of done) ready.add(g);
      order.push(...done);
    }
    expect(ready.size).toBe(30);
    expect(order).toEqual([...order].sort((a, b) => b - a));
  });
});
