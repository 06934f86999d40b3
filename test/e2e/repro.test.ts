import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFakeMeshc, type FakeMeshc, type FakeMeshcRules } from '../support/fake-meshc.js';
import { runCli as runMesherTriage, unprivilegedTempDir } from '../support/cli.js';

/**
 * `mesher-triage repro` end to end on every scenario of fixtures/mesh/scenarios/, against
 * fake-meshc (the meshc TEST DOUBLE, driven by each scenario's fake-meshc.rules.json).
 */
const ROOT = resolve(import.meta.dirname, '../..');
const FAKE = join(ROOT, 'test/support/fake-meshc');
const SCENARIOS = join(ROOT, 'fixtures/mesh/scenarios');

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return runMesherTriage(args, { env });
}

interface ReproJson {
  original: { symptom: { stage: string } };
  oracle: { kind: string };
  reduction: { original: { bytes: number; files: number }; final: { bytes: number; files: number }; flattened: boolean };
  repro: Record<string, string>;
  classification: { symptom: { stage: string }; verdict: { class: string; reasons: string[]; gapKey?: string } };
  journal: { bugId: number; isNew: boolean } | null;
}

interface Case {
  scenario: string;
  /** File or directory inside the scenario folder. */
  input: string;
  stage: string;
  verdict: string;
  firstReason: RegExp;
  /** Text the minimal repro must still contain. */
  keeps: string;
  files?: (n: number) => boolean;
  flattened?: boolean;
  gapKey?: string;
  baseline?: boolean;
}

const cases: Case[] = [
  { scenario: 'compiler-panic', input: 'main.mpl', stage: 'compiler-crash', verdict: 'compiler', firstReason: /^compiler crash/, keeps: 'for ' },
  { scenario: 'llvm-verify', input: 'main.mpl', stage: 'llvm-verify', verdict: 'compiler', firstReason: /^failure after the front end accepted/, keeps: 'break' },
  { scenario: 'link-failure', input: 'main.mpl', stage: 'link', verdict: 'compiler', firstReason: /^failure after the front end accepted.*link/, keeps: 'actor mesh_gc_collect' },
  { scenario: 'runtime-segfault', input: 'main.mpl', stage: 'runtime-crash', verdict: 'compiler', firstReason: /^runtime signal.*SIGSEGV/, keeps: 'List.head(' },
  { scenario: 'opt-level-differential', input: 'main.mpl', stage: 'runtime-crash', verdict: 'known-gap', firstReason: /^known gap 'loop-let-stack'/, keeps: 'let ', gapKey: 'loop-let-stack' },
  { scenario: 'version-differential', input: 'main.mpl', stage: 'ok', verdict: 'compiler', firstReason: /^output differs between meshc versions/, keeps: 'List.head(', baseline: true },
  { scenario: 'multi-module', input: '.', stage: 'compiler-crash', verdict: 'known-gap', firstReason: /^known gap 'collect-to-string'/, keeps: '.to_string()', files: (n) => n === 1, flattened: true, gapKey: 'collect-to-string' },
  { scenario: 'project-only', input: '.', stage: 'runtime-crash', verdict: 'compiler', firstReason: /^runtime signal.*SIGSEGV/, keeps: 'actor worker(', files: (n) => n >= 2, flattened: false },
  { scenario: 'app-panic', input: 'main.mpl', stage: 'runtime-panic', verdict: 'app', firstReason: /no arm matches/, keeps: '= fn ' },
  { scenario: 'app-type-error', input: 'main.mpl', stage: 'typecheck', verdict: 'app', firstReason: /type checker rejected.*E0001/, keeps: ':: Int = "' },
  { scenario: 'known-gap', input: 'main.mpl', stage: 'llvm-verify', verdict: 'known-gap', firstReason: /^known gap 'nested-and'/, keeps: '&&', gapKey: 'nested-and' },
];

let work: string;
const baselines: FakeMeshc[] = [];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'repro-e2e-'));
});
afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  for (const b of baselines) await b.cleanup();
});

