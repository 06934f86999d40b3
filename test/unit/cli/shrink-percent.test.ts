import { describe, expect, it } from 'vitest';
import { shrinkPercent } from '../../../src/cli/commands/reduce.js';
import { environmentProblem } from '../../../src/cli/environment-problem.js';
import { ExitCode } from '../../../src/types/index.js';

describe('shrinkPercent', () => {
  it('never claims -100% while tokens are left', () => {
    expect(shrinkPercent(9, 2944)).toBe('99.6%');
    expect(shrinkPercent(1, 1000)).toBe('99.9%');
  });
  it('rounds ordinary shrinks to whole percents, and a full shrink is 100%', () => {
    expect(shrinkPercent(50, 200)).toBe('75%');
    expect(shrinkPercent(0, 9)).toBe('100%');
    expect(shrinkPercent(5, 5)).toBe('0%');
    expect(shrinkPercent(0, 0)).toBe('0%');
  });
});

describe('environmentProblem', () => {
  it('turns a permission error into an input error naming the path', () => {
    const err = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES', path: '/ro/x' });
    const problem = environmentProblem(err);
    expect(problem?.exitCode).toBe(ExitCode.INPUT);
    expect(problem?.message).toContain('/ro/x');
  });
  it('leaves other errors to the bug path', () => {
    expect(environmentProblem(new TypeError('x is undefined'))).toBeUndefined();
    expect(environmentProblem(Object.assign(new Error('no'), { code: 'ECONNRESET' }))).toBeUndefined();
  });
});
