import { describe, expect, it } from 'vitest';
import { reduceWith } from '../../../src/repro/index.js';
import { ExitCode, UserError, type Candidate, type Oracle } from '../../../src/types/index.js';
import { atoms, parseToy, toyPort } from './toy-syntax.js';

const single = (text: string): Candidate => new Map([['main.mpl', text]]);
const main = (c: Candidate): string => c.get('main.mpl') ?? '';

/** An in-memory oracle that records every candidate it was asked about. */
function predicateOracle(predicate: (c: Candidate) => boolean): Oracle & { seen: string[] } {
  const seen: string[] = [];
  const oracle = (async (c: Candidate) => {
    seen.push(JSON.stringify([...c.entries()].sort()));
    for (const [path, text] of c) if (path.endsWith('.mpl')) expect(parseToy(text).errorCount).toBe(0);
    return predicate(c) ? 'interesting' : 'boring';
  }) as Oracle & { seen: string[] };
  oracle.seen = seen;
  return oracle;
}

const PROGRAM = `; a toy program
(define helper (x y) (add x y))
(define unused (q) (mul q q q))
(define main () (print (call helper (bug 1 2) 3)) (log done))
(define other () (print nothing))
`;

const hasBugInsideCall = (c: Candidate): boolean => /\(call[^()]*\(bug\b/.test(main(c)) || /\(bug/.test(main(c)) && main(c).includes('call');

describe('reduceWith (toy language)', () => {
  it('shrinks to the failure-inducing core', async () => {
    const result = await reduceWith(single(PROGRAM), toyPort, { oracle: predicateOracle(hasBugInsideCall) });
    expect(hasBugInsideCall(result.best)).toBe(true);
    expect(atoms(main(result.best))).toEqual(['call', 'bug']);
    expect(result.final.tokens).toBeLessThan(result.original.tokens);
    expect(result.stoppedBy).toBeNull();
  });

  it('gives the identical result at jobs 1, 2 and 3', async () => {
    const runs = await Promise.all([1, 2, 3].map((jobs) => reduceWith(single(PROGRAM), toyPort, { oracle: predicateOracle(hasBugInsideCall), jobs })));
    expect(main(runs[1]!.best)).toBe(main(runs[0]!.best));
    expect(main(runs[2]!.best)).toBe(main(runs[0]!.best));
    expect(runs[1]!.passes.map((p) => [p.name, p.accepted])).toEqual(runs[0]!.passes.map((p) => [p.name, p.accepted]));
  });

  it('is deterministic even when speculative answers arrive out of order', async () => {
    let seed = 17;
    const jitter = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % 4);
    const slowOracle: Oracle = async (c) => {
      await new Promise((r) => setTimeout(r, jitter()));
      return hasBugInsideCall(c) ? 'interesting' : 'boring';
    };
    const sequential = await reduceWith(single(PROGRAM), toyPort, { oracle: predicateOracle(hasBugInsideCall), jobs: 1 });
    const parallel = await reduceWith(single(PROGRAM), toyPort, { oracle: slowOracle, jobs: 4 });
    expect(main(parallel.best)).toBe(main(sequential.best));
    expect(parallel.oracleCalls).toBeGreaterThanOrEqual(sequential.oracleCalls);
  });

  it('never asks the oracle twice about the same content, and never about unparsable text', async () => {
    const oracle = predicateOracle(hasBugInsideCall);
    const result = await reduceWith(single(PROGRAM), toyPort, { oracle });
    // The original is deliberately run twice (the flakiness check); everything else once.
    expect(oracle.seen.length).toBe(new Set(oracle.seen).size + 1);
    expect(result.oracleCalls).toBe(oracle.seen.length);
    expect(result.invalidRejected).toBeGreaterThan(0);
  });

  it('reports the bytes and tokens each pass removed', async () => {
    const result = await reduceWith(single(PROGRAM), toyPort, { oracle: predicateOracle(hasBugInsideCall) });
    const removed = result.passes.reduce((sum, p) => sum + p.tokensRemoved, 0);
    expect(removed).toBe(result.original.tokens - result.final.tokens);
    expect(result.passes.find((p) => p.name === 'comments')?.accepted).toBe(1);
  });

  it('calls onBest after every gain with strictly smaller candidates', async () => {
    const sizes: number[] = [];
    await reduceWith(single(PROGRAM), toyPort, {
      oracle: predicateOracle(hasBugInsideCall),
      onBest: (c) => {
        sizes.push(main(c).length);
      },
    });
    expect(sizes.length).toBeGreaterThan(2);
    for (let i = 1; i < sizes.length; i++) expect(sizes[i]!).toBeLessThanOrEqual(sizes[i - 1]!);
  });
});

describe('sanity checks on the original', () => {
  const expectUserError = async (promise: Promise<unknown>, code: number, pattern: RegExp): Promise<void> => {
    const error = await promise.then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(code);
    expect((error as UserError).message).toMatch(pattern);
  };

  it('rejects an original the test does not find interesting', async () => {
    await expectUserError(reduceWith(single(PROGRAM), toyPort, { oracle: async () => 'boring' }), ExitCode.NOT_REPRODUCIBLE, /original input is not interesting/);
  });

  it('says when the original timed out', async () => {
    const error = await reduceWith(single(PROGRAM), toyPort, { oracle: async () => 'timeout' }).catch((e: UserError) => e);
    expect((error as UserError).hint).toMatch(/--timeout/);
  });

  it('rejects a flaky test', async () => {
    let n = 0;
    await expectUserError(reduceWith(single(PROGRAM), toyPort, { oracle: async () => (n++ === 0 ? 'interesting' : 'boring') }), ExitCode.NOT_REPRODUCIBLE, /flaky/);
  });

  it('rejects a test that accepts the empty program', async () => {
    await expectUserError(reduceWith(single(PROGRAM), toyPort, { oracle: async () => 'interesting' }), ExitCode.NOT_REPRODUCIBLE, /empty program/);
  });

  it('adds the reproduce hint to the failed check', async () => {
    const error = (await reduceWith(single(PROGRAM), toyPort, { oracle: async () => 'boring', reproduceHint: (check) => `rerun ${check}` }).catch((e: unknown) => e)) as UserError;
    expect(error.hint).toContain('rerun original');
  });

  it('rejects an input that does not parse, before running anything', async () => {
    let calls = 0;
    await expectUserError(reduceWith(single('(define (oops'), toyPort, { oracle: async () => { calls++; return 'interesting'; } }), ExitCode.INPUT, /does not parse/);
    expect(calls).toBe(0);
  });
});

describe('budgets and interruption', () => {
  it('stops on abort and keeps an interesting best', async () => {
    const controller = new AbortController();
    let calls = 0;
    const result = await reduceWith(single(PROGRAM), toyPort, {
      signal: controller.signal,
      oracle: async (c) => {
        if (++calls === 8) controller.abort();
        return hasBugInsideCall(c) ? 'interesting' : 'boring';
      },
    });
    expect(result.stoppedBy).toBe('interrupt');
    expect(hasBugInsideCall(result.best)).toBe(true);
    expect(result.oracleCalls).toBeLessThanOrEqual(9);
  });

  it('honours a call budget', async () => {
    const result = await reduceWith(single(PROGRAM), toyPort, { oracle: predicateOracle(hasBugInsideCall), maxOracleCalls: 10 });
    expect(result.stoppedBy).toBe('call-limit');
    expect(result.oracleCalls).toBeLessThanOrEqual(10);
  });
});

describe('projects', () => {
  const project = (): Candidate =>
    new Map([
      ['main.mpl', '(define main () (run (helper)))\n'],
      ['lib/helper.mpl', '(define helper () (bug now))\n(define spare () (x))\n'],
      ['lib/unused.mpl', '(define unused () (y z))\n'],
      ['mesh.toml', 'name = "p"\n'],
    ]);
  const hasBug = (c: Candidate): boolean => [...c.values()].some((t) => /\(bug now\)/.test(t));

  it('keeps the flattened single file when the failure survives', async () => {
    const result = await reduceWith(project(), toyPort, { oracle: predicateOracle(hasBug) });
    expect(result.flattened).toBe(true);
    expect([...result.best.keys()].sort()).toEqual(['main.mpl', 'mesh.toml']);
    expect(main(result.best).trim()).toBe('(bug now)');
    expect(result.best.get('mesh.toml')).toBe('name = "p"\n');
  });

  it('reduces the project itself when the flattened form loses the failure', async () => {
    const needsFile = (c: Candidate): boolean => (c.get('lib/helper.mpl') ?? '').includes('(bug now)');
    const result = await reduceWith(project(), toyPort, { oracle: predicateOracle(needsFile) });
    expect(result.flattened).toBe(false);
    expect([...result.best.keys()].sort()).toEqual(['lib/helper.mpl', 'mesh.toml']);
    expect(result.best.get('lib/helper.mpl')!.trim()).toBe('(bug now)');
  });
});