describe('mesher-triage repro on the scenarios (fake-meshc test double)', () => {
  it.concurrent.each(cases)('$scenario → $verdict', async (c) => {
    const dir = join(SCENARIOS, c.scenario);
    const out = join(work, `${c.scenario}-out`);
    const journal = join(work, `${c.scenario}.db`);
    // Tests already run concurrently; one oracle call in flight per run wastes no speculation
    // (the reducer gives the same result at any --jobs). multi-module exercises --jobs 2.
    const jobs = c.scenario === 'multi-module' ? '2' : '1';
    const args = ['repro', join(dir, c.input), '--meshc', FAKE, '--jobs', jobs, '--out', out, '--json'];
    if (c.baseline) {
      const rules = JSON.parse(readFileSync(join(dir, 'fake-meshc.baseline.rules.json'), 'utf8')) as FakeMeshcRules;
      const baseline = await makeFakeMeshc(rules);
      baselines.push(baseline);
      args.push('--baseline-meshc', baseline.path);
    }
    const result = await runCli(args, { FAKE_MESHC_RULES: join(dir, 'fake-meshc.rules.json'), MESHER_TRIAGE_JOURNAL: journal });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as ReproJson;

    expect(report.original.symptom.stage).toBe(c.stage);
    expect(report.classification.verdict.class).toBe(c.verdict);
    expect(report.classification.verdict.reasons[0]).toMatch(c.firstReason);
    if (c.gapKey) expect(report.classification.verdict.gapKey).toBe(c.gapKey);

    // A minimal repro: smaller, still showing the trigger, in the expected number of files.
    expect(report.reduction.final.bytes).toBeLessThan(report.reduction.original.bytes);
    const files = Object.keys(report.repro).filter((f) => f.endsWith('.mpl'));
    expect(Object.values(report.repro).join('\n')).toContain(c.keeps);
    expect(c.files ? c.files(files.length) : files.length === 1).toBe(true);
    if (c.flattened !== undefined) expect(report.reduction.flattened).toBe(c.flattened);
    if (c.flattened) expect(files).toEqual(['main.mpl']);

    // Saved with --out, and recorded in the journal.
    for (const f of files) expect(readFileSync(join(out, f), 'utf8')).toBe(report.repro[f]);
    expect(report.journal?.bugId).toBeGreaterThan(0);
    expect(report.journal?.isNew).toBe(true);
    expect(existsSync(journal)).toBe(true);
  }, 600_000);

  it('says so and exits 4 (NOT_REPRODUCIBLE) when the original does not fail', async () => {
    const rules = join(work, 'no-rules.json');
    writeFileSync(rules, JSON.stringify({ dialect: 'february', rules: [] }));
    const result = await runCli(['repro', join(SCENARIOS, 'app-type-error/main.mpl'), '--meshc', FAKE], { FAKE_MESHC_RULES: rules, MESHER_TRIAGE_JOURNAL: join(work, 'none.db') });
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/error: the original does not fail/);
    expect(result.stderr).toMatch(/hint: .*--expect-output/);
    expect(result.stdout).toBe('');
  }, 120_000);

  it('reduces a wrong-output bug with --expect-output and keeps the wrong line', async () => {
    const dir = join(SCENARIOS, 'wrong-output');
    const result = await runCli(['repro', join(dir, 'main.mpl'), '--meshc', FAKE, '--expect-output', join(dir, 'expected-output.txt'), '--no-journal', '--json'], {
      FAKE_MESHC_RULES: join(dir, 'fake-meshc.rules.json'),
    });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as ReproJson;
    expect(report.original.symptom.stage).toBe('wrong-output');
    expect(report.repro['main.mpl']).toContain('List.find(');
    // No differential shows the compiler at fault: said plainly.
    expect(report.classification.verdict.class).toBe('undetermined');
    expect(report.classification.verdict.reasons[0]).toMatch(/no differential evidence/);
    expect(report.journal).toBeNull();
  }, 300_000);

  it('uses a custom --test script as the oracle (C-Reduce convention)', async () => {
    const script = join(work, 'still-to-string.sh');
    writeFileSync(script, "#!/bin/sh\ngrep -rq --include='*.mpl' 'to_string()' . || exit 1\n", { mode: 0o755 });
    const result = await runCli(['repro', join(SCENARIOS, 'multi-module'), '--meshc', FAKE, '--test', script, '--no-journal', '--json'], {
      FAKE_MESHC_RULES: join(SCENARIOS, 'multi-module/fake-meshc.rules.json'),
    });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as ReproJson;
    expect(report.oracle.kind).toBe('script');
    expect(Object.values(report.repro).join('\n')).toContain('to_string()');
    expect(report.reduction.final.bytes).toBeLessThan(report.reduction.original.bytes);
    expect(readdirSync(tmpdir()).filter((d) => d.startsWith('mesher-triage-test-'))).toEqual([]);
  }, 300_000);
});

