import { describe, expect, it } from 'vitest';
import type { DisplayLike } from './geometry';
import { quickPromptBounds } from './quick-window-bounds';

describe('quickPromptBounds', () => {
  const left: DisplayLike = {
    id: 1,
    bounds: { x: 0, y: 0, width: 1920, height: 1080 },
    workArea: { x: 0, y: 0, width: 1920, height: 1040 },
  };
  const right: DisplayLike = {
    id: 2,
    bounds: { x: 1920, y: -200, width: 2560, height: 1440 },
    workArea: { x: 1920, y: -175, width: 2560, height: 1415 },
  };

  it('centres a small window on the display under the cursor', () => {
    expect(quickPromptBounds({ displays: [left, right], cursor: { x: 100, y: 100 } })).toEqual({
      x: 620,
      y: 310,
      width: 680,
      height: 420,
    });
    expect(quickPromptBounds({ displays: [left, right], cursor: { x: 3000, y: 0 } })).toEqual({
      x: 1920 + 940,
      y: -175 + 498,
      width: 680,
      height: 420,
    });
  });

  it('uses the nearest display when the cursor is in a gap between displays', () => {
    const r = quickPromptBounds({ displays: [left, right], cursor: { x: 2500, y: 1400 } });
    expect(r.x).toBeGreaterThanOrEqual(1920);
  });

  it('shrinks to fit a small work area, keeping a margin', () => {
    const tiny: DisplayLike = {
      id: 3,
      bounds: { x: 0, y: 0, width: 600, height: 400 },
      workArea: { x: 0, y: 20, width: 600, height: 380 },
    };
    expect(quickPromptBounds({ displays: [tiny], cursor: { x: 1, y: 1 } })).toEqual({
      x: 16,
      y: 36,
      width: 568,
      height: 348,
    });
  });

  it('takes another size, and copes with no displays at all', () => {
    expect(quickPromptBounds({ displays: [left], cursor: { x: 0, y: 0 }, size: { width: 500, height: 200 } })).toEqual({
      x: 710,
      y: 420,
      width: 500,
      height: 200,
    });
    expect(quickPromptBounds({ displays: [], cursor: { x: 5, y: 5 } })).toEqual({
      x: 0,
      y: 0,
      width: 680,
      height: 420,
    });
  });
});
