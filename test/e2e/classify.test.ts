import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFakeMeshc, type FakeMeshcRules } from '../support/fake-meshc.js';
import { runCli as runMesherTriage, type CliResult } from '../support/cli.js';

/** `mesher-triage classify` end to end against fake-meshc (the meshc TEST DOUBLE). */
const ROOT = resolve(import.meta.dirname, '../..');
const FAKE = join(ROOT, 'test/support/fake-meshc');
const SCENARIOS = join(ROOT, 'fixtures/mesh/scenarios');

function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runMesherTriage(args, { env: { MESHC_BASELINE: '', ...env } });
}

interface ClassifyJson {
  symptom: { stage: string; code: string; signature: string; signatureVersion: string; generic: boolean };
  differentials: Array<{ kind: string; differs: boolean }>;
  skipped: string[];
  verdict: { class: string; confidence: number; reasons: string[]; gapKey?: string };
}

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'classify-e2e-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const rulesOf = (scenario: string): string => join(SCENARIOS, scenario, 'fake-meshc.rules.json');

describe('mesher-triage classify (fake-meshc test double)', () => {
  it.concurrent.each([
    ['compiler-panic', 'main.mpl', 'compiler-crash', 'compiler', ['opt-level']],
    ['llvm-verify', 'main.mpl', 'llvm-verify', 'compiler', ['opt-level']],
    ['link-failure', 'main.mpl', 'link', 'compiler', ['opt-level']],
    ['runtime-segfault', 'main.mpl', 'runtime-crash', 'compiler', ['opt-level']],
    ['opt-level-differential', 'main.mpl', 'runtime-crash', 'known-gap', ['opt-level']],
    ['multi-module', '.', 'compiler-crash', 'known-gap', ['opt-level', 'flatten']],
    ['project-only', '.', 'runtime-crash', 'compiler', ['opt-level', 'flatten']],
    ['app-panic', 'main.mpl', 'runtime-panic', 'app', ['opt-level']],
    ['app-type-error', 'main.mpl', 'typecheck', 'app', []],
    ['known-gap', 'main.mpl', 'llvm-verify', 'known-gap', ['opt-level']],
  ])('%s → %s / %s', async (scenario, input, stage, verdict, differentials) => {
    const r = await runCli(['classify', join(SCENARIOS, scenario, input), '--meshc', FAKE, '--json'], { FAKE_MESHC_RULES: rulesOf(scenario) });
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as ClassifyJson;
    expect(report.symptom.stage).toBe(stage);
    expect(report.symptom.signatureVersion).toBe('sig-v1');
    expect(report.symptom.generic).toBe(false);
    expect(report.verdict.class).toBe(verdict);
    expect(report.differentials.map((d) => d.kind)).toEqual(differentials);
    expect(report.skipped.join('\n')).toMatch(/no second compiler/);
    expect(r.code).toBe(1); // a failure (or a disagreeing differential) was found and classified
  }, 120_000);

  it('runs the version differential against --baseline-meshc', async () => {
    const dir = join(SCENARIOS, 'version-differential');
    const baseline = await makeFakeMeshc(JSON.parse(readFileSync(join(dir, 'fake-meshc.baseline.rules.json'), 'utf8')) as FakeMeshcRules);
    try {
      const r = await runCli(['classify', join(dir, 'main.mpl'), '--meshc', FAKE, '--baseline-meshc', baseline.path, '--json'], { FAKE_MESHC_RULES: rulesOf('version-differential') });
      const report = JSON.parse(r.stdout) as ClassifyJson;
      expect(report.differentials.find((d) => d.kind === 'version')?.differs).toBe(true);
      expect(report.verdict.class).toBe('compiler');
      expect(report.verdict.reasons[0]).toMatch(/meshc versions/);
      // The same program without the baseline: nothing fails, nothing decides.
      const alone = JSON.parse((await runCli(['classify', join(dir, 'main.mpl'), '--meshc', FAKE, '--json'], { FAKE_MESHC_RULES: rulesOf('version-differential') })).stdout) as ClassifyJson;
      expect(alone.verdict.class).toBe('undetermined');
      expect(alone.verdict.reasons[0]).toMatch(/no failure observed/);
      // MESHC_BASELINE works like the flag.
      const viaEnv = JSON.parse((await runCli(['classify', join(dir, 'main.mpl'), '--meshc', FAKE, '--json'], { FAKE_MESHC_RULES: rulesOf('version-differential'), MESHC_BASELINE: baseline.path })).stdout) as ClassifyJson;
      expect(viaEnv.verdict.class).toBe('compiler');
    } finally {
      await baseline.cleanup();
    }
  }, 120_000);

  it('reads meshc --json diagnostics (--meshc-json) to the same symptom as --no-color text', async () => {
    const meshc = await makeFakeMeshc(JSON.parse(readFileSync(rulesOf('app-type-error'), 'utf8')) as FakeMeshcRules);
    try {
      const target = join(SCENARIOS, 'app-type-error/main.mpl');
      const human = JSON.parse((await runCli(['classify', target, '--meshc', meshc.path, '--json'])).stdout) as ClassifyJson;
      const json = JSON.parse((await runCli(['classify', target, '--meshc', meshc.path, '--json', '--meshc-json'])).stdout) as ClassifyJson;
      const calls = await meshc.invocations();
      expect(calls.some((c) => c.argv.includes('--no-color'))).toBe(true);
      expect(calls.some((c) => c.argv.includes('--json'))).toBe(true);
      expect(human.symptom.code).toBe('E0001');
      expect(json.symptom.code).toBe('E0001');
      expect(json.symptom.stage).toBe('typecheck');
      // The JSON `message` wording differs from the ariadne headline (see docs/classify.md).
      expect(human.symptom.signature).toBe('typecheck|E0001|expected String, found Int');
      expect(json.symptom.signature).toBe('typecheck|E0001|type mismatch: expected `String`, found `Int`');
      expect(json.verdict.class).toBe(human.verdict.class);
    } finally {
      await meshc.cleanup();
    }
  }, 60_000);

  it('wrong output with no differential evidence is undetermined, said plainly', async () => {
    const dir = join(SCENARIOS, 'wrong-output');
    const again = await runCli(['classify', join(dir, 'main.mpl'), '--meshc', FAKE, '--expect-output', join(dir, 'expected-output.txt'), '--json'], {
      FAKE_MESHC_RULES: rulesOf('wrong-output'),
    });
    expect(again.code).toBe(1);
    const report = JSON.parse(again.stdout) as ClassifyJson;
    expect(report.symptom.stage).toBe('wrong-output');
    expect(report.verdict.class).toBe('undetermined');
    expect(report.verdict.reasons[0]).toMatch(/output is wrong, but no differential evidence.*undetermined/);
  }, 60_000);

  it('an environment problem (no runtime library) exits 5 and blames neither side', async () => {
    const rules = join(work, 'runtime-missing.json');
    writeFileSync(rules, JSON.stringify({ rules: [{ then: { build: { kind: 'runtime-missing' } } }] }));
    const r = await runCli(['classify', join(SCENARIOS, 'app-panic/main.mpl'), '--meshc', FAKE], { FAKE_MESHC_RULES: rules });
    expect(r.code).toBe(5);
    expect(r.stdout).toMatch(/verdict: +undetermined/);
    expect(r.stdout).toMatch(/environment problem/);
  }, 60_000);

  it('prints human output with the evidence, and exits 0 on a clean program', async () => {
    const rules = join(work, 'clean.json');
    writeFileSync(rules, '{"rules":[]}');
    const r = await runCli(['classify', join(SCENARIOS, 'app-panic/main.mpl'), '--meshc', FAKE], { FAKE_MESHC_RULES: rules });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/symptom: +ok/);
    expect(r.stdout).toMatch(/evidence:\n {2}- no failure observed/);
  }, 60_000);

  it('missing meshc is a setup error with a hint', async () => {
    const r = await runCli(['classify', join(SCENARIOS, 'app-panic/main.mpl'), '--meshc', join(work, 'no-such-meshc')]);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^error: --meshc names/m);
    expect(r.stderr).toMatch(/^hint: /m);
  });

  it('a missing input is an input error', async () => {
    const r = await runCli(['classify', join(work, 'nope.mpl'), '--meshc', FAKE]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/does not exist/);
  });

  it('a folder without main.mpl, or with no Mesh files, is an input error (exit 3) found before meshc runs', async () => {
    const library = join(work, 'library');
    mkdirSync(join(library, 'util'), { recursive: true });
    writeFileSync(join(library, 'util/math.mpl'), 'pub fn triple(n :: Int) -> Int do\n  n * 3\nend\n');
    const empty = join(work, 'empty');
    mkdirSync(empty);
    const meshc = await makeFakeMeshc({ rules: [] });
    try {
      const noMain = await runCli(['classify', library, '--meshc', meshc.path]);
      expect(noMain.code, noMain.stderr).toBe(3);
      expect(noMain.stderr).toMatch(/^error: .*library has no main\.mpl/m);
      expect(noMain.stderr).toMatch(/^hint: pass the project folder that holds main\.mpl/m);
      const nothing = await runCli(['classify', empty, '--meshc', meshc.path]);
      expect(nothing.code, nothing.stderr).toBe(3);
      expect(nothing.stderr).toMatch(/holds no Mesh files/);
      expect(await meshc.invocations()).toEqual([]);
    } finally {
      await meshc.cleanup();
    }
  });

  it('takes its timeouts in seconds, fractions allowed, and says so in --help', async () => {
    const rules = join(work, 'run-hangs.json');
    writeFileSync(rules, JSON.stringify({ rules: [{ then: { run: { hang: true } } }] }));
    const r = await runCli(['classify', join(SCENARIOS, 'app-panic/main.mpl'), '--meshc', FAKE, '--timeout', '30', '--run-timeout', '0.5', '--json'], { FAKE_MESHC_RULES: rules });
    expect(r.code, r.stderr).toBe(1);
    expect((JSON.parse(r.stdout) as ClassifyJson).symptom.stage).toBe('hang');
    const help = await runCli(['classify', '--help']);
    expect(help.stdout).toMatch(/--timeout <seconds>\s+build timeout in seconds/);
    expect(help.stdout).toMatch(/--run-timeout <seconds>\s+program run timeout in seconds/);
    const repro = await runCli(['repro', '--help']);
    expect(repro.stdout).toMatch(/--timeout <seconds>\s+build timeout in seconds/);
    expect(repro.stdout).toMatch(/--run-timeout <seconds>\s+program run timeout in seconds/);
  }, 60_000);
});
