import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideVerdict, observe, observeBuild, observeRun } from '../../../src/classify/index.js';
import { STAGES, type RunRecord } from '../../../src/types/index.js';

// Fragments of real output shapes, glued at random, so the generator reaches the rules.
const fragment = fc.oneof(
  fc.string(),
  fc.constantFrom(
    'error: ',
    'error: Compilation failed due to errors above.\n',
    'error: LLVM module verification failed: "',
    'error: Linking failed:\n',
    '[E0001] Error: ',
    'Error: Parse error\n',
    "thread 'main' (1) panicked at ",
    ':\n',
    'Mesh panic at <unknown>:0: ',
    '{"code":"C0001","message":',
    '{"code":"P0001"',
    '}{',
    '\\n',
    '\\x',
    '\\u{',
    '   ╭─[ ',
    '╰──── ',
    '\u001b[31m',
  ),
);
const text = fc.array(fragment, { maxLength: 12 }).map((parts) => parts.join(''));
const record = fc.record({
  argv: fc.constant(['x']),
  exitCode: fc.oneof(fc.constant(null), fc.integer({ min: -1, max: 300 })),
  signal: fc.oneof(fc.constant(null), fc.constantFrom('SIGSEGV', 'SIGABRT', 'SIGKILL', 'SIGFPE', 'SIGWHAT')),
  stdout: text,
  stderr: text,
  ms: fc.nat(),
  timedOut: fc.boolean(),
}) as fc.Arbitrary<RunRecord>;

describe('classification never crashes on unknown text', () => {
  it('observeBuild/observeRun/decideVerdict return a valid symptom for any record', () => {
    fc.assert(
      fc.property(record, record, fc.option(text, { nil: undefined }), (b, r, expected) => {
        for (const o of [observeBuild(b), observeRun(r, { expectedStdout: expected }), observe({ build: b, run: r })]) {
          expect(STAGES).toContain(o.symptom.stage);
          expect(o.symptom.signature.split('|')[0]).toBe(o.symptom.stage);
          expect(typeof o.because).toBe('string');
          const v = decideVerdict({ primary: o, differentials: [], gaps: [] });
          expect(['compiler', 'app', 'known-gap', 'undetermined']).toContain(v.class);
          expect(v.reasons.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 400 },
    );
  });
});
