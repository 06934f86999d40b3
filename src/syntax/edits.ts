import type { Edit } from './types.js';

/**
 * Applies non-overlapping edits to source and returns the new text (the input is untouched).
 * Edits may come in any order; two insertions at the same index keep their given order.
 * Throws RangeError for out-of-range or overlapping edits.
 */
export function applyEdits(source: string, edits: readonly Edit[]): string {
  const order = edits
    .map((edit, index) => ({ edit, index }))
    .sort((a, b) => a.edit.start - b.edit.start || a.edit.end - b.edit.end || a.index - b.index);
  const parts: string[] = [];
  let cursor = 0;
  for (const { edit } of order) {
    if (!Number.isInteger(edit.start) || !Number.isInteger(edit.end) || edit.start < 0 || edit.end > source.length || edit.start > edit.end) {
      throw new RangeError(`edit [${edit.start}, ${edit.end}) is outside the source (length ${source.length})`);
    }
    if (edit.start < cursor) {
      throw new RangeError(`edits overlap at index ${edit.start}`);
    }
    parts.push(source.slice(cursor, edit.start), edit.text);
    cursor = edit.end;
  }
  parts.push(source.slice(cursor));
  return parts.join('');
}
