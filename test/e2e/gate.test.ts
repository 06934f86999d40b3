import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNATURE_VERSION, makeSignature } from '../../src/classify/index.js';
import { GAP_CATALOG, loadProbe, type Probe } from '../../src/gaps/index.js';
import { selectShard } from '../../src/gate/shard.js';
import type { KnownGap } from '../../src/types/index.js';
import { makeFakeMeshc, type FakeMeshc, type FakeRule } from '../support/fake-meshc.js';
import { catalogRules, changedRule, fixedRule, openRule, sampleFor } from './gate-rules.js';
import { FAKE_MESHC, NOBODY, RUNNING_AS_ROOT, runCli, unprivilegedTempDir } from '../support/cli.js';

// Spawns bin/ (needs `npx tsc -p .` first, as `npm test` does). meshc is fake-meshc, the
// TEST DOUBLE (docs/fake-meshc.md), with rules made from the probes themselves.
const ROOT = resolve(import.meta.dirname, '../..');
const APP = join(ROOT, 'test/e2e/fixtures/gate-app');
const APRIL_VERSION = '0.2.0-e2e';
/** Gaps the April double fixes although the journal (seeded from the catalog) says open. */
const APRIL_FIXES = ['middleware-untyped-param', 'nested-and'];
/** Recorded fixed in February; the "regression" double makes it fail again. */
const REGRESSED = 'list-find-case';
/** Recorded open in February; the "changed" double makes it fail another way. */
const CHANGED = 'trailing-pipe';

let work: string;
let probes: Probe[];
const fakes: FakeMeshc[] = [];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return runCli(args, { cwd: work, env: { MESHER_TRIAGE_JOURNAL: undefined, MESHC: undefined, FORCE_COLOR: '0', ...env } });
}

interface JsonResult {
  key: string;
  outcome: string;
  detail: string;
  suite: string;
  failed: boolean;
  workaroundSites: string[];
}
interface JsonReport {
  exitCode: number;
  compilerVersion: string;
  dialect: string;
  counts: Record<string, number>;
  results: JsonResult[];
}

const outcomes = (report: JsonReport): Record<string, string> => Object.fromEntries(report.results.map((r) => [r.key, r.outcome]));
const gapOf = (key: string): KnownGap => GAP_CATALOG.find((g) => g.key === key)!;

/**
 * A fake compiler for one dialect: every probe behaves as the catalog says for that dialect
 * (open → its `# open:` symptom, fixed → its `# fixed-output`), except the overrides.
 */
async function fakeFor(dialect: 'february' | 'april', overrides: Record<string, (p: Probe) => FakeRule> = {}, version = '0.1.0'): Promise<string> {
  const fake = await makeFakeMeshc(catalogRules(dialect, probes, overrides, version));
  fakes.push(fake);
  return fake.path;
}

const journalIn = (name: string): string => join(work, name, 'journal.db');
const xml = (path: string): Record<string, unknown> =>
  new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

interface Suite {
  name: string;
  tests: string;
  failures: string;
  errors: string;
  skipped: string;
  testcase: Array<{ name: string; failure?: { type: string; '#text'?: string } }> | { name: string };
}
const suitesOf = (doc: Record<string, unknown>): Suite[] => {
  const root = doc.testsuites as { testsuite: Suite | Suite[] };
  return Array.isArray(root.testsuite) ? root.testsuite : [root.testsuite];
};
const casesOf = (suite: Suite) => (Array.isArray(suite.testcase) ? suite.testcase : [suite.testcase]) as Array<{ name: string; failure?: { type: string } }>;

let february: string;
let april: string;
let broken: string;

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/cli/main.js'))) throw new Error('dist/ is missing: run `npx tsc -p .` before the e2e tests');
  work = mkdtempSync(join(tmpdir(), 'gate-e2e-'));
  const keys = GAP_CATALOG.filter((g) => g.probe !== undefined).map((g) => g.key);
  probes = await Promise.all(keys.map((k) => loadProbe(k)));
  february = await fakeFor('february');
  april = await fakeFor('april', Object.fromEntries(APRIL_FIXES.map((k) => [k, fixedRule])), APRIL_VERSION);
  broken = await fakeFor('february', { [REGRESSED]: openRule, [CHANGED]: changedRule });
});
afterAll(async () => {
  await Promise.all(fakes.map((f) => f.cleanup()));
  rmSync(work, { recursive: true, force: true });
});

