import { usageError } from '../types/index.js';

export interface Shard {
  /** 1-based index. */
  index: number;
  count: number;
}

/** Parses `i/n` (1 ≤ i ≤ n). */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    throw usageError(`invalid --shard '${text}'`, 'use i/n with 1 ≤ i ≤ n, e.g. --shard 2/3');
  }
  return { index, count };
}

/**
 * Round-robin over the keys in sorted order: every key lands in exactly one shard,
 * whatever order the caller listed them in.
 */
export function selectShard<T>(items: readonly T[], keyOf: (item: T) => string, shard: Shard): T[] {
  const sorted = [...items].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
  return sorted.filter((_, i) => i % shard.count === shard.index - 1);
}
