import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  childByField,
  findAll,
  isMeshFile,
  loadGrammar,
  nodeText,
  parseFile,
  parseSource,
  query,
  toSExpression,
  treeDepth,
  walk,
  EXPRESSION_KINDS,
  ITEM_KINDS,
  NODE_KINDS,
  type MeshNode,
} from '../../../src/syntax/index.js';
import { UserError } from '../../../src/types/index.js';

const HELLO = 'fn main() do\n  let greeting = "héllo, wörld 🌍"\n  println(greeting)\nend\n';

/** Every node of the snapshot against the live tree-sitter node at the same place; returns mismatches. */
function compareWithLiveTree(source: string): { compared: number; mismatches: string[] } {
  const { parser } = loadGrammar();
  const live = parser.parse(source);
  const snap = parseSource(source).root;
  let compared = 0;
  const mismatches: string[] = [];
  const stack: Array<[MeshNode, ReturnType<typeof live.rootNode.child>]> = [[snap, live.rootNode]];
  while (stack.length > 0 && mismatches.length < 5) {
    const [mine, theirs] = stack.pop()!;
    if (!theirs) {
      mismatches.push(`no live node for ${mine.type}@${mine.start}`);
      continue;
    }
    const a = JSON.stringify([mine.type, mine.start, mine.end, mine.named, mine.isMissing, mine.children.length]);
    const b = JSON.stringify([theirs.type, theirs.startIndex, theirs.endIndex, theirs.isNamed, theirs.isMissing, theirs.childCount]);
    if (a !== b) mismatches.push(`${a} != ${b}`);
    mine.children.forEach((child, i) => {
      const field = theirs.fieldNameForChild(i) ?? null;
      if (child.field !== field) mismatches.push(`field of ${child.type}@${child.start}: ${child.field} != ${field}`);
      stack.push([child, theirs.child(i)]);
    });
    compared++;
  }
  return { compared, mismatches };
}

function assertMatchesLiveTree(source: string): number {
  const { compared, mismatches } = compareWithLiveTree(source);
  expect(mismatches).toEqual([]);
  return compared;
}

/** The cases of a tree-sitter corpus file: name, input, expected S-expression, `:error` flag. */
function corpusCases(text: string): Array<{ name: string; input: string; expected: string; error: boolean }> {
  const header = /^={3,}\n([^\n]*)\n((?::[^\n]*\n)*)={3,}\n/gm;
  const heads = [...text.matchAll(header)];
  return heads.map((h, i) => {
    const body = text.slice(h.index! + h[0].length, i + 1 < heads.length ? heads[i + 1]!.index : text.length);
    const divider = /^-{3,}$/m.exec(body)!;
    return {
      name: h[1]!,
      input: body.slice(0, divider.index).replace(/^\n/, '').replace(/\n\n$/, '\n'),
      expected: body.slice(divider.index + divider[0].length),
      error: h[2]!.includes(':error'),
    };
  });
}

/** tree-sitter's S-expression without field names and with single spaces, as `tree-sitter test` compares. */
function normalizeSExpression(sexp: string): string {
  return sexp.replace(/\b[a-z_]+: /g, '').replace(/\s+/g, ' ').replace(/ \)/g, ')').trim();
}

