import { describe, expect, it } from 'vitest';
import { columnsFor, moveInGrid } from './grid-nav';

describe('gallery grid keyboard', () => {
  it('columns fit the width (at least one)', () => {
    expect(columnsFor(1000, 160, 8)).toBe(6);
    expect(columnsFor(990, 160, 8)).toBe(5);
    expect(columnsFor(100, 160, 8)).toBe(1);
    expect(columnsFor(160 * 2 + 8, 160, 8)).toBe(2);
  });

  it('moves by cell, row and page, staying inside', () => {
    // 4 columns, 10 cells: rows [0-3] [4-7] [8-9]
    const m = (key: string, i: number, ctrl = false) => moveInGrid(key, i, 4, 10, 2, ctrl);
    expect(m('ArrowRight', 3)).toBe(4);
    expect(m('ArrowRight', 9)).toBe(9);
    expect(m('ArrowLeft', 0)).toBe(0);
    expect(m('ArrowDown', 1)).toBe(5);
    expect(m('ArrowDown', 7)).toBe(9); // into the shorter last row: its last cell
    expect(m('ArrowDown', 9)).toBe(9);
    expect(m('ArrowUp', 5)).toBe(1);
    expect(m('ArrowUp', 2)).toBe(2);
    expect(m('Home', 6)).toBe(4);
    expect(m('End', 8)).toBe(9);
    expect(m('Home', 6, true)).toBe(0);
    expect(m('End', 1, true)).toBe(9);
    expect(m('PageDown', 1)).toBe(9);
    expect(m('PageUp', 9)).toBe(1);
    expect(m('Enter', 3)).toBeNull();
    expect(moveInGrid('ArrowRight', 0, 4, 0, 2)).toBeNull();
  });
});
