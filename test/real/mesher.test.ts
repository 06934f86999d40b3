/**
 * The Mesher harness against the REAL Mesher apps and compilers (run with `npm run test:real`;
 * skipped otherwise). The apps are named by MESHER_APP_APRIL (hyperpush-org/hyperpush-mono
 * `mesher/`) and MESHER_APP_FEBRUARY (snowdamiz/mesh-lang `mesher/` at c8728bd2);
 * scripts/test-real.js sets them from ~/.cache/mesher-triage/mesher/{april,february} when
 * they are there. Each app runs only with a MESHC of its own dialect (test:real runs the suite
 * once per compiler). Their code is never part of this repository.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding, RunReport } from '../../src/mesher/index.js';
import { phaseLine, scenarioLine } from '../../src/mesher/index.js';
import { compilerInfo } from '../../src/toolchain/index.js';
import { runCli } from '../support/cli.js';
import { REAL_ENABLED, REAL_MESHC } from './real-meshc.js';

const APPS = { april: process.env.MESHER_APP_APRIL ?? '', february: process.env.MESHER_APP_FEBRUARY ?? '' };
const DIALECT = REAL_ENABLED ? (await compilerInfo(REAL_MESHC)).dialect : 'unknown';
const ALL = ['smoke', 'bad-input', 'ingest', 'issue-lifecycle', 'websocket-stream', 'soak'];
/** Scenarios the April Mesher must pass; the others report what they find (classified and journaled). */
const APRIL_PASSES = ['smoke', 'bad-input', 'ingest', 'issue-lifecycle'];

/** Why a suite cannot run here, or '' when it can. */
function skipReason(dialect: 'april' | 'february'): string {
  const env = `MESHER_APP_${dialect.toUpperCase()}`;
  if (!REAL_ENABLED) return 'run `npm run test:real` with a real MESHC';
  if (!APPS[dialect]) return `set ${env} to the ${dialect} Mesher folder (or put it in ~/.cache/mesher-triage/mesher/${dialect})`;
  if (DIALECT !== dialect) return `MESHC is a ${DIALECT} meshc; the ${dialect} Mesher needs a ${dialect} one (test:real runs the suite with each compiler)`;
  return '';
}

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'mesher-real-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

async function run(app: string, scenarios: string[], journal: string): Promise<RunReport> {
  const r = await runCli(['mesher', 'run', app, '--meshc', REAL_MESHC, ...scenarios.flatMap((s) => ['--scenario', s]), '--journal', journal, '--json']);
  expect([0, 1], r.stderr).toContain(r.code);
  const report = JSON.parse(r.stdout) as RunReport;
  // The figures (times per phase and step, the watch) go to the test log.
  console.log(`${report.phases.map(phaseLine).join('\n')}\n${report.scenarios.map((s) => `${scenarioLine(s)}\n${s.steps.map((step) => `      ${step.index}. ${step.name}: ${step.ok ? 'ok' : step.skipped ? 'skipped' : 'FAILED'} ${step.ms} ms ${step.detail}`).join('\n')}`).join('\n')}`);
  return report;
}

/** Every finding is signed, has a verdict with reasons, and is in the journal (one bug per signature). */
async function expectJournaled(findings: Finding[], journal: string): Promise<void> {
  for (const f of findings) {
    expect(f.symptom.signature).toMatch(/\|/);
    expect(f.verdict.reasons.length).toBeGreaterThan(0);
  }
  if (findings.length === 0) return;
  const listed = await runCli(['journal', 'list', '--journal', journal, '--json']);
  const signatures = (JSON.parse(listed.stdout) as Array<{ signature: string }>).map((b) => b.signature);
  for (const f of findings) expect(signatures).toContain(f.symptom.signature);
}

describe.skipIf(skipReason('april') !== '')('real Mesher: April (hyperpush-mono) with April meshc', () => {
  it('runs every scenario: smoke, bad-input, ingest and issue-lifecycle pass; what the others find is classified and journaled', async () => {
    const journal = join(work, 'april.db');
    const report = await run(APPS.april, ALL, journal);
    expect(report.profile).toBe('april');
    expect(report.phases.filter((p) => p.name !== 'scenarios').every((p) => p.ok)).toBe(true);
    for (const name of APRIL_PASSES) {
      const s = report.scenarios.find((x) => x.name === name)!;
      expect(s.ok, `${name}: ${JSON.stringify(report.findings.filter((f) => f.where === name).map((f) => f.message))}`).toBe(true);
    }
    expect(report.scenarios.map((s) => s.name)).toEqual(ALL);
    await expectJournaled(report.findings, journal);
  }, 600_000);
});

describe.skipIf(skipReason('february') !== '')('real Mesher: February (mesh-lang c8728bd2) with February meshc', () => {
  it('finds the ingest failure (429, then SIGSEGV), classifies it as a compiler bug and journals it', async () => {
    const journal = join(work, 'february.db');
    const report = await run(APPS.february, ['ingest'], journal);
    expect(report.profile).toBe('february');
    const atStep1 = report.findings.filter((f) => f.where === 'ingest' && f.step?.index === 1);
    const crash = atStep1.find((f) => f.kind === 'crash');
    expect(crash, JSON.stringify(report.findings.map((f) => f.message))).toBeDefined();
    expect(crash!.evidence.signal).toBe('SIGSEGV');
    expect(crash!.symptom.signature).toBe('runtime-crash||program killed by SIGSEGV during POST api/v1/events');
    expect(crash!.verdict.class).toBe('compiler');
    const limited = atStep1.find((f) => f.kind === 'wrong-response');
    expect(limited?.evidence.status).toBe(429);
    expect(limited?.evidence.body).toContain('rate limited');
    await expectJournaled(report.findings, journal);
  }, 300_000);

  it('runs every other scenario on a fresh app (the crash ends a run): each finding classified and journaled', async () => {
    const journal = join(work, 'february-all.db');
    for (const name of ALL.filter((s) => s !== 'ingest')) {
      const report = await run(APPS.february, [name], journal);
      expect(report.phases.filter((p) => p.name !== 'scenarios').every((p) => p.ok), name).toBe(true);
      await expectJournaled(report.findings, journal);
    }
  }, 600_000);

  it('repro --scenario ingest --step 1 finds the crash and starts shrinking the app (bounded by --time-limit)', async () => {
    const r = await runCli(['repro', APPS.february, '--scenario', 'ingest', '--step', '1', '--meshc', REAL_MESHC, '--jobs', '2', '--time-limit', '90', '--no-journal', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { failure: { kind: string; signature: string }; steps: { changes: string[] }; reduction: { original: { bytes: number }; final: { bytes: number } } };
    expect(doc.failure).toMatchObject({ kind: 'crash', signature: 'runtime-crash||program killed by SIGSEGV during POST api/v1/events' });
    expect(doc.reduction.final.bytes).toBeLessThan(doc.reduction.original.bytes);
    console.log(r.stderr);
  }, 600_000);
});

for (const dialect of ['april', 'february'] as const) {
  describe.runIf(skipReason(dialect) !== '')(`real Mesher: ${dialect}`, () => {
    it.skip(`skipped: ${skipReason(dialect)}`, () => undefined);
  });
}
