import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GAP_CATALOG } from '../../../src/gaps/index.js';
import { captureNodes, compileQuery } from '../../../src/gaps/pattern.js';
import { ancestorsOf, descendants, treeIndex } from '../../../src/gaps/tree.js';
import { parseSource, query, type MeshNode } from '../../../src/syntax/index.js';

const ROOT = resolve(import.meta.dirname, '../../..');

function meshFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return meshFiles(path);
    return /\.(mpl|mesh)$/.test(name) ? [path] : [];
  });
}

/** Every fixture, plus copies of the gap fixtures with syntax damage (ERROR and MISSING nodes), deterministically. */
function samples(): Array<{ name: string; source: string }> {
  const out: Array<{ name: string; source: string }> = [];
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (const path of meshFiles(join(ROOT, 'fixtures/mesh'))) {
    const source = readFileSync(path, 'utf8');
    out.push({ name: path, source });
    if (!/\/gaps?(-scan)?\//.test(path)) continue;
    const at = rnd(source.length);
    const damage = ['(', ')', 'do', 'end', '&&', ',', 'HTTP.route('][rnd(7)]!;
    out.push({ name: `${path} (damaged)`, source: source.slice(0, at) + damage + source.slice(at + rnd(12)) });
  }
  return out;
}

const QUERIES = GAP_CATALOG.flatMap((gap) =>
  (['risky', 'workaround'] as const).flatMap((capture) => (gap.detection[capture] ? [{ key: gap.key, capture, text: gap.detection[capture] }] : [])),
);

describe('detection queries over snapshots (pattern.ts)', () => {
  it('captures exactly what tree-sitter captures, for every catalog query on every fixture (intact and damaged)', () => {
    let compared = 0;
    for (const { name, source } of samples()) {
      const parsed = parseSource(source, name);
      const index = treeIndex(parsed.root);
      for (const q of QUERIES) {
        const expected = new Set(query(parsed, q.text).filter((c) => c.name === q.capture).map((c) => c.node));
        const got = captureNodes(index, source, q.text, q.capture);
        const where = `${q.key} ${q.capture} in ${name}`;
        expect(got.length, where).toBe(expected.size);
        for (const node of got) expect(expected.has(node), where).toBe(true);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(5_000);
  });

  it('returns captures in document order, outermost first', () => {
    const source = 'fn f(xs) do\n  xs |> List.reverse() |> List.length()\nend\n';
    const parsed = parseSource(source);
    const pipes = captureNodes(treeIndex(parsed.root), source, '(pipe_expression) @risky', 'risky');
    expect(pipes.map((p) => [p.start, p.end])).toEqual([
      [14, 51],
      [14, 34],
    ]);
  });

  it('refuses query syntax it does not implement instead of matching wrongly', () => {
    expect(() => compileQuery('(call_expression (identifier)* @x)')).toThrow(/unsupported/);
    expect(() => compileQuery('(call_expression !arguments)')).toThrow(/unsupported/);
    expect(() => compileQuery('(arguments . (identifier))')).toThrow(/unsupported/);
    expect(() => compileQuery('((identifier) @a (#not-eq? @a "x"))')).toThrow(/unsupported/);
    expect(() => compileQuery('((identifier) @a (identifier) @b)')).toThrow();
  });
});

describe('TreeIndex', () => {
  const samplesToCheck = samples().slice(0, 60);

  it('finds each node, its parent and its nearest ancestor of given kinds as a walk from the root does', () => {
    for (const { source } of samplesToCheck) {
      const root = parseSource(source).root;
      const index = treeIndex(root);
      index.nodes.forEach((node, i) => {
        expect(index.indexOf(node)).toBe(i);
        const ancestors = ancestorsOf(root, node);
        expect(index.parentOf(node)).toBe(ancestors[0]);
        const kinds = ['function_definition', 'closure', 'if_expression'];
        expect(index.nearest(node, kinds)).toBe(ancestors.find((a) => kinds.includes(a.type)));
      });
    }
  });

  it('answers anyBelow as descendants() does, stops included', () => {
    const isCall = (n: MeshNode): boolean => n.type === 'call_expression';
    const stop = (n: MeshNode): boolean => n.type === 'closure';
    for (const { source } of samplesToCheck) {
      const index = treeIndex(parseSource(source).root);
      for (const node of index.nodes) {
        expect(index.anyBelow('call-no-closure', node, ['call_expression'], isCall, stop)).toBe(descendants(node, isCall, stop).length > 0);
      }
    }
  });

  it('handles trees far deeper than the JS stack (a 50,000-term chain nests 50,000 levels)', () => {
    const source = `fn f(a :: Bool) -> Bool do\n  ${Array(50_000).fill('a').join(' && ')}\nend\n`;
    const root = parseSource(source).root;
    const index = treeIndex(root);
    const ands = index.ofKind('binary_expression');
    expect(ands).toHaveLength(49_999);
    const innermost = ands[ands.length - 1]!;
    expect(index.nearest(innermost, ['function_definition'])?.type).toBe('function_definition');
    expect(index.anyBelow('and', ands[0]!, ['binary_expression'], () => true)).toBe(true);
  });
});
