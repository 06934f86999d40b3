/**
 * classify/repro scenarios against a REAL meshc (named by MESHC; run with `npm run test:real`;
 * skipped otherwise). The fake-meshc scenarios whose trigger only exists in the double's rules
 * are not meaningful here; these are the scenarios a real compiler reproduces by itself.
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
  return runMesherTriage([...args, '--timeout', String(BUILD_TIMEOUT_MS)], { env: { MESHC_BASELINE: '', ...env } });
}

interface ClassifyJson {
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
  it('a plain type error is an application bug', async () => {
    const report = await classify(join(SCENARIOS, 'app-type-error/main.mpl'));
    expect(report.symptom.stage).toBe('typecheck');
    expect(report.symptom.code).toMatch(/^E\d{4}$/);
    expect(report.verdict.class).toBe('app');
  });

  it('a case without a catch-all is an application bug (rejected as E0012 or panicking at run time)', async () => {
    const report = await classify(join(SCENARIOS, 'app-panic/main.mpl'));
    expect(['typecheck', 'runtime-panic']).toContain(report.symptom.stage);
    expect(report.symptom.generic).toBe(false);
    expect(report.verdict.class).toBe('app');
  });

  it('a chained && is the known gap nested-and', async () => {
    const report = await classify(join(SCENARIOS, 'known-gap/main.mpl'));
    expect(report.symptom.stage).toBe('llvm-verify');
    expect(report.symptom.message).toMatch(/PHI node entries do not match predecessors/);
    expect(report.verdict.class).toBe('known-gap');
    expect(report.verdict.gapKey).toBe('nested-and');
  });

  it('a program without fn main fails to link, which is a user error', async () => {
    const report = await classify(join(work, 'no-main.mpl'));
    expect(report.symptom.stage).toBe('link');
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
