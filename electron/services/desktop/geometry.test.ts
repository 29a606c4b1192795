import { describe, expect, it } from 'vitest';
import {
  centreIn,
  clampInto,
  containsPoint,
  displayMatching,
  displayNearestPoint,
  isFiniteRect,
  overlapArea,
  type DisplayLike,
} from './geometry';

const a: DisplayLike = {
  id: 1,
  bounds: { x: 0, y: 0, width: 100, height: 100 },
  workArea: { x: 0, y: 0, width: 100, height: 90 },
};
const b: DisplayLike = {
  id: 2,
  bounds: { x: 200, y: 0, width: 100, height: 100 },
  workArea: { x: 200, y: 0, width: 100, height: 100 },
};

describe('geometry', () => {
  it('finds the display under a point, else the nearest', () => {
    expect(displayNearestPoint([a, b], { x: 250, y: 50 })?.id).toBe(2);
    expect(displayNearestPoint([a, b], { x: 120, y: 50 })?.id).toBe(1);
    expect(displayNearestPoint([a, b], { x: 190, y: 50 })?.id).toBe(2);
    expect(displayNearestPoint([], { x: 0, y: 0 })).toBeNull();
  });

  it('finds the display holding most of a rectangle, else the nearest to its centre', () => {
    expect(displayMatching([a, b], { x: 60, y: 0, width: 200, height: 50 })?.id).toBe(2);
    expect(displayMatching([a, b], { x: 110, y: 0, width: 20, height: 20 })?.id).toBe(1);
  });

  it('edges are half-open: a point on the right edge belongs to the next display', () => {
    expect(containsPoint(a.bounds, { x: 100, y: 0 })).toBe(false);
    expect(overlapArea(a.bounds, { x: 100, y: 0, width: 10, height: 10 })).toBe(0);
  });

  it('centres and clamps in whole pixels', () => {
    expect(centreIn({ x: 0, y: 0, width: 101, height: 101 }, { width: 50, height: 50 })).toEqual({
      x: 26,
      y: 26,
      width: 50,
      height: 50,
    });
    expect(centreIn({ x: 0, y: 0, width: 40, height: 40 }, { width: 50, height: 50 })).toEqual({
      x: 0,
      y: 0,
      width: 40,
      height: 40,
    });
    expect(clampInto({ x: -10, y: 95, width: 30, height: 30 }, a.workArea)).toEqual({
      x: 0,
      y: 60,
      width: 30,
      height: 30,
    });
  });

  it('checks rectangles read from a file', () => {
    expect(isFiniteRect({ x: 0, y: 0, width: 1, height: 1 })).toBe(true);
    expect(isFiniteRect({ x: 0, y: 0, width: 1, height: Infinity })).toBe(false);
    expect(isFiniteRect({ x: '0', y: 0, width: 1, height: 1 })).toBe(false);
    expect(isFiniteRect(null)).toBe(false);
  });
});
