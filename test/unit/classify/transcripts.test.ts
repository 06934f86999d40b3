import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { observeBuild, observeRun, type Observation } from '../../../src/classify/index.js';
import { STAGES, type RunRecord } from '../../../src/types/index.js';

/** One meshc or program run and what the classifier must make of it (fixtures/transcripts/README.md). */
interface Transcript {
  description: string;
  /** Real: `<dialect>/<program>.json#<mode>` in fixtures/real-meshc, whose record this is. */
  from?: string;
  /** Hand-written, for a shape no recorded real run produced; `reason` says why. */
  synthetic?: boolean;
  reason?: string;
  phase: 'build' | 'run';
  record: RunRecord;
  expectedStdout?: string;
  definesMain?: boolean;
  expect: {
    stage?: string;
    code?: string;
    message?: string;
    messageIncludes?: string;
    detailIncludes?: string;
    lean?: string;
    generic?: boolean;
    diagnostics?: number;
    codegenWarnings?: number;
  };
}

interface RecordedFile {
  cases: Array<{ mode: string; build: RunRecord; run?: RunRecord }>;
}

const fixtures = join(__dirname, '../../../fixtures');
const dir = join(fixtures, 'transcripts');
const transcripts = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => [f, JSON.parse(readFileSync(join(dir, f), 'utf8')) as Transcript] as const);

function classify(t: Transcript): Observation {
  const options = { expectedStdout: t.expectedStdout, definesMain: t.definesMain };
  return t.phase === 'build' ? observeBuild(t.record, options) : observeRun(t.record, options);
}

function recorded(from: string, phase: 'build' | 'run'): RunRecord | undefined {
  const [file = '', mode] = from.split('#');
  const data = JSON.parse(readFileSync(join(fixtures, 'real-meshc', file), 'utf8')) as RecordedFile;
  return data.cases.find((c) => c.mode === mode)?.[phase];
}

describe('recorded transcripts', () => {
  it('has transcripts for both phases, including unknown text', () => {
    expect(transcripts.filter(([, t]) => t.phase === 'build').length).toBeGreaterThan(10);
    expect(transcripts.filter(([, t]) => t.phase === 'run').length).toBeGreaterThan(5);
    expect(transcripts.filter(([, t]) => t.expect.generic).length).toBeGreaterThanOrEqual(5);
  });

  it('each is a real recorded run, or synthetic with the reason no real run could stand in', () => {
    for (const [file, t] of transcripts) {
      expect(t.from === undefined, `${file}: either "from" or "synthetic"`).toBe(t.synthetic === true);
      if (t.synthetic) expect(t.reason, file).toMatch(/\S+ \S+ \S+/);
    }
    expect(transcripts.filter(([, t]) => t.from).length).toBeGreaterThanOrEqual(15);
  });

  it('includes the February link without -lm (no recorded run has it): an environment problem', () => {
    const libm = transcripts.filter(([, t]) => /undefined reference to [`']log'/.test(t.record.stderr));
    expect(libm.length).toBeGreaterThan(0);
    for (const [, t] of libm) expect(classify(t)).toMatchObject({ lean: 'environment', symptom: { stage: 'link' } });
  });

  it.each(transcripts.filter(([, t]) => t.from))('%s is the recorded run it names', (_file, t) => {
    expect(t.record).toEqual(recorded(t.from!, t.phase));
  });

  it.each(transcripts)('%s', (_file, t) => {
    const o = classify(t);
    expect(STAGES).toContain(o.symptom.stage);
    expect(o.symptom.signatureVersion).toBe('sig-v1');
    expect(o.symptom.signature.startsWith(`${o.symptom.stage}|${o.symptom.code}|`)).toBe(true);
    const e = t.expect;
    if (e.stage !== undefined) expect(o.symptom.stage).toBe(e.stage);
    if (e.code !== undefined) expect(o.symptom.code).toBe(e.code);
    if (e.message !== undefined) expect(o.symptom.message).toBe(e.message);
    if (e.messageIncludes !== undefined) expect(o.symptom.message).toContain(e.messageIncludes);
    if (e.detailIncludes !== undefined) expect(o.detail).toContain(e.detailIncludes);
    if (e.lean !== undefined) expect(o.lean).toBe(e.lean);
    expect(o.symptom.generic).toBe(e.generic ?? false);
    if (e.generic) expect(o.because).toMatch(/generic symptom/);
    if (e.diagnostics !== undefined) expect(o.diagnostics).toHaveLength(e.diagnostics);
    if (e.codegenWarnings !== undefined) expect(o.codegenWarnings).toHaveLength(e.codegenWarnings);
  });
});
