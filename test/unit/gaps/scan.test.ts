import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GAP_CATALOG, activeGaps, renderText, scanPaths, scanSource } from '../../../src/gaps/index.js';
import { useFlatExport } from '../../../src/syntax/parser.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const FIXTURES = join(ROOT, 'fixtures/mesh/gap-scan');

describe('scanner on the per-gap fixtures', () => {
  it.each(GAP_CATALOG.map((g) => g.key))('finds the risky shape of %s in its fixture', async (key) => {
    const result = await scanPaths([join(FIXTURES, `${key}.mpl`)], { includeFixed: true });
    const mine = result.findings.filter((f) => f.gapKey === key && f.kind === 'risky');
    expect(mine.length).toBeGreaterThan(0);
    for (const f of mine) {
      expect(f.line).toBeGreaterThan(1); // line 1 is the fixture's comment
      expect(f.message).toContain(GAP_CATALOG.find((g) => g.key === key)!.title);
    }
  });

  it('stays silent (no risky finding, even with fixed gaps) on the clean project', async () => {
    const result = await scanPaths([join(FIXTURES, 'clean')], { includeFixed: true });
    expect(result.files.map((f) => f.replace(`${FIXTURES}/`, ''))).toEqual(['clean/billing.mpl', 'clean/main.mpl']);
    expect(result.findings.filter((f) => f.kind === 'risky')).toEqual([]);
    expect(result.filesWithSyntaxErrors).toEqual([]);
    // The clean program uses documented workarounds, which are reported as such.
    expect(result.findings.map((f) => f.gapKey)).toContain('closure-route-handler');
  });
});

describe('scanSource', () => {
  it('reports line and column of the reported node', () => {
    const findings = scanSource('fn main() do\n  let ok = true\n  let v = if ok do 1 else 2 end\n  println("${List.group_by([1], fn(x) -> x end)}")\nend\n', 'demo.mpl');
    const hit = findings.find((f) => f.gapKey === 'list-group-by');
    expect(hit).toMatchObject({ file: 'demo.mpl', line: 4, column: 14, kind: 'risky' });
  });

  it('flags chained && but not a single && in the entry block', () => {
    const single = scanSource('fn ok(a :: Bool, b :: Bool) -> Bool do\n  a && b\nend\n', 'a.mpl');
    expect(single.filter((f) => f.gapKey === 'nested-and')).toEqual([]);
    const chained = scanSource('fn ok(a :: Bool, b :: Bool, c :: Bool) -> Bool do\n  a && (b && c)\nend\n', 'b.mpl');
    expect(chained.filter((f) => f.gapKey === 'nested-and')).toHaveLength(1);
    const after = scanSource('fn ok(a :: Bool, b :: Bool) -> Bool do\n  let x = if a do 1 else 2 end\n  a and b\nend\n', 'c.mpl');
    expect(after.filter((f) => f.gapKey === 'nested-and')).toHaveLength(1);
  });

  it('flags a control-flow head only when it ends in a call', () => {
    const src = 'fn f(xs :: List<Int>) -> Int do\n  let n = List.length(xs)\n  if n > 0 do 1 else 0 end\nend\nfn g(xs :: List<Int>) -> Int do\n  if List.length(xs) > 0 do 1 else 0 end\nend\nfn h(xs :: List<Int>) -> Int do\n  if List.contains(xs, 3) do 1 else 0 end\nend\n';
    expect(scanSource(src, 'x.mpl').filter((f) => f.gapKey === 'trailing-closure-head').map((f) => f.line)).toEqual([9]);
  });

  it('does not report Map.collect when the pipe source is a list of string-keyed tuples', () => {
    const safe = 'fn f() do\n  [("a", 1), ("b", 2)] |> Iter.from() |> Map.collect()\nend\n';
    expect(scanSource(safe).filter((f) => f.gapKey === 'map-collect-string-keys')).toEqual([]);
    const risky = 'fn f(xs) do\n  xs |> Iter.from() |> Map.collect()\nend\n';
    expect(scanSource(risky).filter((f) => f.gapKey === 'map-collect-string-keys')).toHaveLength(1);
  });

  it('follows one let for the Map.collect source and knows enumerate keys are Ints', () => {
    const count = (src: string) => scanSource(src).filter((f) => f.gapKey === 'map-collect-string-keys').length;
    expect(count('fn f(m :: Map<String, Int>) do\n  let pairs = Map.to_list(m)\n  pairs |> Iter.from() |> Map.collect()\nend\n')).toBe(0);
    expect(count('fn f(xs :: List<Int>) do\n  Iter.from(xs) |> Iter.enumerate() |> Map.collect()\nend\n')).toBe(0);
    expect(count('fn f() do\n  let keys = ["a", "b"]\n  keys |> Iter.from() |> Iter.zip(Iter.from([1, 2])) |> Map.collect()\nend\n')).toBe(1);
    expect(count('fn f() do\n  [1, 2] |> Iter.from() |> Iter.zip(Iter.from([3, 4])) |> Map.collect()\nend\n')).toBe(0);
  });

  it('only reports to_string on collect output, not on any value', () => {
    const src = 'fn f(n :: Int) -> String do\n  n.to_string()\nend\n';
    expect(scanSource(src).filter((f) => f.gapKey === 'collect-to-string')).toEqual([]);
  });
});

