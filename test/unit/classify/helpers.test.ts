import { describe, expect, it } from 'vitest';
import { compareOutcomes, describeDifference, firstWrongLine, observe, observeRun, unescapeRustDebug, type Observation } from '../../../src/classify/index.js';
import type { RunRecord } from '../../../src/types/index.js';

const rec = (over: Partial<RunRecord>): RunRecord => ({ argv: ['x'], exitCode: 0, signal: null, stdout: '', stderr: '', ms: 1, timedOut: false, ...over });
const ran = (stdout: string): Observation => observeRun(rec({ stdout }));

describe('unescapeRustDebug (LLVM verifier text)', () => {
  it.each([
    ['"a\\nb"', 'a\nb'],
    ['"tab\\there"', 'tab\there'],
    ["\"it\\'s\"", "it's"],
    ['"q\\"q"', 'q"q'],
    ['"back\\\\slash"', 'back\\slash'],
    ['"\\x41\\u{263a}"', 'A\u263a'],
    ['no quotes', 'no quotes'],
    ['"\\u{110000}"', ''],
  ])('%s', (input, expected) => {
    expect(unescapeRustDebug(input)).toBe(expected);
  });
});

describe('output comparison helpers', () => {
  it('describes the first differing line', () => {
    expect(describeDifference('1\n2\n3\n', '1\n2\n4\n')).toBe('line 3: expected "3", got "4"');
    expect(describeDifference('a\n', 'a\nb\n')).toBe('line 2: expected "", got "b"');
  });

  it('finds the first wrong line of the actual output', () => {
    expect(firstWrongLine('1\n2\n3\n', '1\n2\n4\n')).toBe('4');
    expect(firstWrongLine('a\nb\n', 'a\nb\n')).toBeUndefined();
  });

  it('compares completed runs by stdout and failures by signature', () => {
    const opt = (a: Observation, b: Observation) => compareOutcomes({ kind: 'opt-level', labels: ['o0', 'o2'], outcomes: [a, b] });
    expect(opt(ran('x\n'), ran('x\n')).differs).toBe(false);
    expect(opt(ran('x\n'), ran('y\n')).differs).toBe(true);
    const segv = observeRun(rec({ exitCode: null, signal: 'SIGSEGV' }));
    expect(opt(ran('x\n'), segv)).toMatchObject({ differs: true });
    expect(opt(segv, observeRun(rec({ exitCode: null, signal: 'SIGSEGV', stdout: 'other' }))).differs).toBe(false);
  });

  it('observe() takes the build symptom when the build fails, the run symptom otherwise', () => {
    const failed = observe({ build: rec({ exitCode: 1, stderr: 'error: Unknown struct type \'P\'\n' }), run: rec({}) });
    expect(failed.phase).toBe('build');
    expect(failed.symptom.stage).toBe('codegen');
    const warned = observe({
      build: rec({ stderr: "[mesh-codegen] warning: default() call could not resolve concrete type\n  Compiled: project/project\n" }),
      run: rec({ exitCode: null, signal: 'SIGSEGV' }),
    });
    expect(warned.phase).toBe('run');
    expect(warned.symptom.stage).toBe('runtime-crash');
    expect(warned.codegenWarnings).toEqual(['default() call could not resolve concrete type']);
  });
});
