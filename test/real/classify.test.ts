/**
 * classify/repro against a REAL meshc (named by MESHC; run with `npm run test:real`; skipped
 * otherwise): every scenario of fixtures/mesh/scenarios/ (each is a real bug of at least one
 * compiler; the expectations depend on the compiler's dialect) and a few small programs.
 * Every Mesh program here was written for this suite.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASELINE_MESHC, BUILD_TIMEOUT_MS, REAL_ENABLED, REAL_MESHC } from './real-meshc.js';
import { runCli as runMesherTriage, type CliResult } from '../support/cli.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SCENARIOS = join(ROOT, 'fixtures/mesh/scenarios');

function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runMesherTriage([...args, '--timeout', String(BUILD_TIMEOUT_MS / 1000)], { env: { MESHC_BASELINE: '', ...env } });
}

interface ClassifyJson {
  compiler: { dialect: string };
  symptom: { stage: string; code: string; generic: boolean; message: string };
  differentials: Array<{ kind: string; differs: boolean }>;
  verdict: { class: string; reasons: string[]; gapKey?: string };
}

const PROGRAMS: Record<string, string> = {
  'clean.mpl': 'fn main() do\n  println("all good")\nend\n',
  'no-main.mpl': 'fn helper() -> Int do\n  1\nend\n',
  'divide-by-zero.mpl': 'fn ratio(a :: Int, b :: Int) -> Int do\n  a / b\nend\n\nfn main() do\n  let zero = List.length([])\n  println("${ratio(10, zero)}")\nend\n',
  'trailing-pipe.mpl': 'fn twice(n :: Int) -> Int do\n  n * 2\nend\n\nfn main() do\n  let v = 3 |>\n    twice\n  println("${v}")\nend\n',
};

interface Expected {
  stage: string;
  verdict: string;
  gapKey?: string;
  differs?: Record<string, boolean>;
}

/** What each real compiler makes of each scenario (recorded in fixtures/real-meshc/). */
const SCENARIO_CASES: Array<{ scenario: string; input: string; extra?: string[]; february: Expected; april: Expected }> = [
  { scenario: 'compiler-panic', input: 'main.mpl', february: { stage: 'compiler-crash', verdict: 'compiler' }, april: { stage: 'compiler-crash', verdict: 'compiler' } },
  { scenario: 'llvm-verify', input: 'main.mpl', february: { stage: 'llvm-verify', verdict: 'compiler' }, april: { stage: 'llvm-verify', verdict: 'compiler' } },
  { scenario: 'link-failure', input: 'main.mpl', february: { stage: 'link', verdict: 'compiler' }, april: { stage: 'link', verdict: 'compiler' } },
  { scenario: 'runtime-segfault', input: 'main.mpl', february: { stage: 'runtime-crash', verdict: 'compiler' }, april: { stage: 'ok', verdict: 'undetermined' } },
  {
    scenario: 'opt-level-differential',
    input: 'main.mpl',
    february: { stage: 'runtime-crash', verdict: 'known-gap', gapKey: 'loop-let-stack', differs: { 'opt-level': true } },
    april: { stage: 'runtime-crash', verdict: 'known-gap', gapKey: 'loop-let-stack', differs: { 'opt-level': true } },
  },
  { scenario: 'version-differential', input: 'main.mpl', february: { stage: 'ok', verdict: 'undetermined' }, april: { stage: 'ok', verdict: 'undetermined' } },
  {
    scenario: 'multi-module',
    input: '.',
    february: { stage: 'compiler-crash', verdict: 'known-gap', gapKey: 'collect-to-string', differs: { flatten: false } },
    april: { stage: 'compiler-crash', verdict: 'known-gap', gapKey: 'collect-to-string', differs: { flatten: false } },
  },
  {
    scenario: 'project-only',
    input: '.',
    february: { stage: 'runtime-crash', verdict: 'compiler', differs: { flatten: true } },
    april: { stage: 'runtime-crash', verdict: 'compiler', differs: { flatten: true } },
  },
  { scenario: 'app-panic', input: 'main.mpl', february: { stage: 'runtime-panic', verdict: 'app' }, april: { stage: 'runtime-panic', verdict: 'app' } },
  { scenario: 'app-type-error', input: 'main.mpl', february: { stage: 'typecheck', verdict: 'app' }, april: { stage: 'typecheck', verdict: 'app' } },
  {
    scenario: 'known-gap',
    input: 'main.mpl',
    february: { stage: 'llvm-verify', verdict: 'known-gap', gapKey: 'nested-and' },
    april: { stage: 'llvm-verify', verdict: 'known-gap', gapKey: 'nested-and' },
  },
  {
    scenario: 'wrong-output',
    input: 'main.mpl',
    extra: ['--expect-output', '<dir>/expected-output.txt'],
    february: { stage: 'wrong-output', verdict: 'undetermined' },
    april: { stage: 'wrong-output', verdict: 'undetermined' },
  },
];

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'classify-real-'));
  mkdirSync(work, { recursive: true });
  for (const [name, text] of Object.entries(PROGRAMS)) writeFileSync(join(work, name), text);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function classify(path: string, extra: string[] = []): Promise<ClassifyJson> {
  const r = await runCli(['classify', path, '--meshc', REAL_MESHC, '--json', ...extra]);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as ClassifyJson;
}