describe('predicate refinements', () => {
  const keysOf = (src: string, key: string) => scanSource(src, 'm.mpl', { includeFixed: true }).filter((f) => f.gapKey === key && f.kind === 'risky');

  it('flags only multi-line parenthesised imports and pub type aliases for formatter damage', () => {
    expect(keysOf('from A import b, c\n', 'formatter-damage')).toEqual([]);
    expect(keysOf('from A import (b, c)\n', 'formatter-damage')).toEqual([]);
    expect(keysOf('from A import (\n  b,\n  c,\n)\n', 'formatter-damage')).toHaveLength(1);
    expect(keysOf('pub type Id = Int\n', 'formatter-damage')).toHaveLength(1);
    expect(keysOf('type Id = Int\n', 'formatter-damage')).toEqual([]);
  });

  it('does not flag an unannotated export whose parameters are pinned by typed calls', () => {
    const pinned = 'fn need(req :: Request) -> String do\n  "x"\nend\npub fn handle(req) do\n  need(req)\nend\npub fn body(req) do\n  Request.body(req)\nend\n';
    expect(keysOf(pinned, 'cross-module-poly-export')).toEqual([]);
    expect(keysOf('pub fn same(x) do\n  x\nend\n', 'cross-module-poly-export')).toHaveLength(1);
  });

  it('finds branching (state, reply) tuples through case arms and else-if chains', () => {
    const viaCase = 'service S do\n  fn init() -> Int do\n    0\n  end\n  call Get(k :: Int) :: Int do |n|\n    case k do\n      0 -> (n, 0)\n      _ -> (n + 1, k)\n    end\n  end\nend\n';
    expect(keysOf(viaCase, 'service-branch-tuples')).toHaveLength(1);
    const single = 'service S do\n  fn init() -> Int do\n    0\n  end\n  call Get(k :: Int) :: Int do |n|\n    let next = if k > 0 do n + 1 else n end\n    (next, next)\n  end\nend\n';
    expect(keysOf(single, 'service-branch-tuples')).toEqual([]);
    // The shape of Mesher's February rate limiter: the handler tail-calls a helper that branches.
    const viaHelper = 'fn take_impl(n :: Int) -> (Int, Bool) do\n  if n > 0 do\n    (n - 1, true)\n  else\n    (n, false)\n  end\nend\nservice L do\n  fn init() -> Int do\n    1\n  end\n  call Take() :: Bool do |n|\n    take_impl(n)\n  end\nend\n';
    expect(keysOf(viaHelper, 'service-branch-tuples').map((f) => f.line)).toEqual([12]);
  });

  it('reports a reused case binder at its second binding only', () => {
    const src = 'fn f(a, b) do\n  case a do\n    Ok(v) -> v\n    Err(_) -> 0\n  end\n  case b do\n    Ok(v) -> v\n    Err(_) -> 0\n  end\nend\n';
    expect(keysOf(src, 'case-binder-reuse').map((f) => [f.line, f.column])).toEqual([[7, 8]]);
  });
});

