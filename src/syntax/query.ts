import type TreeSitter from 'tree-sitter';
import { ExitCode, UserError } from '../types/index.js';
import { loadGrammar, treeFor } from './parser.js';
import type { MeshNode, ParsedFile, QueryCapture } from './types.js';

/** Compiled queries by pattern text: gap detectors run the same few patterns on many files. */
const compiled = new Map<string, TreeSitter.Query>();

function compile(pattern: string): TreeSitter.Query {
  const hit = compiled.get(pattern);
  if (hit) return hit;
  const { Parser, language } = loadGrammar();
  let q: TreeSitter.Query;
  try {
    q = new Parser.Query(language, pattern);
  } catch (err) {
    throw new UserError(`invalid tree-sitter query: ${(err as Error).message}`, ExitCode.USAGE, 'node kinds and fields are listed in tree-sitter-mesh/src/node-types.json; see docs/syntax.md');
  }
  if (compiled.size > 256) compiled.clear();
  compiled.set(pattern, q);
  return q;
}

/**
 * Runs a tree-sitter query (S-expression pattern, predicates such as #eq? supported) and
 * returns the captures in source order as snapshot nodes of parsed.root.
 */
export function query(parsed: ParsedFile, pattern: string): QueryCapture[] {
  const q = compile(pattern);
  const tree = treeFor(parsed);
  return q.captures(tree.rootNode).map((capture) => ({ name: capture.name, node: locate(parsed.root, capture.node) }));
}

/**
 * Finds the snapshot node matching a live tree-sitter node by walking down the covering
 * chain; when a parent and child share type and range, the live node's ancestry decides.
 */
function locate(root: MeshNode, target: TreeSitter.SyntaxNode): MeshNode {
  const start = target.startIndex;
  const end = target.endIndex;
  const type = target.type;
  let sameAbove = 0;
  for (let p = target.parent; p && p.startIndex === start && p.endIndex === end; p = p.parent) {
    if (p.type === type) sameAbove++;
  }
  // Depth-first over the nodes covering the range only (few), in source order.
  const stack: MeshNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.start === start && node.end === end && node.type === type) {
      if (sameAbove === 0) return node;
      sameAbove--;
    }
    for (let i = node.children.length - 1; i >= 0; i--) {
      const c = node.children[i]!;
      if (c.start <= start && c.end >= end) stack.push(c);
    }
  }
  throw new Error(`query capture ${type} [${start}, ${end}) has no snapshot node`);
}
