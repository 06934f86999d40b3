import { describe, expect, it } from 'vitest';
import { decideOutcome, isFailure, sameLines, type ProbeExpectation, type ProbeObservation } from '../../../src/gate/outcome.js';
import type { GapStatus } from '../../../src/types/index.js';

const probe: ProbeExpectation = {
  openStage: 'llvm-verify',
  openPattern: 'Both operands to a binary operator are not of the same type',
  expectedOutput: ['found 3', 'done'],
};
const openFailure: ProbeObservation = {
  stage: 'llvm-verify',
  text: 'LLVM module verification failed: Both operands to a binary operator are not of the same type',
  stdout: '',
};
const works: ProbeObservation = { stage: 'ok', text: '', stdout: 'found 3\ndone\n' };
const otherFailure: ProbeObservation = { stage: 'compiler-crash', text: "thread 'main' panicked at lower.rs", stdout: '' };
const wrongOutput: ProbeObservation = { stage: 'ok', text: '', stdout: 'found 4\ndone\n' };

describe('decideOutcome', () => {
  const table: Array<[string, ProbeObservation, GapStatus, string]> = [
    ['open gap failing the recorded way', openFailure, 'open', 'still-open'],
    ['open gap now printing the expected output', works, 'open', 'fixed'],
    ['open gap failing another way', otherFailure, 'open', 'changed'],
    ['open gap running with the wrong output', wrongOutput, 'open', 'changed'],
    ['fixed gap still working', works, 'fixed', 'still-fixed'],
    ['fixed gap failing the old way again', openFailure, 'fixed', 'regressed'],
    ['fixed gap failing a new way', otherFailure, 'fixed', 'regressed'],
    ['gap that does not apply to the dialect', openFailure, 'not-applicable', 'skipped'],
  ];
  it.each(table)('%s', (_name, observed, recorded, expected) => {
    expect(decideOutcome(probe, observed, recorded).outcome).toBe(expected);
  });

  it('says what it expected and what it got for a changed signature', () => {
    const { detail } = decideOutcome(probe, otherFailure, 'open');
    expect(detail).toContain('expected llvm-verify');
    expect(detail).toContain('compiler-crash');
  });

  it('matches the open pattern case-insensitively but requires the same stage', () => {
    expect(decideOutcome(probe, { ...openFailure, text: openFailure.text.toUpperCase() }, 'open').outcome).toBe('still-open');
    expect(decideOutcome(probe, { ...openFailure, stage: 'codegen' }, 'open').outcome).toBe('changed');
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

describe('sameLines', () => {
  it('ignores one trailing newline and CRLF, nothing else', () => {
    expect(sameLines('a\r\nb\r\n', ['a', 'b'])).toBe(true);
    expect(sameLines('a\nb', ['a', 'b'])).toBe(true);
    expect(sameLines('a\nb\n\n', ['a', 'b'])).toBe(false);
    expect(sameLines(' a\nb', ['a', 'b'])).toBe(false);
  });
});