describe('parseSource', () => {
  it('parses a clean file into a snapshot with no issues', () => {
    const parsed = parseSource(HELLO, 'hello.mpl');
    expect(parsed.path).toBe('hello.mpl');
    expect(parsed.source).toBe(HELLO);
    expect(parsed.errors).toEqual([]);
    expect(parsed.root.type).toBe('source_file');
    const fn = parsed.root.children[0]!;
    expect(fn.type).toBe('function_definition');
    expect(nodeText(HELLO, childByField(fn, 'name')!)).toBe('main');
  });

  it('uses JS string indices (not UTF-8 bytes) on non-ASCII sources', () => {
    const parsed = parseSource(HELLO);
    const strings = findAll(parsed.root, (n) => n.type === 'string');
    expect(strings.map((n) => nodeText(HELLO, n))).toEqual(['"héllo, wörld 🌍"']);
    const ids = findAll(parsed.root, (n) => n.type === 'identifier').map((n) => nodeText(HELLO, n));
    expect(ids).toEqual(['main', 'greeting', 'println', 'greeting']);
  });

  it('matches the live tree node for node (types, fields, ranges, MISSING), with and without errors', () => {
    expect(assertMatchesLiveTree(HELLO)).toBeGreaterThan(20);
    expect(assertMatchesLiveTree('fn f(x :: Int) -> Int do\n  case x do\n    0 -> "zéro"\n    n -> f(n - 1)\n  end\n')).toBeGreaterThan(20);
    expect(assertMatchesLiveTree('  # lead\n\nfn g() do\n  h(1, 2\nend\n\n')).toBeGreaterThan(5);
  });

  it('matches the live tree on every file under fixtures/mesh/syntax', () => {
    const dir = resolve(__dirname, '../../../fixtures/mesh/syntax');
    const files = existsSync(dir) ? (readdirSync(dir, { recursive: true }) as string[]).filter((f) => isMeshFile(f)) : [];
    let compared = 0;
    for (const f of files) {
      const { compared: n, mismatches } = compareWithLiveTree(readFileSync(join(dir, f), 'utf8'));
      expect(mismatches, f).toEqual([]);
      compared += n;
    }
    expect(compared).toBeGreaterThanOrEqual(files.length);
  });

  it('parses every Mesh file in the repository with no ERROR or MISSING node', () => {
    const root = resolve(__dirname, '../../..');
    const skip = /(^|\/)(node_modules|\.git|dist|build)(\/|$)/;
    const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => !skip.test(f) && isMeshFile(f));
    expect(files.length).toBeGreaterThan(200);
    const failing = files.filter((f) => parseSource(readFileSync(join(root, f), 'utf8')).errors.length > 0);
    expect(failing).toEqual([]);
  });

  // The Node binding compiles src/parser.c through bindings/node/parser_fast.c (faster lexer
  // primitives); `tree-sitter test` checks the corpus against the plain build. This checks the
  // binding's build against the same expectations, so the two cannot drift apart.
  it('gives every grammar corpus test its expected tree through the Node binding', () => {
    const dir = resolve(__dirname, '../../../tree-sitter-mesh/test/corpus');
    const cases = readdirSync(dir)
      .filter((f) => f.endsWith('.txt'))
      .flatMap((f) => corpusCases(readFileSync(join(dir, f), 'utf8')).map((c) => ({ ...c, name: `${f}: ${c.name}` })));
    expect(cases.length).toBeGreaterThan(80);
    const { parser } = loadGrammar();
    for (const c of cases) {
      const root = parser.parse(c.input).rootNode;
      if (c.error) expect(root.hasError, c.name).toBe(true);
      else expect(normalizeSExpression(root.toString()), c.name).toBe(normalizeSExpression(c.expected));
    }
  });

  it('reports syntax errors with positions, messages and excerpts', () => {
    const src = 'fn main() do\n  println("ü"))\nend\n';
    const { errors } = parseSource(src);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toEqual({ line: 2, column: 15, kind: 'error', message: 'unexpected `)`', excerpt: '  println("ü"))' });
  });

  it('explains an unclosed block', () => {
    const { errors } = parseSource('fn main() do\n  let x = 1\n  if x > 0 do\n    println("x")\n');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.map((e) => e.message).join('\n')).toMatch(/`end`/);
  });

  it('renders the tree as an S-expression', () => {
    expect(toSExpression(parseSource('fn f() do\n  1\nend\n').root)).toBe(
      '(source_file (function_definition name: (identifier) parameters: (parameters) body: (block (expression_statement (integer)))))',
    );
  });

  it('survives 10,000 levels of nesting (iterative snapshot and walks)', () => {
    const depth = 10_000;
    const src = `fn main() do\n  let x = ${'('.repeat(depth)}1${')'.repeat(depth)}\nend\n`;
    const parsed = parseSource(src);
    expect(parsed.errors).toEqual([]);
    expect(treeDepth(parsed.root)).toBeGreaterThan(depth);
    let parens = 0;
    walk(parsed.root, (n) => {
      if (n.type === 'parenthesized_expression') parens++;
    });
    expect(parens).toBe(depth);
    expect(toSExpression(parsed.root).length).toBeGreaterThan(depth * 10);
  });

  it('survives 10,000 nested do-blocks, balanced and unbalanced', () => {
    const depth = 10_000;
    const ok = `fn main() do\n${'if true do\n'.repeat(depth)}1\n${'end\n'.repeat(depth)}end\n`;
    const parsed = parseSource(ok);
    expect(parsed.errors).toEqual([]);
    expect(treeDepth(parsed.root)).toBeGreaterThan(depth);
    const broken = `fn main() do\n${'if true do\n'.repeat(depth)}1\n`;
    expect(parseSource(broken).errors.length).toBeGreaterThan(0);
  });

  it('parses a 10 MB file', () => {
    // Long comments and strings keep the node count (and the test's time) moderate: the
    // point is 10 MB of text through the parser, the snapshot and the issue collector.
    const note = '# '.padEnd(120, 'lorem ipsum dolor sit amet ');
    const unit = (i: number): string =>
      `${note}\nfn f${i}(x :: Int) -> Int do\n  let y = x * ${i} + 1\n  if y > 10 do\n    println("big \${y} é ${'-'.repeat(80)}")\n  end\n  y\nend\n\n`;
    const parts: string[] = [];
    let size = 0;
    for (let i = 0; size < 10_000_000; i++) {
      const text = unit(i);
      parts.push(text);
      size += text.length;
    }
    const big = `${parts.join('')}fn broken( do\n`;
    const parsed = parseSource(big);
    expect(parsed.errors.length).toBeGreaterThan(0);
    expect(parsed.errors[0]!.line).toBe(big.split('\n').length - 1);
    expect(parsed.root.children.length).toBeGreaterThan(parts.length - 1);
  }, 300_000);
});

