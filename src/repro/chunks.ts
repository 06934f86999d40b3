/**
 * The ddmin-style removal schedule shared by every list pass (files, items, lines,
 * tokens, children): remove chunks of size n/2, then n/4, ... down to `minSize`,
 * left to right. After a success the pass resumes at the same (size, index) on the
 * shrunken list, as C-Reduce's line passes do, so earlier chunks are not retried.
 */
export interface ChunkCursor {
  readonly size: number;
  readonly index: number;
}

export interface Chunk {
  readonly from: number;
  /** Exclusive. */
  readonly to: number;
  readonly cursor: ChunkCursor;
}

export function* chunkSchedule(
  n: number,
  cursor: ChunkCursor | null,
  options: { minSize?: number; maxSize?: number } = {},
): Generator<Chunk> {
  const minSize = options.minSize ?? 1;
  if (n === 0) return;
  const first = Math.min(options.maxSize ?? Infinity, Math.max(1, Math.ceil(n / 2)));
  let size = cursor ? Math.min(cursor.size, first) : first;
  let index = cursor && cursor.size <= first ? cursor.index : 0;
  while (size >= minSize) {
    for (let i = index; i < n; i += size) {
      yield { from: i, to: Math.min(i + size, n), cursor: { size, index: i } };
    }
    if (size === 1) return;
    size = Math.floor(size / 2);
    index = 0;
  }
}

/** The whole list first (cursor 'bulk'), then the ddmin schedule without a whole-list chunk: for lists that usually all go at once. */
export function* wholeThenChunks(n: number, cursor: unknown): Generator<{ from: number; to: number; cursor: ChunkCursor | 'bulk' }> {
  if (n === 0) return;
  if (cursor === null) yield { from: 0, to: n, cursor: 'bulk' };
  const at = cursor === 'bulk' || cursor === null ? null : (cursor as ChunkCursor);
  for (const chunk of chunkSchedule(n, at)) if (chunk.to - chunk.from < n) yield chunk;
}
