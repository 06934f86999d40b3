import type { GapStatus, Stage } from '../types/index.js';

/**
 * Gate outcomes, after rustc's tests/crashes and pytest strict xfail: a known gap must keep
 * failing with the same signature; passing or failing differently is news.
 * "fixed" (clean: the probe prints its expected output) and "changed" (fails another way,
 * including "now gives a proper error") are kept apart, as glacier does.
 */
export type GateOutcome =
  | 'still-open' // fails as recorded: passes
  | 'still-fixed' // recorded fixed and still works: passes
  | 'fixed' // recorded open, now prints the expected output: fails in strict mode
  | 'changed' // recorded open, fails with another signature: fails
  | 'regressed' // recorded fixed, fails again: fails
  | 'skipped' // the gap does not apply to this compiler's dialect
  | 'error'; // the compiler is missing or broken: setup error

/** What the probe header promises (src/gaps loadProbe). */
export interface ProbeExpectation {
  openStage: Stage;
  /** Case-insensitive regular expression source matched against the symptom while open. */
  openPattern: string;
  /** Exact stdout lines once fixed. */
  expectedOutput: readonly string[];
}

/** What building and running the probe produced. */
export interface ProbeObservation {
  stage: Stage;
  /** The symptom's message and signature text, searched by openPattern. */
  text: string;
  stdout: string;
}

export interface OutcomeDecision {
  outcome: GateOutcome;
  detail: string;
}

export function decideOutcome(
  expectation: ProbeExpectation,
  observed: ProbeObservation,
  recorded: GapStatus,
): OutcomeDecision {
  if (recorded === 'not-applicable') return { outcome: 'skipped', detail: 'gap does not apply to this dialect' };
  const works = observed.stage === 'ok' && sameLines(observed.stdout, expectation.expectedOutput);
  const failsAsOpen = observed.stage === expectation.openStage && new RegExp(expectation.openPattern, 'i').test(observed.text);
  if (recorded === 'fixed') {
    if (works) return { outcome: 'still-fixed', detail: 'prints the expected output' };
    return { outcome: 'regressed', detail: `recorded fixed, now ${describe(observed)}` };
  }
  if (works) return { outcome: 'fixed', detail: 'builds and prints the expected output' };
  if (failsAsOpen) return { outcome: 'still-open', detail: `still fails at ${observed.stage}` };
  return {
    outcome: 'changed',
    detail: `expected ${expectation.openStage} matching /${expectation.openPattern}/, got ${describe(observed)}`,
  };
}

/** Outcomes that fail the gate. In non-strict mode a clean fix only warns. */
export function isFailure(outcome: GateOutcome, strict: boolean): boolean {
  switch (outcome) {
    case 'still-open':
    case 'still-fixed':
    case 'skipped':
      return false;
    case 'fixed':
      return strict;
    case 'changed':
    case 'regressed':
    case 'error':
      return true;
  }
}

function describe(observed: ProbeObservation): string {
  if (observed.stage === 'ok') return `runs but prints ${JSON.stringify(firstLines(observed.stdout))}`;
  const text = observed.text.split('\n')[0]?.slice(0, 160) ?? '';
  return `${observed.stage}: ${text}`;
}

function firstLines(text: string): string {
  const lines = text.split('\n');
  return lines.length > 3 ? `${lines.slice(0, 3).join('\n')}…` : text;
}

/** Compares stdout with expected lines, ignoring one trailing newline and CRLF endings. */
export function sameLines(stdout: string, expected: readonly string[]): boolean {
  const actual = stdout.replace(/\r\n/g, '\n').replace(/\n$/, '');
  return actual === expected.join('\n');
}