describe('rules derived from the probes', () => {
  it('make a sample text that every probe\'s open pattern matches, and never its fixed output', () => {
    for (const probe of probes) {
      const sample = sampleFor(probe.openPattern);
      expect(new RegExp(probe.openPattern, 'im').test(sample), probe.key).toBe(true);
      expect(sample, probe.key).not.toBe(probe.expectedOutput.join('\n'));
    }
  });
  it('the scenarios use gaps the catalog records as the tests assume', () => {
    for (const key of APRIL_FIXES) expect(gapOf(key).status.april).toBe('open');
    expect(gapOf(REGRESSED).status.february).toBe('fixed');
    expect(gapOf(CHANGED).status.february).toBe('open');
  });
});

describe('mesher-triage gate (February double, gaps open as recorded)', () => {
  let run: Run;
  let report: JsonReport;
  beforeAll(async () => {
    run = await cli(['gate', '--meshc', february, '--journal', journalIn('feb'), '--jobs', '2', '--json', '--junit', 'feb/gate.xml', '--markdown', 'feb/gate.md', '--app', APP]);
    report = JSON.parse(run.stdout) as JsonReport;
  });

  it('passes with exit 0: every open gap still open, every fixed one still fixed', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(report.dialect).toBe('february');
    expect(report.results).toHaveLength(probes.length);
    for (const r of report.results) {
      const status = gapOf(r.key).status.february;
      const expected = status === 'open' ? 'still-open' : status === 'fixed' ? 'still-fixed' : 'skipped';
      expect(`${r.key}: ${r.outcome}`).toBe(`${r.key}: ${expected}`);
    }
  });

  it('writes JUnit XML whose counts match', () => {
    const doc = xml(join(work, 'feb/gate.xml'));
    const [suite] = suitesOf(doc);
    expect(suite!.name).toBe('known-gaps');
    expect(Number(suite!.tests)).toBe(probes.length);
    expect(Number(suite!.failures)).toBe(0);
    expect(Number(suite!.errors)).toBe(0);
    expect(Number(suite!.skipped)).toBe(report.counts.skipped);
    expect(report.counts.skipped).toBe(GAP_CATALOG.filter((g) => g.probe && g.status.february === 'not-applicable').length);
    expect(casesOf(suite!)).toHaveLength(probes.length);
  });

  it('writes a Markdown summary that says it passed', () => {
    const md = readFileSync(join(work, 'feb/gate.md'), 'utf8');
    expect(md).toMatch(/^## mesher-triage gate: passed/);
    expect(md).toContain('february dialect');
  });
});

