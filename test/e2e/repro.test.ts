import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFakeMeshc, type FakeMeshc, type FakeMeshcRules } from '../support/fake-meshc.js';
import { runCli as runMesherTriage } from '../support/cli.js';

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
  { scenario: 'compiler-panic', input: 'main.mpl', stage: 'compiler-crash', verdict: 'compiler', firstReason: /^compiler crash/, keeps: 'let (' },
  { scenario: 'llvm-verify', input: 'main.mpl', stage: 'llvm-verify', verdict: 'compiler', firstReason: /^failure after the front end accepted/, keeps: 'break' },
  { scenario: 'link-failure', input: 'main.mpl', stage: 'link', verdict: 'compiler', firstReason: /^failure after the front end accepted.*link/, keeps: 'String.reverse(' },
  { scenario: 'runtime-segfault', input: 'main.mpl', stage: 'runtime-crash', verdict: 'compiler', firstReason: /^runtime signal.*SIGSEGV/, keeps: 'List.map(' },
  { scenario: 'opt-level-differential', input: 'main.mpl', stage: 'ok', verdict: 'compiler', firstReason: /^output differs between optimisation levels/, keeps: '% 2 == 0' },
  { scenario: 'version-differential', input: 'main.mpl', stage: 'ok', verdict: 'compiler', firstReason: /^output differs between meshc versions/, keeps: 'String.slice(', baseline: true },
  { scenario: 'multi-module', input: '.', stage: 'compiler-crash', verdict: 'compiler', firstReason: /^compiler crash/, keeps: 'List.zip(', files: (n) => n === 1, flattened: true },
  { scenario: 'project-only', input: '.', stage: 'typecheck', verdict: 'compiler', firstReason: /module-system bug/, keeps: '.w', files: (n) => n >= 2, flattened: false },
  { scenario: 'app-panic', input: 'main.mpl', stage: 'runtime-panic', verdict: 'app', firstReason: /no arm matches/, keeps: 'case' },
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
    const rules = join(work, 'wrong-output.json');
    writeFileSync(rules, JSON.stringify({ rules: [{ when: { source: 'String\\.slice\\(' }, then: { run: { stdout: 'slice:\nhel\n' } } }] }));
    const expected = join(work, 'expected.txt');
    writeFileSync(expected, 'slice:\nhell\n');
    const result = await runCli(['repro', join(SCENARIOS, 'version-differential/main.mpl'), '--meshc', FAKE, '--expect-output', expected, '--no-journal', '--json'], { FAKE_MESHC_RULES: rules });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as ReproJson;
    expect(report.original.symptom.stage).toBe('wrong-output');
    expect(report.repro['main.mpl']).toContain('String.slice(');
    // No differential shows the compiler at fault: said plainly.
    expect(report.classification.verdict.class).toBe('undetermined');
    expect(report.classification.verdict.reasons[0]).toMatch(/no differential evidence/);
    expect(report.journal).toBeNull();
  }, 300_000);

  it('uses a custom --test script as the oracle (C-Reduce convention)', async () => {
    const script = join(work, 'still-zips.sh');
    writeFileSync(script, "#!/bin/sh\ngrep -rq --include='*.mpl' 'List.zip(' . || exit 1\n", { mode: 0o755 });
    const result = await runCli(['repro', join(SCENARIOS, 'multi-module'), '--meshc', FAKE, '--test', script, '--no-journal', '--json'], {
      FAKE_MESHC_RULES: join(SCENARIOS, 'multi-module/fake-meshc.rules.json'),
    });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as ReproJson;
    expect(report.oracle.kind).toBe('script');
    expect(Object.values(report.repro).join('\n')).toContain('List.zip(');
    expect(report.reduction.final.bytes).toBeLessThan(report.reduction.original.bytes);
    expect(readdirSync(tmpdir()).filter((d) => d.startsWith('mesher-triage-test-'))).toEqual([]);
  }, 300_000);
});
