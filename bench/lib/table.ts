/** Plain-text aligned table: first column left-aligned, the rest right-aligned. */
export type Row = [figure: string, value: string, baseline: string, ratio: string] | 'rule';

export function renderTable(header: [string, string, string, string], rows: Row[]): string {
  const all = [header, ...rows.filter((r): r is Exclude<Row, 'rule'> => r !== 'rule')];
  const widths = header.map((_, i) => Math.max(...all.map((r) => [...r[i]!].length)));
  const pad = (s: string, w: number, left: boolean) => {
    const fill = ' '.repeat(Math.max(0, w - [...s].length));
    return left ? s + fill : fill + s;
  };
  const line = (r: readonly string[]) => r.map((c, i) => pad(c, widths[i]!, i === 0)).join('   ');
  const rule = widths.map((w) => '-'.repeat(w)).join('   ');
  return [line(header), rule, ...rows.map((r) => (r === 'rule' ? rule : line(r)))].join('\n');
}

export const ms = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(1)} ms` : 'n/a');
export const signedMs = (n: number): string => (Number.isFinite(n) ? `${n >= 0 ? '+' : ''}${n.toFixed(1)} ms` : 'n/a');
export const ratio = (a: number, b: number): string =>
  Number.isFinite(a / b) && b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a';
/** 1 KB = 1024 bytes throughout the bench. */
export const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

/** 1 MB = 1024 × 1024 bytes. */
export const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
