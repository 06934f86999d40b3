import type { GapStatus } from '../types/index.js';

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

/** What one probe run says about its gap (src/gaps judgeProbe). */
export type ProbeVerdict = 'fixed' | 'still-open' | 'changed';

export interface OutcomeDecision {
  outcome: GateOutcome;
  detail: string;
}

/**
 * Combines what the probe did now with what the journal records for this dialect.
 * `observed` describes the run in words, for the detail line.
 */
export function decideOutcome(probe: ProbeVerdict, recorded: GapStatus, observed: string): OutcomeDecision {
  if (recorded === 'not-applicable') return { outcome: 'skipped', detail: 'gap does not apply to this dialect' };
  if (recorded === 'fixed') {
    return probe === 'fixed'
      ? { outcome: 'still-fixed', detail: 'prints the expected output' }
      : { outcome: 'regressed', detail: `recorded fixed, now ${observed}` };
  }
  if (probe === 'fixed') return { outcome: 'fixed', detail: 'builds and prints the expected output' };
  if (probe === 'still-open') return { outcome: 'still-open', detail: `still ${observed}` };
  return { outcome: 'changed', detail: `fails differently: ${observed}` };
}

/**
 * The same for an open journal bug re-checked from its stored repro (--all-bugs): there is
 * no expected output for a repro, so "fixed" means it builds and runs clean.
 */
export function decideBugOutcome(repro: ProbeVerdict, observed: string): OutcomeDecision {
  if (repro === 'fixed') return { outcome: 'fixed', detail: 'the stored repro builds and runs clean' };
  return decideOutcome(repro, 'open', observed);
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
