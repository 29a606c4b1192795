/** Keyboard movement in the gallery grid: arrows by one cell or one row, Home/End, PageUp/PageDown. */

/** How many columns of `cell` px (with `gap` px between) fit in `width` px; at least one. */
export function columnsFor(width: number, cell: number, gap: number): number {
  return Math.max(1, Math.floor((width + gap) / (cell + gap)));
}

/**
 * The index focus moves to for `key` from `index` in a grid of `count` cells, `cols` a row, a page
 * being `pageRows` rows; null when the key is not a movement. Ctrl+Home/End go to the first/last cell.
 */
export function moveInGrid(
  key: string,
  index: number,
  cols: number,
  count: number,
  pageRows: number,
  ctrl = false,
): number | null {
  if (count === 0) return null;
  const last = count - 1;
  const clamp = (i: number) => Math.max(0, Math.min(last, i));
  const rowStart = index - (index % cols);
  switch (key) {
    case 'ArrowRight':
      return clamp(index + 1);
    case 'ArrowLeft':
      return clamp(index - 1);
    case 'ArrowDown':
      // Into a shorter last row: its last cell.
      return index + cols <= last ? index + cols : rowStart + cols <= last ? last : index;
    case 'ArrowUp':
      return index - cols >= 0 ? index - cols : index;
    case 'Home':
      return ctrl ? 0 : rowStart;
    case 'End':
      return ctrl ? last : clamp(rowStart + cols - 1);
    case 'PageDown':
      return clamp(index + cols * Math.max(1, pageRows));
    case 'PageUp':
      return clamp(index - cols * Math.max(1, pageRows));
    default:
      return null;
  }
}
