import { describe, expect, it } from 'vitest';
import { meshPort, reduceWith } from '../../../src/repro/index.js';
import { StateBuilder, type State } from '../../../src/repro/state.js';
import type { Pass } from '../../../src/repro/passes/pass.js';
import { stubEntry } from '../../../src/repro/passes/entry.js';
import { stubBodies } from '../../../src/repro/passes/stub.js';
import { dropDead, pruneModules } from '../../../src/repro/passes/dead.js';
import { callFromEntry } from '../../../src/repro/passes/shortcut.js';
import { inlineCalls } from '../../../src/repro/passes/inline.js';
import type { Candidate, OracleOutcome } from '../../../src/types/index.js';

const stateOf = (files: Record<string, string>): State => new StateBuilder(meshPort).build(new Map(Object.entries(files)))!;
const proposals = (pass: Pass, state: State): Candidate[] => [...pass.propose(state, null, meshPort)].map((p) => p.alternatives[0]!);
const main = (c: Candidate): string => c.get('main.mpl')!;

// The failure needs `bad`; main reaches it through `middle`. `unused` is reached by nothing.
const CHAIN = `fn bad(n :: Int) -> Int do
  let t = n * 2
  t + 1
end

fn middle(n :: Int) -> Int do
  let v = bad(n)
  v
end

fn other(s :: String) -> String do
  s <> "!"
end

fn unused() -> Int do
  42
end

fn main() do
  let x = middle(3)
  println(other("x"))
  println("\${x}")
end
`;

describe('entry pass (stage probe)', () => {
  it('proposes main with its body removed, once', () => {
    const out = proposals(stubEntry, stateOf({ 'main.mpl': CHAIN }));
    expect(out).toHaveLength(1);
    expect(main(out[0]!)).toContain('fn main() do\nend');
    expect(main(out[0]!)).toContain('fn bad(n :: Int) -> Int do\n  let t = n * 2');
  });

  it('proposes nothing when main is already empty', () => {
    expect(proposals(stubEntry, stateOf({ 'main.mpl': 'fn main() do\nend\n' }))).toEqual([]);
  });
});

describe('stub pass', () => {
  it('while main is live: stubs by distance from main, and with a body also what it no longer reaches', () => {
    const out = proposals(stubBodies, stateOf({ 'main.mpl': CHAIN })).map(main);
    // Level 1 (middle, other): halves first. Stubbing middle also stubs bad (only middle reached it).
    expect(out[0]).toContain('fn middle(n :: Int) -> Int do\n  0\nend');
    expect(out[0]).toContain('fn bad(n :: Int) -> Int do\n  0\nend');
    expect(out[0]).toContain('s <> "!"');
    // unused is not reached at all: stubbed in every proposal; main never.
    expect(out.every((c) => c.includes('fn unused() -> Int do\n  0\nend'))).toBe(true);
    expect(out.every((c) => c.includes('let x = middle(3)'))).toBe(true);
    // ... later levels keep the path: a proposal stubs bad alone.
    expect(out.some((c) => c.includes('fn bad(n :: Int) -> Int do\n  0\nend') && c.includes('let v = bad(n)'))).toBe(true);
  });

  it('once main is stubbed: one ddmin over every body in source order', () => {
    const stubbedMain = CHAIN.replace(/fn main\(\) do[\s\S]*$/, 'fn main() do\nend\n');
    const out = proposals(stubBodies, stateOf({ 'main.mpl': stubbedMain })).map(main);
    // Four live bodies (bad, middle, other, unused): two halves, then one at a time.
    expect(out[0]).toContain('fn bad(n :: Int) -> Int do\n  0\nend');
    expect(out[0]).toContain('fn middle(n :: Int) -> Int do\n  0\nend');
    expect(out[0]).toContain('s <> "!"');
    expect(out).toHaveLength(2 + 4);
  });
});

