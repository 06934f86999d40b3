import { readFile } from 'node:fs/promises';
import { contentKey, meshPort, reduce, type ReduceProgress, type ReduceResult, type SyntaxPort } from '../repro/index.js';
import { ExitCode, UserError, type Candidate } from '../types/index.js';
import { PROFILE_VARS } from './profiles.js';
import { appOracle, matchTarget, ReproSession, type ReproSessionOptions, type StepTarget } from './step-oracle.js';
import { reduceSteps, scenarioDocument, stepsScenario, type StepsReduction } from './step-reduce.js';
import type { Finding, FindingKind, Scenario } from './types.js';

/**
 * `repro <app-dir> --scenario S --step N`: find how step N fails, keep the fewest steps that
 * still make it fail that way, then shrink the application (src/repro's reducer, with the
 * app oracle of step-oracle.ts). Migrations ride along untouched: every candidate runs on a
 * copy of the database they made, and the repro needs them to make that database again.
 */
export interface AppReproOptions extends ReproSessionOptions {
  scenario: Scenario;
  /** 1-based. */
  step: number;
  /** Which of the step's findings to keep (default: its first: a crash or panic comes first). */
  kind?: FindingKind;
  jobs: number;
  timeLimitMs?: number;
  /** Called once the steps are reduced, with the scenario document to save. */
  onSteps?: (steps: StepsReduction, document: Record<string, unknown>) => Promise<void> | void;
  /** Progress: which failure, then the steps, then the reducer's gains. */
  onNote?: (name: string, ms: number, detail: string) => void;
  onBest?: (best: Candidate) => Promise<void> | void;
}

export interface AppReproResult {
  /** The findings of step N on the original app; `target` is the one kept. */
  original: Finding[];
  target: Finding;
  steps: StepsReduction;
  scenarioDocument: Record<string, unknown>;
  reduction: ReduceResult;
  /** The best candidate's finding (seen by the oracle when it was accepted). */
  finding: Finding;
  /** Parallel candidates were serialized (the app has its database built in). */
  serialized: boolean;
}

const MIGRATIONS = /^migrations\//;

/** The reducer's view of an app: migrations are not reduced, and a flattened app keeps them as files. */
export const appPort: SyntaxPort = {
  ...meshPort,
  isSource: (path) => meshPort.isSource(path) && !MIGRATIONS.test(path),
  flatten: (candidate) => meshPort.flatten?.(new Map([...candidate].filter(([path]) => !MIGRATIONS.test(path)))) ?? null,
};

