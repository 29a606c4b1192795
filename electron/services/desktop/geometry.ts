/**
 * Screen geometry for the desktop modules, with look-alike types instead of Electron's: Electron's
 * `screen` and `Display` satisfy `ScreenLike` and `DisplayLike` structurally, so the shell passes
 * them as they are and tests pass plain objects (the VS Code nativeDisplay pattern).
 */

export interface Point {
  x: number;
  y: number;
}

export interface Size {
  width: number;
  height: number;
}

export interface Rect extends Point, Size {}

/** The parts of Electron's Display the desktop modules read. */
export interface DisplayLike {
  id: number;
  /** The whole display, taskbar and menu bar included. */
  bounds: Rect;
  /** Where windows go: the display minus the taskbar, dock and menu bar. */
  workArea: Rect;
  scaleFactor?: number;
}

/** The parts of Electron's `screen` the desktop modules read. */
export interface ScreenLike {
  getAllDisplays(): DisplayLike[];
  getPrimaryDisplay(): DisplayLike;
}

export function isFiniteRect(r: unknown): r is Rect {
  if (!r || typeof r !== 'object') return false;
  const o = r as Record<string, unknown>;
  return (['x', 'y', 'width', 'height'] as const).every((k) => typeof o[k] === 'number' && Number.isFinite(o[k]));
}

export function sameRect(a: Rect, b: Rect): boolean {
  return a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;
}

export function containsPoint(r: Rect, p: Point): boolean {
  return p.x >= r.x && p.x < r.x + r.width && p.y >= r.y && p.y < r.y + r.height;
}

/** The area two rectangles share (0 when they do not overlap). */
export function overlapArea(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Squared distance from a point to the nearest point of a rectangle (0 inside it). */
export function distanceSquared(r: Rect, p: Point): number {
  const dx = p.x < r.x ? r.x - p.x : p.x > r.x + r.width ? p.x - (r.x + r.width) : 0;
  const dy = p.y < r.y ? r.y - p.y : p.y > r.y + r.height ? p.y - (r.y + r.height) : 0;
  return dx * dx + dy * dy;
}

/** The display under the point, else the nearest one (like Electron's getDisplayNearestPoint). */
export function displayNearestPoint<D extends DisplayLike>(displays: readonly D[], p: Point): D | null {
  let best: D | null = null;
  let bestDistance = Infinity;
  for (const d of displays) {
    if (containsPoint(d.bounds, p)) return d;
    const dist = distanceSquared(d.bounds, p);
    if (dist < bestDistance) {
      best = d;
      bestDistance = dist;
    }
  }
  return best;
}

/** The display that holds most of the rectangle, else the one nearest its centre (like getDisplayMatching). */
export function displayMatching<D extends DisplayLike>(displays: readonly D[], r: Rect): D | null {
  let best: D | null = null;
  let bestArea = 0;
  for (const d of displays) {
    const area = overlapArea(d.bounds, r);
    if (area > bestArea) {
      best = d;
      bestArea = area;
    }
  }
  return best ?? displayNearestPoint(displays, { x: r.x + r.width / 2, y: r.y + r.height / 2 });
}

/** The size made to fit within `max` and to be at least `min` (max wins when they disagree). */
export function clampSize(size: Size, max: Size, min: Size = { width: 0, height: 0 }): Size {
  return {
    width: Math.round(Math.min(Math.max(size.width, min.width), max.width)),
    height: Math.round(Math.min(Math.max(size.height, min.height), max.height)),
  };
}

/** A rectangle of `size` centred in `area`, size clamped to the area, whole pixels. */
export function centreIn(area: Rect, size: Size): Rect {
  const s = clampSize(size, area);
  return {
    x: Math.round(area.x + (area.width - s.width) / 2),
    y: Math.round(area.y + (area.height - s.height) / 2),
    width: s.width,
    height: s.height,
  };
}

/** The rectangle moved (and shrunk if needed) so all of it lies inside `area`, whole pixels. */
export function clampInto(r: Rect, area: Rect): Rect {
  const s = clampSize(r, area);
  const x = Math.min(Math.max(r.x, area.x), area.x + area.width - s.width);
  const y = Math.min(Math.max(r.y, area.y), area.y + area.height - s.height);
  return { x: Math.round(x), y: Math.round(y), width: s.width, height: s.height };
}
