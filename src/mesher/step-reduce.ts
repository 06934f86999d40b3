import { ExitCode, UserError } from '../types/index.js';
import { checkScenarioVariables, parseScenario } from './scenarios.js';
import type { Scenario } from './types.js';

/**
 * The request side of a repro: the fewest scenario steps before the failing one, and for a
 * failing `repeat` the fewest iterations (and no concurrency) that still fail the same way.
 * Works on the scenario's raw JSON steps, so the result is a scenario file as its author
 * wrote it, only shorter.
 */
export interface StepsCandidate {
  /** The steps as written in the scenario file. */
  raw: Array<Record<string, unknown>>;
  /** 0-based index of the failing step in `raw`. */
  target: number;
}

export interface StepsReduction extends StepsCandidate {
  /** 1-based indices, in the original scenario, of the steps kept. */
  kept: number[];
  /** What changed in the failing step (count and concurrency of a repeat), in words. */
  changes: string[];
  tried: number;
}

/**
 * Drops earlier steps one at a time (from the failing step backwards, so a step that only
 * feeds a dropped one can go too), then shrinks a failing repeat's count (1, 2, 4, … below
 * it) and concurrency (to 1). `fails` replays a candidate; candidates whose variables are no
 * longer set are skipped without a replay.
 */
export async function reduceSteps(
  start: StepsCandidate,
  toScenario: (c: StepsCandidate) => Scenario | null,
  fails: (scenario: Scenario, upTo: number) => Promise<boolean>,
  signal: AbortSignal,
): Promise<StepsReduction> {
  let best = start;
  let origin = start.raw.map((_, i) => i + 1);
  let tried = 0;
  const attempt = async (candidate: StepsCandidate): Promise<boolean> => {
    if (signal.aborted) return false;
    const scenario = toScenario(candidate);
    if (!scenario) return false;
    tried++;
    return fails(scenario, candidate.target + 1);
  };
  for (let i = best.target - 1; i >= 0; i--) {
    const candidate = { raw: best.raw.filter((_, j) => j !== i), target: best.target - 1 };
    if (await attempt(candidate)) {
      best = candidate;
      origin = origin.filter((_, j) => j !== i);
    }
  }
  const changes: string[] = [];
  const step = best.raw[best.target]!;
  if (step.kind === 'repeat') {
    const count = Number(step.count);
    for (let n = 1; n < count; n *= 2) {
      const candidate = withStep(best, { ...step, count: n });
      if (await attempt(candidate)) {
        changes.push(`repeat ${count}× → ${n}×`);
        best = candidate;
        break;
      }
    }
    const now = best.raw[best.target]!;
    if (Number(now.concurrency ?? 1) > 1 && Number(now.count) > 1) {
      const candidate = withStep(best, { ...now, concurrency: 1 });
      if (await attempt(candidate)) {
        changes.push(`concurrency ${String(now.concurrency)} → 1`);
        best = candidate;
      }
    }
  }
  return { ...best, kept: origin, changes, tried };
}

function withStep(c: StepsCandidate, step: Record<string, unknown>): StepsCandidate {
  return { raw: c.raw.map((s, i) => (i === c.target ? step : s)), target: c.target };
}

/** The scenario file of a candidate (what `--out` gets as scenario.json). */
export function scenarioDocument(scenario: Scenario, c: StepsCandidate, why: string): Record<string, unknown> {
  return { name: `${scenario.name}-step-${c.target + 1}`, description: why, steps: c.raw.slice(0, c.target + 1) };
}

/**
 * Turns raw steps into a checked Scenario named like the original (so findings keep its
 * name), or null when a variable a step uses is no longer set by an earlier one.
 */
export function stepsScenario(original: Scenario, available: ReadonlySet<string>): (c: StepsCandidate) => Scenario | null {
  return (c) => {
    try {
      const scenario = parseScenario({ name: original.name, description: original.description, steps: c.raw.slice(0, c.target + 1) }, original.source);
      checkScenarioVariables(scenario, available);
      return scenario;
    } catch (err) {
      if (err instanceof UserError && err.exitCode === ExitCode.INPUT) return null;
      throw err;
    }
  };
}
