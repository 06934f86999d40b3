import { describe, expect, it } from 'vitest';
import { meshPort } from '../../../src/repro/index.js';
import { StateBuilder, type State } from '../../../src/repro/state.js';
import type { Pass } from '../../../src/repro/passes/pass.js';
import { propagateLets } from '../../../src/repro/passes/propagate.js';
import { dropFields } from '../../../src/repro/passes/fields.js';
import { bulkFirst } from '../../../src/repro/passes/bulk.js';
import { withReferences } from '../../../src/repro/passes/sweep.js';
import { inlineCalls } from '../../../src/repro/passes/inline.js';
import { dropTokens } from '../../../src/repro/passes/tokens.js';
import { hdd } from '../../../src/repro/passes/hdd.js';
import { unwrapFunctions } from '../../../src/repro/passes/unwrap.js';
import type { Candidate } from '../../../src/types/index.js';

// Passes that change a program's shape rather than delete a node: every proposal here is checked as text.
const stateOf = (source: string): State => new StateBuilder(meshPort).build(new Map([['main.mpl', source]]))!;
const texts = (pass: Pass, source: string, cursor: unknown = null): string[] =>
  [...pass.propose(stateOf(source), cursor, meshPort)].map((p) => (p.alternatives[0] as Candidate).get('main.mpl')!);
const parses = (source: string): boolean => meshPort.parse(source, 'main.mpl').errorCount === 0;

describe('propagate pass', () => {
  const SOURCE = 'fn main() do\n  let s = a |> List.collect\n  let n = 3\n  let unused = f(n)\n  println(s.to_string())\n  n + n\nend\n';

  it('puts a value where its name is used (parenthesised unless primary) and drops the let', () => {
    const out = texts(propagateLets, SOURCE);
    expect(out[0]).toBe('fn main() do\n  let n = 3\n  let unused = f(n)\n  println((a |> List.collect).to_string())\n  n + n\nend\n');
    expect(out[1]).toBe('fn main() do\n  let s = a |> List.collect\n  let unused = f(3)\n  println(s.to_string())\n  3 + 3\nend\n');
    // A binding nothing uses keeps its value as a statement.
    expect(out[2]).toContain('\n  f(n)\n');
    expect(out.every(parses)).toBe(true);
  });

  it('stops at a rebinding, but still replaces the old name in its value', () => {
    const out = texts(propagateLets, 'fn main() do\n  let x = 1\n  let x = x + 1\n  x\nend\n');
    expect(out[0]).toBe('fn main() do\n  let x = 1 + 1\n  x\nend\n');
  });

  it('leaves field names, labels and struct names alone', () => {
    const out = texts(propagateLets, 'fn main() do\n  let port = 8\n  let c = Cfg { port: port }\n  c.port\nend\n');
    expect(out[0]).toBe('fn main() do\n  let c = Cfg { port: 8 }\n  c.port\nend\n');
  });
});

describe('fields pass', () => {
  const SOURCE = 'struct Cfg do\n  port :: Int\n  size :: Int\n  name :: String\nend\nfn main() do\n  let c = Cfg { port: 1, size: 2, name: "x" }\n  println("${c.size}")\nend\n';

  it('drops the fields nothing reads from the definition and every literal together, all first, then one by one', () => {
    const out = texts(dropFields, SOURCE);
    expect(out[0]).toBe('struct Cfg do\n  size :: Int\nend\nfn main() do\n  let c = Cfg { size: 2 }\n  println("${c.size}")\nend\n');
    expect(out.slice(1)).toEqual([
      'struct Cfg do\n  size :: Int\n  name :: String\nend\nfn main() do\n  let c = Cfg { size: 2, name: "x" }\n  println("${c.size}")\nend\n',
      'struct Cfg do\n  port :: Int\n  size :: Int\nend\nfn main() do\n  let c = Cfg { port: 1, size: 2 }\n  println("${c.size}")\nend\n',
    ]);
    expect(out.every(parses)).toBe(true);
  });

  it('keeps a field a pattern reads', () => {
    const out = texts(dropFields, 'struct P do\n  x :: Int\n  y :: Int\nend\nfn main() do\n  case P { x: 1, y: 2 } do\n    P { x: v } -> v\n  end\nend\n');
    expect(out).toEqual(['struct P do\n  x :: Int\nend\nfn main() do\n  case P { x: 1 } do\n    P { x: v } -> v\n  end\nend\n']);
  });
});

describe('inline pass, nested calls', () => {
  it('puts the callee before the statement and its value in place of the call', () => {
    const source = 'fn line(w :: List<Int>, limit :: Int) -> String do\n  let hot = List.length(w)\n  "${hot} ${limit}"\nend\nfn main() do\n  println(line([1], 2))\nend\n';
    const out = texts(inlineCalls, source);
    expect(out).toEqual(['fn main() do\n  let w = [1]\n  let limit = 2\n  let hot = List.length(w)\n  println("${hot} ${limit}")\nend\n']);
  });

  it('does not inline a call inside a closure', () => {
    const source = 'fn f(n :: Int) -> Int do\n  n + 1\nend\nfn main() do\n  println("${List.map([1], fn(x) -> f(x) end)}")\nend\n';
    expect(texts(inlineCalls, source)).toEqual([]);
  });
});