describe('query', () => {
  it('returns captures as snapshot nodes of the same tree', () => {
    const parsed = parseSource(HELLO);
    const caps = query(parsed, '(call_expression function: (identifier) @callee)');
    expect(caps.map((c) => [c.name, nodeText(HELLO, c.node)])).toEqual([['callee', 'println']]);
    let inTree = false;
    walk(parsed.root, (n) => {
      if (n === caps[0]!.node) inTree = true;
    });
    expect(inTree).toBe(true);
  });

  it('supports predicates', () => {
    const src = 'fn a() do\n  1\nend\nfn b() do\n  2\nend\n';
    const caps = query(parseSource(src), '((function_definition name: (identifier) @n) (#eq? @n "b"))');
    expect(caps.map((c) => nodeText(src, c.node))).toEqual(['b']);
  });

  it('rejects a bad query with a UserError', () => {
    expect(() => query(parseSource(HELLO), '(no_such_kind) @x')).toThrow(UserError);
    expect(() => query(parseSource(HELLO), '(((')).toThrow(UserError);
  });
});

describe('generated node kinds', () => {
  it('lists the grammar kinds and supertype members', () => {
    expect(NODE_KINDS).toContain('function_definition');
    expect(ITEM_KINDS.has('function_definition')).toBe(true);
    expect(EXPRESSION_KINDS.has('call_expression')).toBe(true);
    expect(EXPRESSION_KINDS.has('function_definition')).toBe(false);
  });
});

describe('parseFile', () => {
  it('reads and parses a file, and refuses unreadable input', async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'parsefile-'));
    try {
      await writeFile(join(dir, 'a.mesh'), 'fn main() do\n  println("ok")\nend\n');
      const parsed = await parseFile(join(dir, 'a.mesh'));
      expect(parsed.path).toBe(join(dir, 'a.mesh'));
      expect(parsed.errors).toEqual([]);
      expect(parsed.root.children[0]!.type).toBe('function_definition');
      await expect(parseFile(join(dir, 'missing.mpl'))).rejects.toBeInstanceOf(UserError);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
