/**
 * Where the quick-prompt window goes: a small window centred on the display under the cursor,
 * clamped to its work area. (Its state machine is shared/desktop/quick-prompt.ts, run by the renderer.)
 */
import { centreIn, displayNearestPoint, type DisplayLike, type Point, type Rect, type Size } from './geometry';

export const QUICK_PROMPT_SIZE: Size = { width: 680, height: 420 };
/** Room kept between the window and the work area's edges. */
const MARGIN = 16;

/**
 * A window of `size` centred on the display under the cursor (the nearest one when the cursor is
 * between displays), shrunk to fit its work area with a margin.
 */
export function quickPromptBounds(o: { displays: readonly DisplayLike[]; cursor: Point; size?: Size }): Rect {
  const size = o.size ?? QUICK_PROMPT_SIZE;
  const display = displayNearestPoint(o.displays, o.cursor);
  if (!display) return { x: 0, y: 0, width: Math.round(size.width), height: Math.round(size.height) };
  const a = display.workArea;
  const inner: Rect =
    a.width > 2 * MARGIN && a.height > 2 * MARGIN
      ? { x: a.x + MARGIN, y: a.y + MARGIN, width: a.width - 2 * MARGIN, height: a.height - 2 * MARGIN }
      : a;
  return centreIn(inner, size);
}