export async function reproStep(o: AppReproOptions): Promise<AppReproResult> {
  if (o.step < 1 || o.step > o.scenario.steps.length) {
    throw new UserError(`--step ${o.step} is not a step of scenario ${o.scenario.name} (it has ${o.scenario.steps.length})`, ExitCode.USAGE, `steps are numbered from 1, as \`mesher run\` reports them`);
  }
  if (o.scenario.profiles.length > 0 && !o.scenario.profiles.includes(o.profile.name)) {
    throw new UserError(`scenario ${o.scenario.name} is written for profile(s) ${o.scenario.profiles.join(', ')}, not ${o.profile.name}`, ExitCode.USAGE, 'pick a scenario for this profile, or pass --profile');
  }
  const session = await ReproSession.open(o);
  try {
    const started = performance.now();
    const first = await session.replayOriginal(o.scenario, o.step, o.signal);
    const stepName = o.scenario.steps[o.step - 1]!.name;
    if (!first.ready) throw new UserError(`the app did not get ready: ${first.detail}`, ExitCode.NOT_REPRODUCIBLE, `see the whole startup with \`mesher-triage mesher run ${o.appDir} --scenario ${o.scenario.name}\``);
    session.calibrate(first.readyMs ?? 0);
    const atStep = first.findings.filter((f) => f.where === o.scenario.name && f.step?.index === o.step);
    const chosen = o.kind ? atStep.find((f) => f.kind === o.kind) : atStep[0];
    if (!chosen) {
      const said = atStep.length ? `it fails with ${atStep.map((f) => f.kind).join(', ')}, not ${o.kind}` : `it passed (${first.detail})`;
      throw new UserError(`step ${o.step} (${stepName}) of scenario ${o.scenario.name} does not fail that way: ${said}`, ExitCode.NOT_REPRODUCIBLE, notFailingHint(first, o));
    }
    o.onNote?.('failure', Math.round(performance.now() - started), `step ${o.step} (${stepName}): ${chosen.kind}: ${chosen.message}`);

    const stepsStarted = performance.now();
    const available = new Set<string>([...PROFILE_VARS, ...Object.keys(o.profile.vars), ...Object.keys(o.profile.lookup)]);
    const raw = await rawSteps(o.scenario);
    const toScenario = stepsScenario(o.scenario, available);
    const fails = async (scenario: Scenario, upTo: number): Promise<boolean> => {
      const target: StepTarget = { scenario, step: upTo, kind: chosen.kind, signature: chosen.symptom.signature };
      try {
        return matchTarget((await session.replayOriginal(scenario, upTo, o.signal)).findings, target) !== undefined;
      } catch (err) {
        if (o.signal.aborted) return false;
        throw err;
      }
    };
    const steps = await reduceSteps({ raw: raw.slice(0, o.step), target: o.step - 1 }, toScenario, fails, o.signal);
    const scenario = toScenario(steps) ?? o.scenario;
    const document = scenarioDocument(o.scenario, steps, `repro: step ${o.step} (${stepName}) of ${o.scenario.name}, reduced: ${chosen.kind}: ${chosen.message}`);
    o.onNote?.('steps', Math.round(performance.now() - stepsStarted), `${o.step} → ${steps.raw.length} step(s) (kept ${steps.kept.join(', ')})${steps.changes.length ? `; ${steps.changes.join(', ')}` : ''}; ${steps.tried} replay(s)`);
    await o.onSteps?.(steps, document);

    const target: StepTarget = { scenario, step: steps.target + 1, kind: chosen.kind, signature: chosen.symptom.signature };
    const seen = new Map<string, Finding>();
    const reduction = await reduce(session.files, {
      oracle: appOracle(session, target, seen),
      // Apps with a built-in database take turns with it; more jobs then only build ahead.
      jobs: o.jobs,
      signal: o.signal,
      syntax: appPort,
      timeLimitMs: o.timeLimitMs,
      // A step's failure happens while the app runs: main's path (startup, routes) stays.
      stage: chosen.symptom.stage,
      onBest: o.onBest,
      onProgress: o.onNote ? progressNotes(o.onNote) : undefined,
      reproduceHint: () => `run \`mesher-triage mesher run ${o.appDir} --scenario ${o.scenario.name}\` to see what the app does`,
    });
    const finding = seen.get(contentKey(reduction.best)) ?? matchTarget(first.findings, { ...target, scenario: o.scenario, step: o.step }) ?? chosen;
    return { original: atStep, target: chosen, steps, scenarioDocument: document, reduction, finding, serialized: session.sharedDatabase };
  } finally {
    await session.close();
  }
}

async function rawSteps(scenario: Scenario): Promise<Array<Record<string, unknown>>> {
  const parsed = JSON.parse(await readFile(scenario.source, 'utf8')) as { steps: Array<Record<string, unknown>> };
  return parsed.steps;
}

function notFailingHint(replay: { findings: Finding[] }, o: AppReproOptions): string {
  const elsewhere = replay.findings.filter((f) => f.step && !(f.where === o.scenario.name && f.step.index === o.step));
  if (elsewhere.length) return `the replay found ${elsewhere.map((f) => `${f.kind} at step ${f.step!.index}`).join(', ')}: pass that --step`;
  return `run \`mesher-triage mesher run ${o.appDir} --scenario ${o.scenario.name}\` to see which step fails`;
}

/**
 * A note per gain, at most one every 5 s (the last gain of a pass always shows), and one every
 * 30 s while nothing is gained: a long reduction says how it goes without a line per candidate.
 */
function progressNotes(note: (name: string, ms: number, detail: string) => void): (p: ReduceProgress) => void {
  let shown = { pass: '', bytes: Number.POSITIVE_INFINITY, at: Number.NEGATIVE_INFINITY };
  let pending: ReduceProgress | undefined;
  const show = (p: ReduceProgress): void => {
    note('reduce', p.elapsedMs, `[${p.pass}] ${p.bytes} bytes, ${p.tokens} tokens; ${p.oracleCalls} candidate(s), ${p.cacheHits} cached`);
    shown = { pass: p.pass, bytes: p.bytes, at: p.elapsedMs };
    pending = undefined;
  };
  return (p) => {
    if (pending && p.pass !== pending.pass) show(pending);
    const gained = p.bytes < shown.bytes;
    if ((gained && p.elapsedMs - shown.at >= 5_000) || p.elapsedMs - shown.at >= 30_000) show(p);
    else if (gained) pending = p;
  };
}
