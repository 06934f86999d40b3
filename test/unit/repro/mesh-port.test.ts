import { describe, expect, it } from 'vitest';
import { flattenCandidate, meshPort, reduce } from '../../../src/repro/index.js';
import type { Candidate } from '../../../src/types/index.js';

const PROGRAM = `# written for the reducer's grammar test
struct Box do
  value :: Int
end

fn helper(n :: Int) -> Int do
  n + 1
end

fn main() do
  let b = Box { value: 3 }
  let xs = [1, 2, 3]
  let found = List.find(xs, fn(x) -> x > helper(b.value) end)
  case found do
    Some(v) -> println("\${v}")
    None -> println("none")
  end
end
`;

describe('the tree-sitter-mesh port', () => {
  it('parses Mesh and knows the substitution families', () => {
    const parsed = meshPort.parse(PROGRAM, 'main.mpl');
    expect(parsed.errorCount).toBe(0);
    expect(meshPort.familyOf('call_expression')).toBe('expression');
    expect(meshPort.familyOf('function_definition')).toBe('item');
    expect(meshPort.minimalForms('binary_expression')).toEqual(['0']);
    expect(meshPort.parse('fn main( do\n', 'main.mpl').errorCount).toBeGreaterThan(0);
  });

  it('offers a string with its interpolation delimiters dropped, keeping the text', () => {
    expect(meshPort.textForms!('string', '"ok: ${Limiter.check(a)} and #{n}"')).toEqual(['"ok: Limiter.check(a) and n"']);
    expect(meshPort.parse('"ok: Limiter.check(a) and n"\n', 'main.mpl').errorCount).toBe(0);
    expect(meshPort.textForms!('string', '"plain"')).toEqual([]);
    expect(meshPort.textForms!('string', '"nested ${f("x")}"')).toEqual(['"nested f(\\"x\\")"']);
    expect(meshPort.parse('"nested f(\\"x\\")"\n', 'main.mpl').errorCount).toBe(0);
    expect(meshPort.textForms!('string', '"deep ${f("\\n")}"')).toEqual([]);
    expect(meshPort.textForms!('call_expression', 'f("${a}")')).toEqual([]);
  });

  it('reduces a real Mesh program with an in-memory oracle, every candidate parsing', async () => {
    const oracle = async (c: Candidate) => {
      const text = c.get('main.mpl')!;
      expect(meshPort.parse(text, 'main.mpl').errorCount).toBe(0);
      return /case found do/.test(text) && /Some\(/.test(text) ? ('interesting' as const) : ('boring' as const);
    };
    const result = await reduce(new Map([['main.mpl', PROGRAM]]), { oracle, jobs: 2 });
    const best = result.best.get('main.mpl')!;
    expect(best).toMatch(/case found do/);
    expect(best).toMatch(/Some\(/);
    expect(result.final.tokens).toBeLessThan(15);
    expect(best).not.toMatch(/struct|helper|List\.find/);
  });

  it('flattens a two-module project into one file that parses', () => {
    const project: Candidate = new Map([
      ['main.mpl', 'from Util import twice\n\nfn main() do\n  println("${twice(2)}")\nend\n'],
      ['util.mpl', 'pub fn twice(n :: Int) -> Int do\n  n * 2\nend\n'],
    ]);
    const flat = flattenCandidate(project);
    expect(flat).not.toBeNull();
    expect(meshPort.parse(flat!, 'main.mpl').errorCount).toBe(0);
    expect(flat).toMatch(/fn main/);
    expect(flat).not.toMatch(/^from /m);
  });
});
