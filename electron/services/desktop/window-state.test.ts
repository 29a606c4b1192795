import { describe, expect, it } from 'vitest';
import type { DisplayLike, ScreenLike } from './geometry';
import { captureWindowState, parseSavedWindowState, restoreWindowState, type SavedWindowState } from './window-state';

const laptop: DisplayLike = {
  id: 1,
  bounds: { x: 0, y: 0, width: 1440, height: 900 },
  workArea: { x: 0, y: 25, width: 1440, height: 875 },
  scaleFactor: 2,
};
const monitor: DisplayLike = {
  id: 2,
  bounds: { x: 1440, y: -300, width: 2560, height: 1440 },
  workArea: { x: 1440, y: -300, width: 2560, height: 1400 },
  scaleFactor: 1,
};
const screenOf = (displays: DisplayLike[], primary = displays[0]!): ScreenLike => ({
  getAllDisplays: () => displays,
  getPrimaryDisplay: () => primary,
});
const both = screenOf([laptop, monitor]);
const laptopOnly = screenOf([laptop]);

const onMonitor: SavedWindowState = {
  display: { id: 2, bounds: { ...monitor.bounds }, scaleFactor: 1 },
  bounds: { x: 2000, y: 0, width: 1400, height: 1000 },
  maximized: false,
};

describe('captureWindowState', () => {
  it('saves the bounds with the display holding most of the window', () => {
    expect(captureWindowState({ x: 1300, y: 100, width: 1000, height: 700 }, true, both)).toEqual({
      display: { id: 2, bounds: monitor.bounds, scaleFactor: 1 },
      bounds: { x: 1300, y: 100, width: 1000, height: 700 },
      maximized: true,
    });
  });

  it('round-trips through JSON and restore: the window comes back where it was', () => {
    const saved = JSON.parse(
      JSON.stringify(captureWindowState({ x: 2000, y: 0, width: 1400, height: 1000 }, false, both)),
    );
    expect(restoreWindowState(saved, both)).toEqual({
      bounds: { x: 2000, y: 0, width: 1400, height: 1000 },
      maximized: false,
      displayId: 2,
      placement: 'saved',
    });
  });
});

