import { stripVTControlCharacters } from 'node:util';

/**
 * Lays rows of cells out as aligned text columns, at least `gap` spaces apart whatever the
 * widths. Widths are measured without ANSI colour codes, so cells may come painted; the
 * last column is not padded (no trailing spaces).
 */
export function alignColumns(rows: ReadonlyArray<readonly string[]>, gap = 2): string[] {
  const width = (cell: string): number => [...stripVTControlCharacters(cell)].length;
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, width(cell))));
  return rows.map((row) =>
    row.map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i]! - width(cell) + gap))).join(''),
  );
}
