import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { preorderOf, useFlatExport } from '../../../src/syntax/parser.js';
import { parseSource, walkMeshFiles, type MeshNode, type ParsedFile } from '../../../src/syntax/index.js';

/**
 * The grammar addon's whole-tree export (flat_tree.c) and the node-by-node walk over
 * node-tree-sitter (the fallback when the addon lacks the export) must give the same snapshots.
 */

const FIXTURES = resolve(import.meta.dirname, '../../../fixtures/mesh');

async function fixtureSources(): Promise<Array<{ path: string; text: string }>> {
  const out: Array<{ path: string; text: string }> = [];
  for await (const rel of walkMeshFiles(FIXTURES, { skipTests: false })) out.push({ path: rel, text: readFileSync(join(FIXTURES, rel), 'utf8') });
  return out;
}

/** Broken variants of a program: cut off mid-way, stray tokens, unbalanced brackets, a stray non-ASCII character. */
function broken(text: string): string[] {
  const cut = Math.floor(text.length * 0.6);
  const mid = Math.floor(text.length / 2);
  return [text.slice(0, cut), `${text.slice(0, mid)} ) ) do => ${text.slice(mid)}`, `${text.slice(0, mid)}(([ é 🌍 ${text.slice(mid)}`];
}

/** Every node in pre-order with all its facts, its parent's pre-order index and its child count. */
function rows(root: MeshNode): string[] {
  const out: string[] = [];
  const stack: Array<[MeshNode, number]> = [[root, -1]];
  while (stack.length > 0) {
    const [node, parent] = stack.pop()!;
    const index = out.length;
    out.push(JSON.stringify([node.type, node.field, node.start, node.end, node.named, node.isError, node.isMissing, parent, node.children.length]));
    for (let i = node.children.length - 1; i >= 0; i--) stack.push([node.children[i]!, index]);
  }
  return out;
}

function parseWalking(text: string, path: string): ParsedFile {
  useFlatExport(false);
  try {
    return parseSource(text, path);
  } finally {
    useFlatExport(true);
  }
}

/** Differences between the two parses of one source (empty when they agree). */
function differences(text: string, path: string): string[] {
  const flat = parseSource(text, path);
  const walked = parseWalking(text, path);
  const out: string[] = [];
  if (JSON.stringify(flat.errors) !== JSON.stringify(walked.errors)) out.push(`${path}: issues differ`);
  const a = rows(flat.root);
  const b = rows(walked.root);
  const at = a.findIndex((row, i) => row !== b[i]);
  if (at !== -1 || a.length !== b.length) out.push(`${path}: node ${at === -1 ? a.length : at}: ${a[at] ?? 'none'} != ${b[at] ?? 'none'}`);
  // The pre-order tables handed to src/gaps describe the same nodes.
  const pre = preorderOf(flat.root);
  if (!pre) out.push(`${path}: no pre-order tables`);
  else {
    const seen: MeshNode[] = [];
    const stack: MeshNode[] = [flat.root];
    while (stack.length > 0) {
      const node = stack.pop()!;
      seen.push(node);
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
    }
    const bad = seen.findIndex((node, i) => pre.nodes[i] !== node || pre.starts[i] !== node.start || pre.kindNames[pre.kinds[i]!] !== node.type);
    if (bad !== -1 || pre.nodes.length !== seen.length) out.push(`${path}: pre-order table differs at ${bad}`);
    const parents = a.map((row) => (JSON.parse(row) as unknown[])[7]);
    if (JSON.stringify(parents) !== JSON.stringify(Array.from(pre.parents))) out.push(`${path}: parent table differs`);
  }
  return out;
}

describe('whole-tree export', () => {
  afterEach(() => useFlatExport(true));

  it('is built into the grammar addon (a clean install compiles it)', () => {
    const addon = createRequire(import.meta.url)('tree-sitter-mesh') as { flat?: Record<string, unknown> };
    const names = ['parse', 'hasError', 'flatten', 'free', 'symbolNames', 'fieldNames'];
    expect(names.filter((name) => typeof addon.flat?.[name] !== 'function')).toEqual([]);
  });

  it('gives the node-by-node snapshot on every fixture', async () => {
    const sources = await fixtureSources();
    expect(sources.length).toBeGreaterThan(100);
    const diffs = sources.flatMap((s) => differences(s.text, s.path));
    expect(diffs).toEqual([]);
  });

  it('gives the same snapshots and issues on files with syntax errors', async () => {
    const sources = (await fixtureSources()).filter((_, i) => i % 4 === 0);
    let withErrors = 0;
    let missing = 0;
    const diffs: string[] = [];
    for (const s of sources) {
      for (const [k, text] of broken(s.text).entries()) {
        const parsed = parseSource(text, s.path);
        if (parsed.errors.length > 0) withErrors++;
        if (parsed.errors.some((e) => e.kind === 'missing')) missing++;
        diffs.push(...differences(text, `${s.path}#${k}`));
      }
    }
    expect(diffs).toEqual([]);
    // The broken inputs do exercise ERROR and MISSING nodes.
    expect(withErrors).toBeGreaterThan(sources.length);
    expect(missing).toBeGreaterThan(0);
  });

  it('falls back to the node-by-node walk (no pre-order tables) when the export is not used', () => {
    const text = 'fn main() do\n  let x = (1 + 2\n  println("${x}")\nend\n';
    const walked = parseWalking(text, 'x.mpl');
    expect(preorderOf(walked.root)).toBeUndefined();
    expect(walked.errors.length).toBeGreaterThan(0);
    expect(preorderOf(parseSource(text, 'x.mpl').root)).toBeDefined();
  });
});
