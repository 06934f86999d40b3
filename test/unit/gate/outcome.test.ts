import { describe, expect, it } from 'vitest';
import { decideBugOutcome, decideOutcome, isFailure, type ProbeVerdict } from '../../../src/gate/outcome.js';
import type { GapStatus } from '../../../src/types/index.js';

describe('decideOutcome', () => {
  const table: Array<[ProbeVerdict, GapStatus, string]> = [
    ['still-open', 'open', 'still-open'],
    ['fixed', 'open', 'fixed'],
    ['changed', 'open', 'changed'],
    ['fixed', 'fixed', 'still-fixed'],
    ['still-open', 'fixed', 'regressed'],
    ['changed', 'fixed', 'regressed'],
    ['still-open', 'not-applicable', 'skipped'],
    ['fixed', 'not-applicable', 'skipped'],
  ];
  it.each(table)('probe %s, recorded %s → %s', (probe, recorded, expected) => {
    expect(decideOutcome(probe, recorded, 'fails at codegen').outcome).toBe(expected);
  });

  it('puts what was observed in the detail of a changed or regressed gap', () => {
    expect(decideOutcome('changed', 'open', 'compiler-crash: panicked').detail).toContain('compiler-crash: panicked');
    expect(decideOutcome('still-open', 'fixed', 'llvm-verify: bad IR').detail).toContain('recorded fixed, now llvm-verify: bad IR');
  });
});

describe('decideBugOutcome (--all-bugs: a stored repro, recorded open)', () => {
  it('says a fixed repro builds and runs clean: a repro has no expected output to print', () => {
    expect(decideBugOutcome('fixed', 'ran, printed "x"')).toEqual({ outcome: 'fixed', detail: 'the stored repro builds and runs clean' });
    expect(decideBugOutcome('still-open', 'compiler-crash: boom')).toEqual({ outcome: 'still-open', detail: 'still compiler-crash: boom' });
    expect(decideBugOutcome('changed', 'llvm-verify: bad')).toEqual({ outcome: 'changed', detail: 'fails differently: llvm-verify: bad' });
  });
});

describe('isFailure', () => {
  it('fails a clean fix only in strict mode', () => {
    expect(isFailure('fixed', true)).toBe(true);
    expect(isFailure('fixed', false)).toBe(false);
  });
  it('always fails changed, regressed and error; never still-open, still-fixed, skipped', () => {
    for (const o of ['changed', 'regressed', 'error'] as const) expect(isFailure(o, false)).toBe(true);
    for (const o of ['still-open', 'still-fixed', 'skipped'] as const) expect(isFailure(o, true)).toBe(false);
  });
});