describe('restoreWindowState', () => {
  it('reopens on the same display, same place, maximised if it was', () => {
    expect(restoreWindowState({ ...onMonitor, maximized: true }, both)).toEqual({
      bounds: { x: 2000, y: 0, width: 1400, height: 1000 },
      maximized: true,
      displayId: 2,
      placement: 'saved',
    });
  });

  it('when the monitor is unplugged, centres on the primary with the size shrunk to fit', () => {
    expect(restoreWindowState(onMonitor, laptopOnly)).toEqual({
      bounds: { x: 20, y: 25, width: 1400, height: 875 },
      maximized: false,
      displayId: 1,
      placement: 'recentred',
    });
  });

  it('when the display changed resolution, arrangement or scale, centres on the primary', () => {
    const resized = screenOf([laptop, { ...monitor, bounds: { ...monitor.bounds, width: 1920, height: 1080 } }]);
    expect(restoreWindowState(onMonitor, resized).placement).toBe('recentred');
    const moved = screenOf([laptop, { ...monitor, bounds: { ...monitor.bounds, x: -2560 } }]);
    expect(restoreWindowState(onMonitor, moved).placement).toBe('recentred');
    const rescaled = screenOf([laptop, { ...monitor, scaleFactor: 1.5 }]);
    expect(restoreWindowState(onMonitor, rescaled)).toMatchObject({ placement: 'recentred', displayId: 1 });
  });

  it('centres on whichever display is primary now', () => {
    const r = restoreWindowState(onMonitor, screenOf([{ ...laptop, id: 9 }, monitor], monitor));
    // Its own display is still there and unchanged: it stays.
    expect(r).toMatchObject({ displayId: 2, placement: 'saved' });
    const gone = restoreWindowState(
      { ...onMonitor, display: { ...onMonitor.display!, id: 7 } },
      screenOf([laptop, monitor], monitor),
    );
    expect(gone).toEqual({
      bounds: { x: 1440 + 580, y: -300 + 200, width: 1400, height: 1000 },
      maximized: false,
      displayId: 2,
      placement: 'recentred',
    });
  });

  it('moves a window hanging off its display back inside the work area', () => {
    const r = restoreWindowState({ ...onMonitor, bounds: { x: 3500, y: -500, width: 1000, height: 700 } }, both);
    expect(r).toEqual({
      bounds: { x: 4000 - 1000, y: -300, width: 1000, height: 700 },
      maximized: false,
      displayId: 2,
      placement: 'moved',
    });
  });

  it('shrinks a window larger than its display, never below the minimum unless the display is smaller', () => {
    const saved: SavedWindowState = {
      display: { id: 1, bounds: laptop.bounds, scaleFactor: 2 },
      bounds: { x: 0, y: 0, width: 3000, height: 2000 },
      maximized: false,
    };
    expect(restoreWindowState(saved, laptopOnly).bounds).toEqual({ x: 0, y: 25, width: 1440, height: 875 });
    const tinySaved = { ...saved, bounds: { x: 100, y: 100, width: 100, height: 50 } };
    expect(restoreWindowState(tinySaved, laptopOnly).bounds).toEqual({ x: 100, y: 100, width: 480, height: 360 });
    expect(restoreWindowState(tinySaved, laptopOnly, { minSize: { width: 2000, height: 2000 } }).bounds).toEqual({
      x: 0,
      y: 25,
      width: 1440,
      height: 875,
    });
  });

  it('with nothing (or nonsense) saved, opens at the default size centred on the primary', () => {
    const expected = {
      bounds: { x: 120, y: 63, width: 1200, height: 800 },
      maximized: false,
      displayId: 1,
      placement: 'default',
    };
    for (const junk of [
      undefined,
      null,
      'x',
      42,
      {},
      { bounds: { width: -5, height: 10 } },
      { bounds: { width: NaN, height: 1 } },
    ]) {
      expect(restoreWindowState(junk, laptopOnly)).toEqual(expected);
    }
    expect(restoreWindowState(null, laptopOnly, { defaultSize: { width: 800, height: 600 } }).bounds).toEqual({
      x: 320,
      y: 163,
      width: 800,
      height: 600,
    });
  });

  it('reads the older file ({ bounds, maximized } without a display)', () => {
    // Still on a display: kept.
    expect(restoreWindowState({ bounds: { x: 100, y: 100, width: 1000, height: 700 }, maximized: true }, both)).toEqual(
      {
        bounds: { x: 100, y: 100, width: 1000, height: 700 },
        maximized: true,
        displayId: 1,
        placement: 'saved',
      },
    );
    // On a monitor that is gone: centred on the primary.
    expect(
      restoreWindowState({ bounds: { x: 3000, y: 0, width: 1000, height: 700 }, maximized: false }, laptopOnly),
    ).toMatchObject({
      bounds: { x: 220, y: 113, width: 1000, height: 700 },
      placement: 'recentred',
    });
    // Only a size: centred on the primary at that size.
    expect(restoreWindowState({ bounds: { width: 1000, height: 700 }, maximized: false }, laptopOnly)).toMatchObject({
      bounds: { x: 220, y: 113, width: 1000, height: 700 },
    });
  });
});

describe('parseSavedWindowState', () => {
  it('keeps what is valid and drops the rest', () => {
    expect(
      parseSavedWindowState({
        display: { id: 2, bounds: { x: 0, y: 0, width: 10, height: 10 }, scaleFactor: 'big' },
        bounds: { x: 1, y: 2, width: 3, height: 4, extra: true },
        maximized: 'yes',
      }),
    ).toEqual({
      display: { id: 2, bounds: { x: 0, y: 0, width: 10, height: 10 }, scaleFactor: null },
      bounds: { x: 1, y: 2, width: 3, height: 4 },
      maximized: false,
    });
    expect(parseSavedWindowState({ display: { id: 'x' }, bounds: { width: 5, height: 5 } })).toEqual({
      display: null,
      bounds: { width: 5, height: 5 },
      maximized: false,
    });
  });
});