describe('mesher-triage repro: the output folder and the journal', () => {
  const rulesOf = (scenario: string): string => join(SCENARIOS, scenario, 'fake-meshc.rules.json');

  it('refuses an --out that overlaps the input or holds other files (exit 2), and reuses its own', async () => {
    const project = join(work, 'own-input');
    cpSync(join(SCENARIOS, 'compiler-panic'), project, { recursive: true });
    const original = readFileSync(join(project, 'main.mpl'), 'utf8');
    const env = { FAKE_MESHC_RULES: rulesOf('compiler-panic') };
    const foreign = join(work, 'foreign-out');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'notes.txt'), 'mine');
    for (const [input, out, message] of [
      [project, project, /would overwrite the input/],
      [project, join(project, 'sub'), /would overwrite the input/],
      [join(project, 'main.mpl'), project, /would overwrite the input/],
      [join(project, 'main.mpl'), foreign, /not empty.*--force|--force/s],
    ] as const) {
      const r = await runCli(['repro', input, '--meshc', FAKE, '--out', out, '--no-journal'], env);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
    expect(readFileSync(join(project, 'main.mpl'), 'utf8')).toBe(original);
    expect(readdirSync(project).sort()).toEqual(['fake-meshc.rules.json', 'main.mpl']);
    expect(readdirSync(foreign)).toEqual(['notes.txt']);

    // A folder an earlier repro wrote (it holds repro.json) is written again; timeouts are
    // seconds, fractions allowed.
    const out = join(work, 'own-out');
    mkdirSync(out);
    writeFileSync(join(out, 'repro.json'), '{}');
    writeFileSync(join(out, 'main.mpl'), 'fn main() do\nend\n');
    const r = await runCli(['repro', join(project, 'main.mpl'), '--meshc', FAKE, '--out', out, '--no-journal', '--json', '--timeout', '30', '--run-timeout', '0.5'], env);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as ReproJson;
    expect(readFileSync(join(out, 'main.mpl'), 'utf8')).toBe(report.repro['main.mpl']);
    expect(JSON.parse(readFileSync(join(out, 'repro.json'), 'utf8'))).toEqual(report);
  }, 120_000);

  it('prints a finished repro, then exits 6 with a hint when the journal cannot be written (read-only folder)', async () => {
    const dir = await unprivilegedTempDir('repro-ro-');
    chmodSync(dir, 0o555);
    try {
      const r = await runMesherTriage(['repro', join(SCENARIOS, 'compiler-panic/main.mpl'), '--meshc', FAKE], {
        cwd: dir,
        unprivileged: true,
        env: { FAKE_MESHC_RULES: rulesOf('compiler-panic'), MESHER_TRIAGE_JOURNAL: undefined },
      });
      expect(r.code, r.stderr).toBe(6);
      expect(r.stdout).toMatch(/^--- main\.mpl ---\n.*for /ms);
      expect(r.stdout).toMatch(/^verdict: +compiler bug/m);
      expect(r.stderr).toMatch(/^error: the repro was not recorded in the journal: .*permission denied/m);
      expect(r.stderr).toMatch(/^hint: .*the repro is on stdout/m);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    } finally {
      chmodSync(dir, 0o755);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('keeps the repro elsewhere and exits 3 when --out stops being writable during the run', async () => {
    const dir = await unprivilegedTempDir('repro-out-');
    const out = join(dir, 'out');
    // The test script locks --out on its first run, after repro checked that it could write there.
    const script = join(dir, 'lock-out.sh');
    writeFileSync(script, `#!/bin/sh\nchmod 555 '${out}'\ngrep -q 'for ' main.mpl\n`, { mode: 0o755 });
    let kept: string | null = null;
    try {
      const r = await runMesherTriage(['repro', join(SCENARIOS, 'compiler-panic/main.mpl'), '--meshc', FAKE, '--test', script, '--out', out, '--no-journal', '--json'], {
        cwd: dir,
        unprivileged: true,
        env: { FAKE_MESHC_RULES: rulesOf('compiler-panic') },
      });
      expect(r.code, r.stderr).toBe(3);
      const report = JSON.parse(r.stdout) as ReproJson & { out: string | null };
      expect(report.repro['main.mpl']).toContain('for ');
      kept = report.out;
      expect(kept).not.toBe(out);
      expect(readFileSync(join(kept!, 'main.mpl'), 'utf8')).toBe(report.repro['main.mpl']);
      expect(r.stderr).toMatch(new RegExp(`^error: cannot write the output folder ${out}: .*permission denied`, 'm'));
      expect(r.stderr).toContain(`hint: the result was saved in ${kept} instead`);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    } finally {
      chmodSync(dir, 0o755);
      if (existsSync(out)) chmodSync(out, 0o755);
      rmSync(dir, { recursive: true, force: true });
      if (kept) rmSync(kept, { recursive: true, force: true });
    }
  }, 120_000);
});
