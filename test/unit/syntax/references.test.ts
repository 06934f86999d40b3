import { describe, expect, it } from 'vitest';
import { analyzeProgram, type Program, type ProgramItem } from '../../../src/syntax/references.js';
import { parseSource } from '../../../src/syntax/index.js';

function analyze(files: Record<string, string>): Program {
  return analyzeProgram(Object.entries(files).map(([path, source]) => ({ path, source, root: parseSource(source, path).root })));
}

const item = (program: Program, name: string): ProgramItem => {
  const found = program.items.find((i) => i.defines.includes(name));
  if (!found) throw new Error(`no item defines ${name}`);
  return found;
};

const APP = `from Util.Text import banner

struct Point do
  x :: Int
  y :: Int
end

type Shape do
  Dot
  Circle(Int)
end

fn area(s :: Shape, p :: Point) -> Int do
  let r = helper(p.x)
  r * 2
end

fn helper(n :: Int) -> Int do
  n + 1
end

fn origin() -> Point do
  Point { x: 0, y: 0 }
end

fn label(n :: Int) -> String do
  banner("n")
end

fn shape() -> Shape do
  Circle(3)
end

service Counter do
  fn init() -> Int do
    0
  end

  call Get() :: Int do |state|
    (state, state)
  end

  cast Bump(n :: Int) do |state|
    state + n
  end
end

fn main() do
  let a = area(Dot, origin())
  println("\${a}")
end
`;

describe('analyzeProgram', () => {
  const program = analyze({ 'main.mpl': APP });

  it('lists top-level items with what they define, in source order', () => {
    expect(program.items.map((i) => i.kind)).toEqual(['import', 'type', 'type', 'function', 'function', 'function', 'function', 'function', 'service', 'function']);
    expect(item(program, 'banner').kind).toBe('import');
    expect(item(program, 'Circle').defines).toEqual(['Shape', 'Dot', 'Circle']);
    expect(item(program, 'main').entry).toBe(true);
    expect(item(program, 'area').entry).toBe(false);
  });

  it('separates names used in signatures from names used in bodies, and skips declarations', () => {
    const area = item(program, 'area');
    expect(area.refs).toEqual(expect.arrayContaining(['Shape', 'Point', 'Int']));
    expect(area.refs).not.toContain('area');
    expect(area.refs).not.toContain('helper');
    expect(area.bodies[0]!.refs).toEqual(expect.arrayContaining(['helper', 'p', 'r']));
    expect(item(program, 'Point').refs).not.toContain('x');
  });

  it('stubs bodies with a minimal value of the declared type, keeping the layout', () => {
    expect(item(program, 'area').bodies[0]!.stub).toBe('\n  0\n');
    expect(item(program, 'origin').bodies[0]!.stub).toBe('\n  Point { x: 0, y: 0 }\n');
    expect(item(program, 'label').bodies[0]!.stub).toBe('\n  ""\n');
    // The variant without payload first.
    expect(item(program, 'shape').bodies[0]!.stub).toBe('\n  Dot\n');
    expect(item(program, 'main').bodies[0]!.stub).toBe('\n');
    expect(item(program, 'area').bodies[0]!.stubRefs).toEqual([]);
    expect(item(program, 'origin').bodies[0]!.stubRefs).toEqual(['Point', 'x', 'y']);
  });

  it('stubs service handlers: init by its type, a call keeps the state and replies minimally, a cast returns the state', () => {
    const stubs = item(program, 'Counter').bodies.map((b) => b.stub!.trim());
    expect(stubs).toEqual(['0', '(state, 0)', 'state']);
  });

  it('marks a body that already is its stub as not live', () => {
    expect(item(program, 'helper').bodies[0]!.live).toBe(true);
    const stubbed = analyze({ 'main.mpl': 'fn f() -> Int do\n  0\nend\n' });
    expect(stubbed.items[0]!.bodies[0]!.live).toBe(false);
  });

  it('describes simple functions: parameters with minimal arguments, statements and direct calls', () => {
    const area = item(program, 'area').fn!;
    expect(area.params).toEqual([{ name: 's', minimal: 'Dot' }, { name: 'p', minimal: 'Point { x: 0, y: 0 }' }]);
    expect(area.statements).toEqual([
      { text: 'let r = helper(p.x)', expression: false, primary: false },
      { text: 'r * 2', expression: true, primary: false },
    ]);
    expect(area.calls).toEqual([expect.objectContaining({ callee: 'helper', args: ['p.x'], binding: 'r', statementStart: null })]);
    const main = item(program, 'main').fn!;
    // origin() is nested in area's call: it is listed with the statement it sits in.
    expect(main.calls.map((c) => [c.callee, c.binding, c.statementStart !== null])).toEqual([['area', 'a', false], ['origin', null, true], ['println', null, false]]);
  });

  it('finds nested calls outside closures, loops and branches only', () => {
    const p = analyze({ 'main.mpl': 'fn f(n :: Int) -> Int do\n  n\nend\nfn main() do\n  println("${f(1)}")\n  List.map([1], fn(x) -> f(x) end)\n  if true do\n    f(2)\n  else\n    0\n  end\n  f(3) + 1\nend\n' });
    const main = item(p, 'main').fn!;
    expect(main.calls.filter((c) => c.callee === 'f').map((c) => c.args)).toEqual([['1'], ['3']]);
    expect(main.statements.map((s) => s.primary)).toEqual([true, true, false, false]);
  });

  it('gives no function view to a function defined by several clauses', () => {
    const multi = analyze({ 'main.mpl': 'fn f(0) = 1\nfn f(n) = n\nfn g(n :: Int) -> Int do\n  n\nend\n' });
    expect(multi.items.map((i) => i.fn?.name ?? null)).toEqual([null, null, 'g']);
  });

  it('attaches an impl block to its type and reads imports across files', () => {
    const p = analyze({
      'main.mpl': 'from Shapes import Box, size\n\nfn main() do\n  println("${size(Box { w: 1 })}")\nend\n',
      'shapes.mpl': 'pub struct Box do\n  w :: Int\nend\n\nimpl Display for Box do\n  fn to_string(self) -> String do\n    "box"\n  end\nend\n\npub fn size(b :: Box) -> Int do\n  b.w\nend\n',
    });
    expect(p.items.filter((i) => i.defines.includes('size')).map((i) => [i.path, i.kind])).toEqual([['main.mpl', 'import'], ['shapes.mpl', 'function']]);
    expect(p.items.find((i) => i.kind === 'impl')!.attachedTo).toBe('Box');
    expect(item(p, 'Box').kind).toBe('import');
    expect(p.items.filter((i) => i.entry).map((i) => i.path)).toEqual(['main.mpl']);
  });
});