describe('dead pass', () => {
  it('drops every unreachable item at once, then one by one', () => {
    const out = proposals(dropDead, stateOf({ 'main.mpl': CHAIN })).map(main);
    expect(out[0]).not.toContain('fn unused');
    expect(out[0]).toContain('fn bad');
    expect(out).toHaveLength(1);
  });

  it('follows only the stub\'s names once main is stubbed, and keeps live bodies as roots', () => {
    const program = 'fn keep() -> Int do\n  1 + 1\nend\n\nfn gone() -> Int do\n  0\nend\n\nfn main() do\nend\n';
    const out = proposals(dropDead, stateOf({ 'main.mpl': program })).map(main);
    expect(out).toHaveLength(1);
    expect(out[0]).not.toContain('gone');
    expect(out[0]).toContain('fn keep() -> Int do\n  1 + 1\nend');
  });

  it('removes unused imports and a project module left empty (modules: the bulk step only)', () => {
    const state = stateOf({
      'main.mpl': 'from Util import used\nfrom Extra import spare\n\nfn main() do\n  println(used())\nend\n',
      'util.mpl': 'pub fn used() -> String do\n  "u"\nend\n',
      'extra.mpl': 'pub fn spare() -> Int do\n  1\nend\n',
    });
    const out = proposals(pruneModules, state);
    expect(out).toHaveLength(1);
    expect(out[0]!.has('extra.mpl')).toBe(false);
    expect(out[0]!.get('util.mpl')).toContain('pub fn used');
    expect(main(out[0]!)).toBe('from Util import used\n\nfn main() do\n  println(used())\nend\n');
  });
});

describe('shortcut pass', () => {
  it('makes main call a live function it reaches directly, deepest first, with minimal arguments', () => {
    const out = proposals(callFromEntry, stateOf({ 'main.mpl': CHAIN })).map(main);
    expect(out[0]).toContain('fn main() do\n  bad(0)\nend');
    expect(out.map((c) => /fn main\(\) do\n {2}(\w+)\(/.exec(c)?.[1])).toEqual(['bad', 'other', 'middle']);
  });

  it('does nothing once main is stubbed', () => {
    expect(proposals(callFromEntry, stateOf({ 'main.mpl': 'fn f() -> Int do\n  1 + 1\nend\n\nfn main() do\nend\n' }))).toEqual([]);
  });
});

describe('inline pass', () => {
  it('inlines a function called from exactly one statement and drops its definition', () => {
    const out = proposals(inlineCalls, stateOf({ 'main.mpl': CHAIN })).map(main);
    // main's call of middle first: parameter bound, statements copied, the last one bound to x.
    expect(out[0]).not.toContain('fn middle');
    expect(out[0]).toContain('fn main() do\n  let n = 3\n  let v = bad(n)\n  let x = v\n');
    expect(out[0]).toContain('fn bad');
  });

  it('does not inline a function called twice or recursive', () => {
    const twice = 'fn f(n :: Int) -> Int do\n  n + 1\nend\n\nfn main() do\n  let a = f(1)\n  let b = f(2)\n  println("${a}${b}")\nend\n';
    expect(proposals(inlineCalls, stateOf({ 'main.mpl': twice }))).toEqual([]);
    const rec = 'fn f(n :: Int) -> Int do\n  f(n - 1)\nend\n\nfn main() do\n  let a = f(1)\n  println("${a}")\nend\n';
    expect(proposals(inlineCalls, stateOf({ 'main.mpl': rec }))).toEqual([]);
  });
});

describe('reference passes in the pipeline', () => {
  it('reduce a call chain to the culprit with a grep oracle, the same at every --jobs', async () => {
    const oracle = async (c: Candidate): Promise<OracleOutcome> => (/\* 2/.test([...c.values()].join('\n')) ? 'interesting' : 'boring');
    const run = (jobs: number) => reduceWith(new Map([['main.mpl', CHAIN]]), meshPort, { oracle, jobs });
    const [one, two] = [await run(1), await run(2)];
    expect(main(one.best)).toBe(main(two.best));
    expect(one.final.tokens).toBeLessThanOrEqual(5);
    const used = new Map(one.passes.map((p) => [p.name, p.accepted]));
    expect((used.get('entry') ?? 0) + (used.get('stub') ?? 0) + (used.get('dead') ?? 0)).toBeGreaterThan(0);
  });
});