describe('bulkFirst', () => {
  it('asks about every proposal composed first, then the proposals one by one', () => {
    const source = 'fn main() do\n  let a = 1\n  let b = a + 2\n  println("${b}")\nend\n';
    const out = texts(bulkFirst(propagateLets), source);
    expect(out[0]).toBe('fn main() do\n  println("${(1 + 2)}")\nend\n');
    expect(out.slice(1)).toEqual(texts(propagateLets, source));
  });

  it('after the bulk was accepted, resumes with single proposals', () => {
    const source = 'fn main() do\n  let a = 1\n  println("${a}")\nend\n';
    // One proposal: no bulk needed.
    expect(texts(bulkFirst(propagateLets), source)).toEqual(texts(propagateLets, source));
    expect(texts(bulkFirst(propagateLets), source, 'bulk')).toEqual(texts(propagateLets, source));
  });
});

describe('withReferences (blind deletions that know the reference graph)', () => {
  const SOURCE = 'fn used() -> Int do\n  1\nend\nfn helper() -> Int do\n  used()\nend\nfn main() do\n  let x = helper()\n  println("${x}")\nend\n';

  it('never proposes deleting a definition that is still called, or a let that is still used', () => {
    // Only candidates that parse reach the test; the engine drops the others.
    const plain = texts(hdd, SOURCE).filter(parses);
    const wrapped = texts(withReferences(hdd), SOURCE).filter(parses);
    expect(plain.some((t) => !t.includes('fn helper') && t.includes('helper()'))).toBe(true);
    expect(wrapped.some((t) => !t.includes('fn helper') && t.includes('helper()'))).toBe(false);
    expect(wrapped.some((t) => !t.includes('let x') && /\bx\b/.test(t.replace('fn main', '')))).toBe(false);
  });

  it('sweeps what an edit leaves unreachable into the same candidate', () => {
    const wrapped = texts(withReferences(hdd), SOURCE);
    // main's `let x = helper()` replaced by a value: helper and used go with it.
    const minimal = wrapped.find((t) => t.includes('let x = 0'));
    expect(minimal).toBe('fn main() do\n  let x = 0\n  println("${x}")\nend\n');
  });

  it('never proposes a program without main while main matters', () => {
    expect(texts(hdd, SOURCE).filter(parses).some((t) => !t.includes('fn main'))).toBe(true);
    expect(texts(withReferences(hdd), SOURCE).filter(parses).every((t) => t.includes('fn main'))).toBe(true);
  });
});

describe('tokens pass', () => {
  it('removes a bracket pair and shortens an operator before sliding windows', () => {
    const out = texts(dropTokens, 'fn (a) do\n  a |> List.collect\nend\n');
    expect(out[0]).toBe('fn a do\n  a |> List.collect\nend\n');
    expect(out[1]).toBe('fn (a) do\n  a > List.collect\nend\n');
    expect(out.length).toBeGreaterThan(2);
  });
});

describe('mesh port minimal forms', () => {
  it('offers 0 then 1 for plain values, nothing for a callee or a declared name, and [] or [body] for a for-comprehension', () => {
    expect(meshPort.minimalForms('field_access', { parent: 'binary_expression', field: 'right' })).toEqual(['0', '1']);
    expect(meshPort.minimalForms('identifier', { parent: 'call_expression', field: 'function' })).toEqual([]);
    expect(meshPort.minimalForms('identifier', { parent: 'parameter', field: 'pattern' })).toEqual([]);
    expect(meshPort.minimalForms('for_expression')).toEqual(['[]']);
    expect(meshPort.textForms!('for_expression', 'for i in 0..n do\n    0\n  end')).toEqual(['[0]']);
    expect(meshPort.textForms!('for_expression', 'for i in 0..n do\n    let a = i\n    a\n  end')).toEqual([]);
  });
});

describe('unwrap pass', () => {
  it('replaces a top-level function, named or not, by its statements', () => {
    const out = texts(unwrapFunctions, 'fn do\n  Iter.map(fn -> () end)\n  Map.collect()\nend\npub fn f(x :: Int) -> Int do\n  x\nend\n');
    expect(out).toEqual([
      'Iter.map(fn -> () end)\nMap.collect()\npub fn f(x :: Int) -> Int do\n  x\nend\n',
      'fn do\n  Iter.map(fn -> () end)\n  Map.collect()\nend\nx\n',
    ]);
    expect(out.every(parses)).toBe(true);
  });
});
