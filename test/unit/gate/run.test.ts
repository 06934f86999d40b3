import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseProbe, type Probe } from '../../../src/gaps/index.js';
import type { GateResult } from '../../../src/gate/report.js';
import {
  describeRun,
  gateExitCode,
  judgeRepro,
  mapLimit,
  plannedUpdates,
  runGate,
  type BugToCheck,
  type CheckRun,
  type GateDeps,
} from '../../../src/gate/run.js';
import { ExitCode, UserError, type GapStatus } from '../../../src/types/index.js';

const probeText = (key: string): string => `# gap: ${key}\n# open: llvm-verify — does not dominate\n# fixed-output: done\n\nfn main() do\n  println("done")\nend\n`;

type Behaviour = 'open' | 'fixed' | 'other' | 'setup-error';

const RUNS: Record<Exclude<Behaviour, 'setup-error'>, CheckRun> = {
  open: { observation: { stage: 'llvm-verify', text: 'Instruction does not dominate all uses!', stdout: '' }, signature: 'llvm-verify||instruction does not dominate all uses!', ms: 5 },
  fixed: { observation: { stage: 'ok', text: '', stdout: 'done\n' }, signature: 'ok||', ms: 5 },
  other: { observation: { stage: 'compiler-crash', text: 'index out of bounds', stdout: '' }, signature: 'compiler-crash||index out of bounds', ms: 5 },
};

interface World {
  recorded: Record<string, GapStatus | undefined>;
  behaviour: Record<string, Behaviour>;
  bugs?: BugToCheck[];
  sites?: Record<string, string[]>;
}

function depsFor(world: World, calls: { probes: string[]; scans: string[][] } = { probes: [], scans: [] }): GateDeps {
  const run = (key: string): CheckRun => {
    const b = world.behaviour[key] ?? 'open';
    if (b === 'setup-error') throw new UserError('cannot start meshc at /x/meshc (ENOENT)', ExitCode.SETUP);
    return RUNS[b];
  };
  return {
    compiler: { path: '/x/meshc', version: '0.9.0', dialect: 'april' },
    gaps: Object.keys(world.recorded).map((key) => ({ key, title: `title of ${key}` })),
    loadProbe: async (key) => parseProbe(probeText(key)),
    recordedStatus: (key) => world.recorded[key],
    runProbe: async (probe: Probe) => {
      calls.probes.push(probe.key);
      return run(probe.key);
    },
    runRepro: async (files) => run(files.get('main.mpl')!),
    openBugs: () => world.bugs ?? [],
    workaroundSites: async (keys) => {
      calls.scans.push([...keys]);
      return new Map(Object.entries(world.sites ?? {}).filter(([k]) => keys.includes(k)));
    },
  };
}

const byKey = (results: readonly GateResult[]): Record<string, string> => Object.fromEntries(results.map((r) => [r.key, r.outcome]));