describe('scan options', () => {
  const trailing = 'fn f(xs) do\n  xs |>\n    List.reverse()\nend\n';

  it('filters by dialect: a gap fixed in april is not reported for april', () => {
    expect(scanSource(trailing, 'p.mpl', { dialects: ['april'] }).filter((f) => f.gapKey === 'trailing-pipe')).toEqual([]);
    expect(scanSource(trailing, 'p.mpl', { dialects: ['february'] }).filter((f) => f.gapKey === 'trailing-pipe')).toHaveLength(1);
  });

  it('leaves gaps fixed everywhere out unless includeFixed is set', () => {
    expect(activeGaps().some((g) => g.key === 'list-find-case')).toBe(false);
    expect(activeGaps({ includeFixed: true }).some((g) => g.key === 'list-find-case')).toBe(true);
    expect(activeGaps({ only: ['nested-and'] }).map((g) => g.key)).toEqual(['nested-and']);
  });

  it('can leave out workaround sites', () => {
    const src = 'fn h(req :: Request) -> Response do\n  HTTP.response(200, "ok")\nend\n';
    expect(scanSource(src).some((f) => f.kind === 'workaround')).toBe(true);
    expect(scanSource(src, 'main.mpl', { workarounds: false })).toEqual([]);
  });
});

describe('project scans', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gaps-scan-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('uses the other files of the project for cross-module rules', async () => {
    writeFileSync(join(dir, 'main.mpl'), 'from Jobs import Runner\n\nfn main() do\n  println("x")\nend\n');
    writeFileSync(join(dir, 'jobs.mpl'), 'service Runner do\n  fn init() -> Int do\n    0\n  end\nend\n');
    const result = await scanPaths([dir], { includeFixed: true });
    const hit = result.findings.find((f) => f.gapKey === 'service-export');
    expect(hit).toMatchObject({ file: join(dir, 'main.mpl'), line: 1, column: 18 });
  });

  it('renders text lines as file:line:col gap-key message', async () => {
    const result = await scanPaths([join(FIXTURES, 'nested-and.mpl')]);
    const text = renderText(result.findings);
    expect(text).toMatch(/^.*nested-and\.mpl:6:5 nested-and nested or chained/m);
  });

  it('rejects a missing path with a UserError', async () => {
    await expect(scanPaths([join(dir, 'nope')])).rejects.toThrow(/does not exist/);
  });
});

describe('without the grammar addon\'s whole-tree export', () => {
  afterAll(() => useFlatExport(true));

  it('finds the same gaps through the node-by-node walk (the fallback path)', async () => {
    const deep = `fn pick(a :: Bool) -> Int do\n  let x = ${'if a && a do\n'.repeat(3000)}1\n${'else\n0\nend\n'.repeat(3000)}  x\nend\n`;
    const flat = await scanPaths([FIXTURES], { includeFixed: true });
    const flatDeep = scanSource(deep, 'deep.mpl', { includeFixed: true });
    useFlatExport(false);
    try {
      expect(flat.findings.length).toBeGreaterThan(GAP_CATALOG.length);
      expect(await scanPaths([FIXTURES], { includeFixed: true })).toEqual(flat);
      expect(flatDeep.length).toBeGreaterThan(2000);
      expect(scanSource(deep, 'deep.mpl', { includeFixed: true })).toEqual(flatDeep);
    } finally {
      useFlatExport(true);
    }
  });
});
