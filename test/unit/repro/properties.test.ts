import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { reduceWith } from '../../../src/repro/index.js';
import { preorder } from '../../../src/repro/tree.js';
import type { Candidate, OracleOutcome } from '../../../src/types/index.js';
import { atoms, parseToy, toyPort } from './toy-syntax.js';

type Tree = string | Tree[];
const render = (t: Tree): string => (typeof t === 'string' ? t : `(${t.map(render).join(' ')})`);

const atomArb = fc.constantFrom('a1', 'b2', 'c3', 'dd', 'ee', 'ff', 'gg', 'x');
const treeArb: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, atomArb, fc.array(tie('tree'), { minLength: 0, maxLength: 4 })),
})).tree;
const programArb = fc.array(treeArb, { minLength: 1, maxLength: 5 }).map((items) => items.map(render).join('\n') + '\n');

/** A predicate family that ignores whitespace and the names of atoms it does not mention. */
type Predicate = (text: string) => boolean;
function predicateFor(program: string, pick: number, kind: number): Predicate | null {
  const present = [...new Set(atoms(program))];
  if (present.length === 0) return null;
  const a = present[pick % present.length]!;
  const b = present[(pick + 1) % present.length]!;
  const count = (text: string, name: string): number => atoms(text).filter((x) => x === name).length;
  switch (kind % 3) {
    case 0:
      return (t) => count(t, a) >= 1 && count(t, b) >= 1;
    case 1:
      return (t) => count(t, a) >= Math.min(2, count(program, a));
    default:
      // `a` directly inside a list that also holds `b` somewhere below it.
      return (t) => {
        const { root } = parseToy(t);
        return preorder(root).some(({ node }) => node.type === 'list' && node.children.some((c) => t.slice(c.start, c.end) === a) && atoms(t.slice(node.start, node.end)).filter((x) => x === b).length >= (a === b ? 2 : 1));
      };
  }
}

const single = (text: string): Candidate => new Map([['main.mpl', text]]);

describe('reducer properties (toy language, random programs and predicates)', () => {
  it('never grows, ends interesting, is 1-minimal, and is the same at jobs 1 and 2', async () => {
    await fc.assert(
      fc.asyncProperty(programArb, fc.nat(), fc.nat(), async (program, pick, kind) => {
        const predicate = predicateFor(program, pick, kind);
        fc.pre(predicate !== null && predicate(program));
        const oracle = async (c: Candidate): Promise<OracleOutcome> => (predicate!(c.get('main.mpl')!) ? 'interesting' : 'boring');
        const one = await reduceWith(single(program), toyPort, { oracle, jobs: 1 });
        const two = await reduceWith(single(program), toyPort, { oracle, jobs: 2 });
        const best = one.best.get('main.mpl')!;
        expect(two.best.get('main.mpl')).toBe(best);
        expect(one.final.tokens).toBeLessThanOrEqual(one.original.tokens);
        expect(one.final.bytes).toBeLessThanOrEqual(one.original.bytes);
        expect(predicate!(best)).toBe(true);
        expect(parseToy(best).errorCount).toBe(0);
        // 1-minimal: deleting any single node (that still parses) loses the failure.
        for (const { node, parent } of preorder(parseToy(best).root)) {
          if (!parent || !node.named) continue;
          const without = best.slice(0, node.start) + best.slice(node.end);
          if (parseToy(without).errorCount === 0) expect(predicate!(without)).toBe(false);
        }
      }),
      { numRuns: 150, seed: 4242 },
    );
  });

  it('terminates within a bounded number of oracle calls on always-interesting-but-nonempty tests', async () => {
    await fc.assert(
      fc.asyncProperty(programArb, async (program) => {
        fc.pre(atoms(program).length > 0);
        const result = await reduceWith(single(program), toyPort, { oracle: async (c) => (atoms(c.get('main.mpl')!).length > 0 ? 'interesting' : 'boring') });
        expect(atoms(result.best.get('main.mpl')!).length).toBe(1);
        expect(result.oracleCalls).toBeLessThan(10 * (atoms(program).length + 10));
      }),
      { numRuns: 60, seed: 7 },
    );
  });
});
