import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { observeBuild, observeRun, type Observation } from '../../../src/classify/index.js';
import { STAGES, type RunRecord } from '../../../src/types/index.js';

/** Recorded meshc / program outputs in the real formats (fixtures/transcripts/README.md). */
interface Transcript {
  description: string;
  phase: 'build' | 'run';
  record: RunRecord;
  expectedStdout?: string;
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

const dir = join(__dirname, '../../../fixtures/transcripts');
const transcripts = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => [f, JSON.parse(readFileSync(join(dir, f), 'utf8')) as Transcript] as const);

function classify(t: Transcript): Observation {
  return t.phase === 'build' ? observeBuild(t.record) : observeRun(t.record, { expectedStdout: t.expectedStdout });
}

describe('recorded transcripts', () => {
  it('has transcripts for both phases, including unknown text', () => {
    expect(transcripts.filter(([, t]) => t.phase === 'build').length).toBeGreaterThan(10);
    expect(transcripts.filter(([, t]) => t.phase === 'run').length).toBeGreaterThan(5);
    expect(transcripts.filter(([, t]) => t.expect.generic).length).toBeGreaterThanOrEqual(5);
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
