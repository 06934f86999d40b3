import type { MeshNode } from '../syntax/types.js';

/**
 * Small iterative helpers over plain-data trees (no recursion: real trees can be deep).
 */

/** Pre-order list of every node with its parent (null for the root). */
export function preorder(root: MeshNode): Array<{ node: MeshNode; parent: MeshNode | null }> {
  const out: Array<{ node: MeshNode; parent: MeshNode | null }> = [];
  const stack: Array<{ node: MeshNode; parent: MeshNode | null }> = [{ node: root, parent: null }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    out.push(item);
    const kids = item.node.children;
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ node: kids[i]!, parent: item.node });
  }
  return out;
}

/** Non-empty leaves in source order, skipping subtrees the predicate excludes (comments). */
export function leaves(root: MeshNode, skip: (node: MeshNode) => boolean = () => false): MeshNode[] {
  const out: MeshNode[] = [];
  const stack: MeshNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (skip(node)) continue;
    if (node.children.length === 0) {
      if (node.end > node.start) out.push(node);
      continue;
    }
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return out;
}

/** Counts ERROR and MISSING nodes. */
export function countErrors(root: MeshNode): number {
  let n = 0;
  const stack: MeshNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.isError || node.isMissing) n++;
    for (const child of node.children) stack.push(child);
  }
  return n;
}

export interface Edit {
  start: number;
  end: number;
  text: string;
}

/** Applies non-overlapping edits (any order) to a string. */
export function applyEdits(source: string, edits: readonly Edit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let at = 0;
  for (const edit of sorted) {
    if (edit.start < at) throw new RangeError(`overlapping edits at ${edit.start}`);
    out += source.slice(at, edit.start) + edit.text;
    at = edit.end;
  }
  return out + source.slice(at);
}