describe('mesher-triage gate (April double that fixes some open gaps)', () => {
  let journal: string;
  let run: Run;
  beforeAll(async () => {
    journal = journalIn('april');
    // One strict run that also records the fixes (--update), checked from every side below.
    run = await cli(['gate', '--meshc', april, '--journal', journal, '--jobs', '2', '--update', '--junit', 'april/gate.xml', '--markdown', 'april/gate.md', '--app', APP]);
  });

  it('fails in strict mode (exit 1) and names the fix, the version and the workaround sites to unwind', () => {
    expect(run.code, run.stderr).toBe(1);
    const fixedLines = run.stdout.split('\n').filter((l) => /^✗ fixed /.test(l));
    expect(fixedLines.map((l) => l.split(/\s+/)[2]).sort()).toEqual([...APRIL_FIXES].sort());
    // --update has recorded the fixes: the message says so rather than asking for --update.
    const message = `gap middleware-untyped-param is fixed in ${APRIL_VERSION}: recorded in the journal; now unwind the workarounds at:`;
    const lines = run.stdout.split('\n');
    const at = lines.indexOf(message);
    expect(at, run.stdout).toBeGreaterThan(-1);
    expect(lines[at + 1]).toBe(`  ${APP}/main.mpl:5:10`);
    expect(lines[at + 2]).toBe(`  ${APP}/main.mpl:10:10`);
    expect(run.stdout).toContain(`gap nested-and is fixed in ${APRIL_VERSION}: recorded in the journal; now unwind the workarounds at:\n  (no workaround sites found)`);
    expect(run.stdout).not.toContain('run with --update');
    for (const key of APRIL_FIXES) expect(run.stdout).toContain(`  gap-fixed ${key} (${APRIL_VERSION})`);
  });

  it('JUnit counts the fixes as failures of type "fixed"', () => {
    const [suite] = suitesOf(xml(join(work, 'april/gate.xml')));
    expect(Number(suite!.tests)).toBe(probes.length);
    expect(Number(suite!.failures)).toBe(APRIL_FIXES.length);
    const failed = casesOf(suite!).filter((c) => c.failure !== undefined);
    expect(failed.map((c) => c.failure!.type)).toEqual(APRIL_FIXES.map(() => 'fixed'));
    expect(failed.map((c) => c.name.split(':')[0]).sort()).toEqual([...APRIL_FIXES].sort());
  });

  it('the Markdown names the workaround sites, and says the fixes are recorded', () => {
    const md = readFileSync(join(work, 'april/gate.md'), 'utf8');
    expect(md).toContain(`${APRIL_FIXES.length} need attention`);
    expect(md).toContain('The fixes are recorded in the journal');
    expect(md).not.toContain('Run `mesher-triage gate --update`');
    expect(md).toContain('### `middleware-untyped-param` is fixed: unwind the workarounds');
    expect(md).toContain(`- \`${APP}/main.mpl:5:10\``);
    expect(md).toContain(`- \`${APP}/main.mpl:10:10\``);
  });

  it('--no-strict only warns: exit 0; without --update the warning asks for it', async () => {
    // Only the shard holding a fix, to keep the suite fast.
    const index = [1, 2, 3].find((i) => selectShard(probes.map((p) => p.key), (k) => k, { index: i, count: 3 }).includes(APRIL_FIXES[0]!))!;
    const lenient = await cli(['gate', '--meshc', april, '--journal', journalIn('april-lenient'), '--jobs', '2', '--shard', `${index}/3`, '--no-strict']);
    expect(lenient.code, lenient.stderr).toBe(0);
    expect(lenient.stdout).toMatch(new RegExp(`^! fixed {2,}${APRIL_FIXES[0]} {2,}builds and prints the expected output$`, 'm'));
    expect(lenient.stdout).toContain(`warning: gap ${APRIL_FIXES[0]} is fixed in ${APRIL_VERSION}: run with --update, and unwind the workarounds at:`);
    expect(lenient.stdout).toMatch(/^gate passed/m);
  });

  it('--update recorded the fixes with the compiler version and date; the next run passes', async () => {
    const exported = await cli(['journal', 'export', '--format', 'json', '--journal', journal]);
    expect(exported.code, exported.stderr).toBe(0);
    const data = JSON.parse(exported.stdout) as {
      gaps: Array<{ key: string; dialects: Array<{ dialect: string; status: string; fixedIn: string | null; fixedOn: string | null }> }>;
      gapEvents: Array<{ key: string; dialect: string; kind: string; compilerVersion: string | null }>;
    };
    const days = [0, 1].map((d) => new Date(Date.now() - d * 86_400_000).toISOString().slice(0, 10));
    for (const key of APRIL_FIXES) {
      const record = data.gaps.find((g) => g.key === key)!.dialects.find((d) => d.dialect === 'april')!;
      expect(record).toMatchObject({ status: 'fixed', fixedIn: APRIL_VERSION });
      expect(days).toContain(record.fixedOn);
      expect(data.gapEvents.filter((e) => e.key === key && e.kind === 'fixed')).toEqual([expect.objectContaining({ dialect: 'april', compilerVersion: APRIL_VERSION })]);
    }

    const again = await cli(['gate', '--meshc', april, '--journal', journal, '--jobs', '2', '--json']);
    expect(again.code, again.stderr).toBe(0);
    const report = JSON.parse(again.stdout) as JsonReport;
    for (const key of APRIL_FIXES) expect(outcomes(report)[key]).toBe('still-fixed');
    expect(report.counts.fixed).toBe(0);
  });
});