describe('runGate', () => {
  it('combines each probe run with the recorded status, in key order', async () => {
    const world: World = {
      recorded: { 'b-open': 'open', 'a-fixed-now': 'open', 'c-changed': 'open', 'd-regressed': 'fixed', 'e-still-fixed': 'fixed' },
      behaviour: { 'b-open': 'open', 'a-fixed-now': 'fixed', 'c-changed': 'other', 'd-regressed': 'open', 'e-still-fixed': 'fixed' },
    };
    const summary = await runGate({ jobs: 2, allBugs: false, strict: true }, depsFor(world));
    expect(summary.results.map((r) => r.key)).toEqual(['a-fixed-now', 'b-open', 'c-changed', 'd-regressed', 'e-still-fixed']);
    expect(byKey(summary.results)).toEqual({
      'a-fixed-now': 'fixed',
      'b-open': 'still-open',
      'c-changed': 'changed',
      'd-regressed': 'regressed',
      'e-still-fixed': 'still-fixed',
    });
    expect(summary.results.find((r) => r.key === 'c-changed')!.detail).toContain('compiler-crash: index out of bounds');
    expect(gateExitCode(summary)).toBe(ExitCode.FINDINGS);
  });

  it('does not run probes of gaps that do not apply to the dialect', async () => {
    const calls = { probes: [] as string[], scans: [] as string[][] };
    const summary = await runGate({ jobs: 1, allBugs: false, strict: true }, depsFor({ recorded: { na: 'not-applicable', op: 'open' }, behaviour: {} }, calls));
    expect(byKey(summary.results)).toEqual({ na: 'skipped', op: 'still-open' });
    expect(calls.probes).toEqual(['op']);
    expect(gateExitCode(summary)).toBe(ExitCode.OK);
  });

  it('a compiler that cannot start, or a dialect the journal does not know, is an error row and exit 5', async () => {
    const summary = await runGate(
      { jobs: 2, allBugs: false, strict: true },
      depsFor({ recorded: { broken: 'open', unknown: undefined, fine: 'open' }, behaviour: { broken: 'setup-error' } }),
    );
    expect(byKey(summary.results)).toEqual({ broken: 'error', fine: 'still-open', unknown: 'error' });
    expect(summary.results.find((r) => r.key === 'broken')!.detail).toContain('ENOENT');
    expect(gateExitCode(summary)).toBe(ExitCode.SETUP);
  });

  it('lets bugs in mesher-triage itself through instead of hiding them in a row', async () => {
    const deps = depsFor({ recorded: { a: 'open' }, behaviour: {} });
    deps.runProbe = async () => {
      throw new TypeError('oops');
    };
    await expect(runGate({ jobs: 1, allBugs: false, strict: true }, deps)).rejects.toThrow(TypeError);
  });

  it('lists workaround sites for fixed gaps only, asking the scanner once', async () => {
    const calls = { probes: [] as string[], scans: [] as string[][] };
    const world: World = {
      recorded: { fx: 'open', op: 'open', rg: 'fixed' },
      behaviour: { fx: 'fixed', op: 'open', rg: 'other' },
      sites: { fx: ['app/main.mpl:3:5'], op: ['app/main.mpl:9:1'] },
    };
    const summary = await runGate({ jobs: 2, allBugs: false, strict: true }, depsFor(world, calls));
    expect(calls.scans).toEqual([['fx']]);
    expect(summary.results.find((r) => r.key === 'fx')!.workaroundSites).toEqual(['app/main.mpl:3:5']);
    expect(summary.results.find((r) => r.key === 'op')!.workaroundSites).toEqual([]);
  });

  it('never asks the scanner when nothing is fixed', async () => {
    const calls = { probes: [] as string[], scans: [] as string[][] };
    await runGate({ jobs: 2, allBugs: false, strict: true }, depsFor({ recorded: { a: 'open' }, behaviour: {} }, calls));
    expect(calls.scans).toEqual([]);
  });

  it('a clean fix fails only in strict mode', async () => {
    const world: World = { recorded: { a: 'open' }, behaviour: { a: 'fixed' } };
    expect(gateExitCode(await runGate({ jobs: 1, allBugs: false, strict: true }, depsFor(world)))).toBe(ExitCode.FINDINGS);
    expect(gateExitCode(await runGate({ jobs: 1, allBugs: false, strict: false }, depsFor(world)))).toBe(ExitCode.OK);
  });

  it('re-checks open bugs only with allBugs, glacier-style', async () => {
    const bug = (id: number, behaviour: string, stage: BugToCheck['stage'] = 'llvm-verify'): BugToCheck => ({
      id,
      title: `bug ${id}`,
      stage,
      signature: RUNS.open.signature,
      files: new Map([['main.mpl', behaviour]]),
    });
    const world: World = {
      recorded: { gap: 'open', open: 'open', fixed: 'open', other: 'open' },
      behaviour: { gap: 'open', open: 'open', fixed: 'fixed', other: 'other' },
      bugs: [bug(1, 'open'), bug(2, 'fixed'), bug(3, 'other'), bug(4, 'open', 'wrong-output'), { ...bug(5, 'open'), files: new Map() }],
    };
    const without = await runGate({ jobs: 2, allBugs: false, strict: true }, depsFor(world));
    expect(without.results.some((r) => r.suite === 'open-bugs')).toBe(false);
    const withBugs = await runGate({ jobs: 2, allBugs: true, strict: true }, depsFor(world));
    const bugs = withBugs.results.filter((r) => r.suite === 'open-bugs');
    expect(byKey(bugs)).toEqual({ 'bug-1': 'still-open', 'bug-2': 'fixed', 'bug-3': 'changed', 'bug-4': 'skipped', 'bug-5': 'skipped' });
    expect(plannedUpdates(withBugs).filter((u) => u.kind === 'bug-fixed')).toEqual([{ kind: 'bug-fixed', key: 'bug-2' }]);
  });

  it('shards split probes and bugs so that every check runs exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.stringMatching(/^[a-z]{1,6}$/), { minLength: 1, maxLength: 25 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 99 }), { maxLength: 6 }),
        fc.integer({ min: 1, max: 6 }),
        async (keys, bugIds, count) => {
          const world: World = {
            recorded: Object.fromEntries(keys.map((k) => [k, 'open' as const])),
            behaviour: {},
            bugs: bugIds.map((id) => ({ id, title: '', stage: 'llvm-verify' as const, signature: RUNS.open.signature, files: new Map([['main.mpl', 'open']]) })),
          };
          const seen: string[] = [];
          for (let index = 1; index <= count; index++) {
            const summary = await runGate({ jobs: 3, allBugs: true, strict: true, shard: { index, count } }, depsFor(world));
            seen.push(...summary.results.map((r) => r.key));
          }
          expect(seen.sort()).toEqual([...keys, ...bugIds.map((id) => `bug-${id}`)].sort());
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('plannedUpdates', () => {
  it('records fixes and regressions of gaps, never changed signatures', async () => {
    const world: World = { recorded: { f: 'open', r: 'fixed', c: 'open', s: 'open' }, behaviour: { f: 'fixed', r: 'open', c: 'other', s: 'open' } };
    const summary = await runGate({ jobs: 2, allBugs: false, strict: true }, depsFor(world));
    expect(plannedUpdates(summary)).toEqual([
      { kind: 'gap-fixed', key: 'f' },
      { kind: 'gap-regressed', key: 'r' },
    ]);
  });
});

describe('judgeRepro', () => {
  it('same signature → still-open; clean → fixed; otherwise changed', () => {
    expect(judgeRepro(RUNS.open.signature, RUNS.open)).toBe('still-open');
    expect(judgeRepro(RUNS.open.signature, RUNS.fixed)).toBe('fixed');
    expect(judgeRepro(RUNS.open.signature, RUNS.other)).toBe('changed');
  });
});

describe('describeRun', () => {
  it('says what a failing run printed first, or what a clean run printed', () => {
    expect(describeRun({ stage: 'parse', text: '\nParse error: expected expression\nmore', stdout: '' })).toBe('parse: Parse error: expected expression');
    expect(describeRun({ stage: 'ok', text: '', stdout: 'a\nb\n' })).toBe('ran, printed "a / b"');
    expect(describeRun({ stage: 'hang', text: '', stdout: '' })).toBe('ran until the timeout, printed nothing');
  });
});

describe('mapLimit', () => {
  it('keeps the input order and never runs more than the limit at once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 30 }), fc.integer({ min: 1, max: 5 }), async (delays, limit) => {
        let active = 0;
        let peak = 0;
        const out = await mapLimit(delays, limit, async (d) => {
          active++;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, d));
          active--;
          return d * 2;
        });
        expect(out).toEqual(delays.map((d) => d * 2));
        expect(peak).toBeLessThanOrEqual(limit);
      }),
      { numRuns: 30 },
    );
  });
});

describe('shards over the real gap catalog', () => {
  it('1/n … n/n together check every probe of the catalog exactly once', async () => {
    const { GAP_CATALOG } = await import('../../../src/gaps/index.js');
    const keys = GAP_CATALOG.filter((g) => g.probe !== undefined).map((g) => g.key);
    expect(keys.length).toBeGreaterThan(10);
    for (const count of [1, 2, 3, 4, 7]) {
      const seen: string[] = [];
      for (let index = 1; index <= count; index++) {
        const world: World = { recorded: Object.fromEntries(keys.map((k) => [k, 'open' as const])), behaviour: {} };
        const summary = await runGate({ jobs: 2, allBugs: false, strict: true, shard: { index, count } }, depsFor(world));
        seen.push(...summary.results.map((r) => r.key));
      }
      expect(seen.sort()).toEqual([...keys].sort());
    }
  });
});
