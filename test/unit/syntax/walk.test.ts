import { describe, expect, it } from 'vitest';
import { childByField, countNodes, findAll, firstLeaf, nodeText, toSExpression, treeDepth, walk, type MeshNode } from '../../../src/syntax/index.js';
import { node } from './helpers.js';

// fn f do end   (hand-built, positions into SRC)
const SRC = 'fn f do end';
const TREE = node('source_file', 0, 11, [
  node('function_definition', 0, 11, [
    node('fn', 0, 2),
    node('identifier', 3, 4, [], { field: 'name' }),
    node('block', 5, 11, [node('do', 5, 7), node('end', 8, 11)], { field: 'body' }),
  ]),
]);

function deepChain(depth: number): MeshNode {
  let current = node('identifier', depth, depth + 1);
  for (let i = depth - 1; i >= 0; i--) current = node('parenthesized_expression', i, 2 * depth - i + 1, [current]);
  return node('source_file', 0, 2 * depth + 1, [current]);
}

describe('tree helpers', () => {
  it('walks in pre-order and can skip subtrees', () => {
    const seen: string[] = [];
    walk(TREE, (n) => {
      seen.push(n.type);
      return n.type !== 'block';
    });
    expect(seen).toEqual(['source_file', 'function_definition', 'fn', 'identifier', 'block']);
  });

  it('passes the parent chain', () => {
    let chain: string[] = [];
    walk(TREE, (n, parents) => {
      if (n.type === 'end') chain = parents.map((p) => p.type);
    });
    expect(chain).toEqual(['source_file', 'function_definition', 'block']);
  });

  it('finds nodes, fields, text and leaves', () => {
    const fn = findAll(TREE, (n) => n.type === 'function_definition')[0]!;
    expect(nodeText(SRC, childByField(fn, 'name')!)).toBe('f');
    expect(firstLeaf(TREE).type).toBe('fn');
    expect(countNodes(TREE)).toBe(7);
    expect(treeDepth(TREE)).toBe(4);
  });

  it('renders S-expressions with fields, leaf text and MISSING nodes', () => {
    expect(toSExpression(TREE)).toBe('(source_file (function_definition name: (identifier) body: (block)))');
    expect(toSExpression(TREE, SRC)).toBe('(source_file (function_definition name: (identifier "f") body: (block)))');
    const missing = node('block', 5, 7, [node('do', 5, 7), node('end', 7, 7, [], { isMissing: true })]);
    expect(toSExpression(missing)).toBe('(block (MISSING "end"))');
  });

  it('handles 20,000 levels of nesting without recursion', () => {
    const deep = deepChain(20_000);
    expect(treeDepth(deep)).toBe(20_002);
    expect(countNodes(deep)).toBe(20_002);
    const text = toSExpression(deep);
    expect(text.startsWith('(source_file (parenthesized_expression (parenthesized_expression')).toBe(true);
    expect(text.endsWith('(identifier)' + ')'.repeat(20_001))).toBe(true);
  });
});