describe('mesher-triage gate --shard (February double with a regression and a changed signature)', () => {
  const shards: Array<{ run: Run; report: JsonReport }> = [];
  beforeAll(async () => {
    for (const i of [1, 2, 3]) {
      const run = await cli(['gate', '--meshc', broken, '--journal', journalIn(`shard-${i}`), '--jobs', '2', '--shard', `${i}/3`, '--json', '--junit', `shard-${i}/gate.xml`]);
      shards.push({ run, report: JSON.parse(run.stdout) as JsonReport });
    }
  });

  it('shards 1/3, 2/3 and 3/3 together run every probe exactly once', () => {
    const seen = shards.flatMap((s) => s.report.results.map((r) => r.key));
    expect(seen.length).toBe(probes.length);
    expect([...seen].sort()).toEqual(probes.map((p) => p.key).sort());
    for (const s of shards) expect(s.report.results.length).toBeGreaterThan(0);
  });

  it('a probe recorded fixed that fails again is "regressed", one failing another way is "changed": exit 1 where they ran', () => {
    const keys = probes.map((p) => p.key);
    shards.forEach((s, i) => {
      const mine = selectShard(keys, (k) => k, { index: i + 1, count: 3 });
      expect(s.report.results.map((r) => r.key)).toEqual(mine);
      const bad = mine.filter((k) => k === REGRESSED || k === CHANGED);
      expect(s.run.code, s.run.stderr).toBe(bad.length > 0 ? 1 : 0);
      for (const r of s.report.results) {
        const expected = r.key === REGRESSED ? 'regressed' : r.key === CHANGED ? 'changed' : undefined;
        if (expected) expect(r.outcome).toBe(expected);
        else expect(['still-open', 'still-fixed', 'skipped']).toContain(r.outcome);
      }
      const [suite] = suitesOf(xml(join(work, `shard-${i + 1}/gate.xml`)));
      expect(Number(suite!.tests)).toBe(mine.length);
      expect(Number(suite!.failures)).toBe(bad.length);
      expect(casesOf(suite!).filter((c) => c.failure).map((c) => c.failure!.type).sort()).toEqual(
        bad.map((k) => (k === REGRESSED ? 'regressed' : 'changed')).sort(),
      );
    });
  });

  it('--update records the regression; then that shard passes as still-open', async () => {
    const index = shards.findIndex((s) => s.report.results.some((r) => r.key === REGRESSED)) + 1;
    const others = selectShard(probes.map((p) => p.key), (k) => k, { index, count: 3 });
    if (others.includes(CHANGED)) return; // both in one shard: the changed one keeps failing by design
    const journal = journalIn(`shard-${index}`);
    const update = await cli(['gate', '--meshc', broken, '--journal', journal, '--jobs', '2', '--shard', `${index}/3`, '--update', '--json']);
    expect(update.code, update.stderr).toBe(1);
    const exported = JSON.parse((await cli(['journal', 'export', '--format', 'json', '--journal', journal])).stdout) as {
      gaps: Array<{ key: string; dialects: Array<{ dialect: string; status: string; regressedIn: string | null }> }>;
    };
    const feb = exported.gaps.find((g) => g.key === REGRESSED)!.dialects.find((d) => d.dialect === 'february')!;
    expect(feb).toMatchObject({ status: 'open', regressedIn: '0.1.0' });
    const again = await cli(['gate', '--meshc', broken, '--journal', journal, '--jobs', '2', '--shard', `${index}/3`, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(outcomes(JSON.parse(again.stdout) as JsonReport)[REGRESSED]).toBe('still-open');
  });
});

describe('the shipped rules and the documented example (docs/gate.md)', () => {
  const SHIPPED = join(ROOT, 'test/support/fake-meshc-rules/gate-february.json');

  it('the shipped rules file is the catalog\'s February behaviour (regenerate with `npx vitest run test/e2e/gate.test.ts -u`)', async () => {
    await expect(`${JSON.stringify(catalogRules('february', probes), null, 2)}\n`).toMatchFileSnapshot(SHIPPED);
  });

  it('runs exactly as documented, from the repository root with a relative rules path, and passes', async () => {
    const doc = readFileSync(join(ROOT, 'docs/gate.md'), 'utf8');
    const documented = /^FAKE_MESHC_RULES=(\S+) node bin\/mesher-triage\.js (gate .+)$/m.exec(doc);
    expect(documented, 'docs/gate.md shows the fake-meshc example').not.toBeNull();
    const [, rules, command] = documented!;
    // As typed in a shell at the repository root (which sets PWD); the journal goes to a temp folder.
    const run = await runCli(command!.split(' '), {
      cwd: ROOT,
      env: { FAKE_MESHC_RULES: rules, PWD: ROOT, MESHER_TRIAGE_JOURNAL: journalIn('documented'), MESHC: undefined, FORCE_COLOR: '0' },
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^gate passed \(/m);
    // Columns stay apart whatever the widths: `still-fixed` is the widest outcome.
    expect(run.stdout).toMatch(/^ {2}still-fixed {2,}list-find-case {2,}prints the expected output$/m);
    expect(run.stdout).toMatch(/^ {2}skipped {6,}formatter-damage {2,}gap does not apply/m);
  });

  it('a rules file that is not there is named, with the fix, not taken for a compiler failure', async () => {
    const run = await runCli(['gate', '--meshc', 'test/support/fake-meshc', '--journal', journalIn('no-rules')], {
      cwd: ROOT,
      env: { FAKE_MESHC_RULES: 'test/support/fake-meshc-rules/no-such.json', PWD: ROOT, MESHC: undefined },
    });
    expect(run.code, run.stderr).toBe(5);
    expect(run.stderr).toContain('FAKE_MESHC_RULES=test/support/fake-meshc-rules/no-such.json is not a file: give an absolute path');
  });
});

describe('mesher-triage gate report files that cannot be written (as an unprivileged user)', () => {
  it('prints the table and the verdict first, then reports the file with exit 3 and a hint', async () => {
    const dir = await unprivilegedTempDir('gate-ro-');
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    if (RUNNING_AS_ROOT) chownSync(locked, NOBODY.uid, NOBODY.gid);
    chmodSync(locked, 0o555);
    const rules = join(ROOT, 'test/support/fake-meshc-rules/gate-february.json');
    try {
      for (const flag of ['--junit', '--markdown']) {
        const run = await runCli(['gate', '--meshc', FAKE_MESHC, '--journal', join(dir, 'journal.db'), '--shard', '1/20', flag, join(locked, 'report')], {
          cwd: dir,
          unprivileged: true,
          env: { FAKE_MESHC_RULES: rules, MESHC: undefined, MESHER_TRIAGE_JOURNAL: undefined },
        });
        expect(run.code, run.stderr).toBe(3);
        expect(run.stdout).toMatch(/^gate passed \(/m);
        expect(run.stderr).toContain(`error: cannot write the ${flag} report: ${join(locked, 'report')}: permission denied`);
        expect(run.stderr).toMatch(/^hint: the gate's result is printed above/m);
        expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('mesher-triage gate --help', () => {
  it('gives the timeouts in seconds, with the unit in the help', async () => {
    const run = await cli(['gate', '--help']);
    expect(run.stdout).toMatch(/--build-timeout <seconds>\s+per-build timeout, in seconds/);
    expect(run.stdout).toMatch(/--run-timeout <seconds>\s+per-run timeout, in seconds/);
  });
});

describe('mesher-triage gate setup and usage errors', () => {
  it('a missing compiler is a setup error (exit 5), reported in the JUnit file too', async () => {
    const run = await cli(['gate', '--meshc', join(work, 'no-such-meshc'), '--journal', journalIn('missing'), '--junit', 'missing/gate.xml']);
    expect(run.code, run.stderr).toBe(5);
    expect(run.stderr).toMatch(/^error: /m);
    const [suite] = suitesOf(xml(join(work, 'missing/gate.xml')));
    expect(Number(suite!.errors)).toBe(1);
  });

  it('MESHC names the compiler when --meshc is absent', async () => {
    const run = await cli(['gate', '--journal', journalIn('env'), '--shard', '1/20', '--json'], { MESHC: february });
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as JsonReport).results.length).toBeGreaterThan(0);
  });

  it.each([
    [['--shard', '4/3']],
    [['--jobs', '0']],
    [['--dialect', 'june']],
  ])('%j is a usage error (exit 2)', async (args) => {
    const run = await cli(['gate', '--meshc', february, '--journal', journalIn('usage'), ...args]);
    expect(run.code, run.stderr).toBe(2);
  });
});

describe('mesher-triage gate --all-bugs (open compiler bugs re-checked from their stored repros)', () => {
  // Three compiler crashes recorded in the journal; the "new" compiler still crashes on the
  // first, builds the second clean, and fails the third another way.
  const BUGS = [
    { marker: 'bug-still-open', message: 'index out of bounds: the len is 0 but the index is 0', now: 'still-open' },
    { marker: 'bug-now-fixed', message: 'called `Option::unwrap()` on a `None` value', now: 'fixed' },
    { marker: 'bug-now-changed', message: 'attempt to subtract with overflow', now: 'changed' },
  ] as const;
  let journal: string;
  let meshc: string;
  const ids: number[] = [];

  beforeAll(async () => {
    journal = journalIn('bugs');
    for (const bug of BUGS) {
      const dir = join(work, 'bugs-repro', bug.marker);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'main.mpl'), `# ${bug.marker}: a repro written for the gate e2e test\nfn main() do\n  println("ran")\nend\n`);
      writeFileSync(
        join(dir, 'reduce.json'),
        JSON.stringify({
          symptom: { stage: 'compiler-crash', code: '', message: bug.message, signature: makeSignature('compiler-crash', '', bug.message), signatureVersion: SIGNATURE_VERSION, generic: false },
          verdict: { class: 'compiler', confidence: 0.95, reasons: ['meshc panicked'] },
          compiler: { path: '/opt/old/meshc', version: '0.1.0', dialect: 'february' },
        }),
      );
      const added = await cli(['journal', 'add', dir, '--journal', journal, '--json']);
      expect(added.code, added.stderr).toBe(0);
      ids.push((JSON.parse(added.stdout) as { bugId: number }).bugId);
    }
    const rules: FakeRule[] = [
      { name: 'still crashes', when: { source: BUGS[0].marker }, then: { build: { kind: 'panic', message: BUGS[0].message } } },
      { name: 'crashes differently', when: { source: BUGS[2].marker }, then: { build: { kind: 'llvm-verify', text: 'PHI node entries do not match predecessors!\n' } } },
    ];
    const fake = await makeFakeMeshc({ dialect: 'february', version: '0.1.1-bugs', rules });
    fakes.push(fake);
    meshc = fake.path;
  });

  it('still-open / fixed / changed per bug, in the shard that holds it; --update marks the fixed one fixed', async () => {
    const keys = [...probes.map((p) => p.key), ...ids.map((id) => `bug-${id}`)];
    const count = 10;
    const shardOf = (key: string): number => [...Array(count).keys()].map((i) => i + 1).find((i) => selectShard(keys, (k) => k, { index: i, count }).includes(key))!;
    const shardsToRun = [...new Set(ids.map((id) => shardOf(`bug-${id}`)))];
    const seen: Record<string, string> = {};
    const details: Record<string, string> = {};
    for (const index of shardsToRun) {
      // No gap rules: the gap probes in these shards fail the gate too, so only the bug rows are asserted.
      const run = await cli(['gate', '--meshc', meshc, '--journal', journal, '--jobs', '2', '--all-bugs', '--shard', `${index}/${count}`, '--json']);
      const report = JSON.parse(run.stdout) as JsonReport;
      expect(run.code, run.stderr).toBe(1);
      for (const r of report.results.filter((r) => r.suite === 'open-bugs')) {
        seen[r.key] = r.outcome;
        details[r.key] = r.detail;
      }
    }
    expect(seen).toEqual(Object.fromEntries(BUGS.map((b, i) => [`bug-${ids[i]}`, b.now])));
    // A repro has no expected output to print: its row says what was checked.
    expect(details[`bug-${ids[1]}`]).toBe('the stored repro builds and runs clean');
    // Shards are computed from the same journal state (as parallel CI jobs see it), so record afterwards.
    const update = await cli(['gate', '--meshc', meshc, '--journal', journal, '--jobs', '2', '--all-bugs', '--update', '--shard', `${shardOf(`bug-${ids[1]}`)}/${count}`, '--json']);
    expect((JSON.parse(update.stdout) as { updates: unknown[] }).updates).toContainEqual({ kind: 'bug-fixed', key: `bug-${ids[1]}` });
    const shown = await cli(['journal', 'show', String(ids[1]), '--journal', journal, '--json']);
    expect(JSON.parse(shown.stdout)).toMatchObject({ status: 'fixed', fixedIn: '0.1.1-bugs' });
    const stillOpen = await cli(['journal', 'show', String(ids[0]), '--journal', journal, '--json']);
    expect(JSON.parse(stillOpen.stdout)).toMatchObject({ status: 'open' });
  });
});
