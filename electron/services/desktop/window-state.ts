/**
 * Where the main window reopens: the saved position and size on the display it was on, or — when
 * that display is gone or has changed (unplugged, another resolution, rearranged, another scale) —
 * centred on the primary display. Whatever was saved, the result lies inside a display's work area
 * and fits it, so a window never reopens off-screen or larger than the screen.
 *
 *   captureWindowState(normalBounds, maximized, screen)  what to save (win.getNormalBounds(), win.isMaximized())
 *   parseSavedWindowState(json)                          the saved file's content, checked (also the older
 *                                                        { bounds, maximized } shape without a display)
 *   restoreWindowState(saved, screen, opts)              the bounds to open with, and whether to maximise
 *
 * `screen` is Electron's screen module as it is (ScreenLike), or plain objects in tests.
 */
import {
  centreIn,
  clampInto,
  clampSize,
  displayMatching,
  isFiniteRect,
  overlapArea,
  sameRect,
  type DisplayLike,
  type Rect,
  type ScreenLike,
  type Size,
} from './geometry';

export interface SavedWindowState {
  /** The display the window was on, with its bounds and scale then: if either changed, it is not the same place. */
  display: { id: number; bounds: Rect; scaleFactor: number | null } | null;
  /** The normal (not maximised) bounds. */
  bounds: Rect | { width: number; height: number };
  maximized: boolean;
}

export interface RestoredWindowState {
  bounds: Rect;
  maximized: boolean;
  /** The display it opens on. */
  displayId: number | null;
  /**
   * 'saved': where it was; 'moved': on the same display, moved or shrunk to fit it; 'recentred': its
   * display is gone or changed, so centred on the primary; 'default': nothing usable was saved.
   */
  placement: 'saved' | 'moved' | 'recentred' | 'default';
}

export interface RestoreOptions {
  defaultSize?: Size;
  minSize?: Size;
}

export const DEFAULT_WINDOW_SIZE: Size = { width: 1200, height: 800 };
export const MIN_WINDOW_SIZE: Size = { width: 480, height: 360 };

/** What to save: the window's normal bounds, whether it is maximised, and the display holding most of it. */
export function captureWindowState(normalBounds: Rect, maximized: boolean, screen: ScreenLike): SavedWindowState {
  const d = displayMatching(screen.getAllDisplays(), normalBounds);
  return {
    display: d ? { id: d.id, bounds: { ...d.bounds }, scaleFactor: d.scaleFactor ?? null } : null,
    bounds: { x: normalBounds.x, y: normalBounds.y, width: normalBounds.width, height: normalBounds.height },
    maximized,
  };
}

const isSize = (v: unknown): v is Size => {
  if (!v || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o.width === 'number' &&
    typeof o.height === 'number' &&
    Number.isFinite(o.width) &&
    Number.isFinite(o.height) &&
    o.width > 0 &&
    o.height > 0
  );
};

/** The saved state, or null when it is missing or damaged. Never throws. */
export function parseSavedWindowState(json: unknown): SavedWindowState | null {
  if (!json || typeof json !== 'object') return null;
  const o = json as Record<string, unknown>;
  if (!isSize(o.bounds)) return null;
  const b = o.bounds as unknown as Record<string, unknown>;
  const bounds = isFiniteRect(b)
    ? { x: b.x as number, y: b.y as number, width: b.width as number, height: b.height as number }
    : { width: b.width as number, height: b.height as number };
  let display: SavedWindowState['display'] = null;
  const d = o.display as Record<string, unknown> | null | undefined;
  if (d && typeof d === 'object' && typeof d.id === 'number' && isFiniteRect(d.bounds)) {
    const db = d.bounds;
    display = {
      id: d.id,
      bounds: { x: db.x, y: db.y, width: db.width, height: db.height },
      scaleFactor: typeof d.scaleFactor === 'number' && Number.isFinite(d.scaleFactor) ? d.scaleFactor : null,
    };
  }
  return { display, bounds, maximized: o.maximized === true };
}

/** The bounds to open the main window with. `saved` is the parsed file content (or anything: it is checked). */
export function restoreWindowState(saved: unknown, screen: ScreenLike, opts: RestoreOptions = {}): RestoredWindowState {
  const min = opts.minSize ?? MIN_WINDOW_SIZE;
  const primary = screen.getPrimaryDisplay();
  const displays = screen.getAllDisplays();
  const s = parseSavedWindowState(saved);
  const onPrimary = (size: Size, placement: RestoredWindowState['placement'], maximized: boolean) => ({
    bounds: centreIn(primary.workArea, clampSize(size, primary.workArea, min)),
    maximized,
    displayId: primary.id,
    placement,
  });

  if (!s) return onPrimary(opts.defaultSize ?? DEFAULT_WINDOW_SIZE, 'default', false);
  if (!('x' in s.bounds)) return onPrimary(s.bounds, 'recentred', s.maximized);
  const bounds = s.bounds;

  const display = s.display ? sameDisplay(displays, s.display) : overlapping(displays, bounds);
  if (!display) return onPrimary(bounds, 'recentred', s.maximized);
  const area = display.workArea;
  const fitted = clampInto({ ...bounds, ...clampSize(bounds, area, min) }, area);
  const placement = sameRect(fitted, bounds) ? 'saved' : 'moved';
  return { bounds: fitted, maximized: s.maximized, displayId: display.id, placement };
}

/** The saved display if it is still there and unchanged (same bounds, same scale), else null. */
function sameDisplay(
  displays: readonly DisplayLike[],
  saved: NonNullable<SavedWindowState['display']>,
): DisplayLike | null {
  const d = displays.find((x) => x.id === saved.id);
  if (!d || !sameRect(d.bounds, saved.bounds)) return null;
  if (saved.scaleFactor !== null && d.scaleFactor !== undefined && d.scaleFactor !== saved.scaleFactor) return null;
  return d;
}

/** For the older file without a display: the display the window overlaps most, if it overlaps any. */
function overlapping(displays: readonly DisplayLike[], bounds: Rect): DisplayLike | null {
  const d = displayMatching(displays, bounds);
  return d && overlapArea(d.bounds, bounds) > 0 ? d : null;
}