describe.runIf(REAL_ENABLED)('real meshc: classify', () => {
  // Every scenario shows its bug on at least one real compiler (fixtures/mesh/scenarios/README.md).
  it.each(SCENARIO_CASES)('scenario $scenario', async ({ scenario, input, extra, ...expected }) => {
    const report = await classify(join(SCENARIOS, scenario, input), (extra ?? []).map((a) => a.replace('<dir>', join(SCENARIOS, scenario))));
    const want = expected[report.compiler.dialect as 'february' | 'april'];
    expect(want, `dialect ${report.compiler.dialect}`).toBeDefined();
    expect(report.symptom.stage).toBe(want.stage);
    expect(report.symptom.generic).toBe(false);
    expect(report.verdict.class).toBe(want.verdict);
    expect(report.verdict.gapKey).toBe(want.gapKey);
    for (const [kind, differs] of Object.entries(want.differs ?? {})) expect(report.differentials.find((d) => d.kind === kind)?.differs, kind).toBe(differs);
  }, 600_000);

  it.runIf(BASELINE_MESHC !== '').each(['version-differential', 'runtime-segfault'])('scenario %s differs from the baseline compiler', async (scenario) => {
    const report = await classify(join(SCENARIOS, scenario, 'main.mpl'), ['--baseline-meshc', BASELINE_MESHC]);
    expect(report.differentials.find((d) => d.kind === 'version')?.differs).toBe(true);
    expect(report.verdict.class).toBe('compiler');
  }, 600_000);

  it('a program without fn main fails in codegen, which is a user error', async () => {
    const report = await classify(join(work, 'no-main.mpl'));
    expect(report.symptom.stage).toBe('codegen');
    expect(report.verdict.class).toBe('app');
    expect(report.verdict.reasons[0]).toMatch(/fn main/);
  });

  it('a clean program is no failure, and both optimisation levels agree', async () => {
    const report = await classify(join(work, 'clean.mpl'));
    expect(report.symptom.stage).toBe('ok');
    expect(report.differentials.find((d) => d.kind === 'opt-level')?.differs).toBe(false);
    expect(report.verdict.class).toBe('undetermined');
  });

  it('an integer division by zero dies of SIGFPE at -O0: an application bug', async () => {
    const report = await classify(join(work, 'divide-by-zero.mpl'));
    expect(report.symptom.generic).toBe(false);
    if (report.symptom.stage === 'runtime-crash') expect(report.verdict.class).toBe('app');
  });

  it.runIf(BASELINE_MESHC !== '')('a trailing |> differs between the two snapshots', async () => {
    const report = await classify(join(work, 'trailing-pipe.mpl'), ['--baseline-meshc', BASELINE_MESHC]);
    expect(report.differentials.find((d) => d.kind === 'version')?.differs).toBe(true);
    expect(['compiler', 'known-gap']).toContain(report.verdict.class);
  });

  it('repro shrinks the nested-and scenario and keeps the known gap', async () => {
    const journal = join(work, 'journal.db');
    const r = await runCli(['repro', join(SCENARIOS, 'known-gap/main.mpl'), '--meshc', REAL_MESHC, '--jobs', '2', '--json'], { MESHER_TRIAGE_JOURNAL: journal });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { reduction: { original: { bytes: number }; final: { bytes: number } }; repro: Record<string, string>; classification: ClassifyJson };
    expect(report.reduction.final.bytes).toBeLessThan(report.reduction.original.bytes);
    expect(report.repro['main.mpl']).toContain('&&');
    expect(report.classification.verdict.class).toBe('known-gap');
  }, 1_800_000);
});
