import type { MeshNode } from './types.js';

/**
 * Iterative tree helpers over MeshNode snapshots. Nothing here recurses, so trees
 * thousands of levels deep cannot overflow the JS stack.
 */

/**
 * Pre-order walk. Return `false` from visit to skip that node's children.
 * `parents` is the chain from the root to the node's parent (do not keep it: it is reused).
 */
export function walk(root: MeshNode, visit: (node: MeshNode, parents: readonly MeshNode[]) => boolean | void): void {
  const stack: Array<{ node: MeshNode; depth: number }> = [{ node: root, depth: 0 }];
  const parents: MeshNode[] = [];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    parents.length = depth;
    if (visit(node, parents) === false) continue;
    if (node.children.length === 0) continue;
    parents.push(node);
    for (let i = node.children.length - 1; i >= 0; i--) stack.push({ node: node.children[i]!, depth: depth + 1 });
  }
}

/** Every node (pre-order) for which the predicate holds. */
export function findAll(root: MeshNode, predicate: (node: MeshNode) => boolean): MeshNode[] {
  const out: MeshNode[] = [];
  walk(root, (node) => {
    if (predicate(node)) out.push(node);
  });
  return out;
}

export function nodeText(source: string, node: MeshNode): string {
  return source.slice(node.start, node.end);
}

export function childByField(node: MeshNode, field: string): MeshNode | undefined {
  return node.children.find((c) => c.field === field);
}

export function childrenByField(node: MeshNode, field: string): MeshNode[] {
  return node.children.filter((c) => c.field === field);
}

export function namedChildren(node: MeshNode): MeshNode[] {
  return node.children.filter((c) => c.named);
}

/** Depth of the deepest node (root = 1). */
export function treeDepth(root: MeshNode): number {
  let max = 0;
  const stack: Array<[MeshNode, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > max) max = depth;
    for (const child of node.children) stack.push([child, depth + 1]);
  }
  return max;
}

export function countNodes(root: MeshNode): number {
  let n = 0;
  walk(root, () => {
    n++;
  });
  return n;
}

/** First leaf (token) inside node, in source order, or the node itself. */
export function firstLeaf(node: MeshNode): MeshNode {
  let current = node;
  while (current.children.length > 0) current = current.children[0]!;
  return current;
}

/**
 * S-expression of the named nodes, in tree-sitter's style:
 * `(source_file (function_definition name: (identifier) ...))`, with `(ERROR ...)` and
 * `(MISSING end)` shown. With `source`, leaf named nodes also show their text.
 */
export function toSExpression(root: MeshNode, source?: string): string {
  const out: string[] = [];
  type Frame = { node: MeshNode; close: boolean };
  const stack: Frame[] = [{ node: root, close: false }];
  while (stack.length > 0) {
    const { node, close } = stack.pop()!;
    if (close) {
      out.push(')');
      continue;
    }
    const shown = node.named || node.isMissing || node.isError;
    if (!shown) continue;
    if (out.length > 0) out.push(' ');
    if (node.field) out.push(`${node.field}: `);
    if (node.isMissing) {
      out.push(`(MISSING ${node.named ? node.type : JSON.stringify(node.type)})`);
      continue;
    }
    out.push(`(${node.type}`);
    const visible = node.children.filter((c) => c.named || c.isMissing || c.isError);
    if (node.children.length === 0 && source !== undefined && node.end > node.start) {
      out.push(` ${JSON.stringify(truncate(source.slice(node.start, node.end), 40))}`);
    }
    stack.push({ node, close: true });
    for (let i = visible.length - 1; i >= 0; i--) stack.push({ node: visible[i]!, close: false });
  }
  return out.join('');
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
