import type { Probe, ProbeObservation } from '../gaps/index.js';
import { judgeProbe } from '../gaps/index.js';
import { ExitCode, UserError, type CompilerInfo, type GapStatus, type Stage } from '../types/index.js';
import { decideBugOutcome, decideOutcome, isFailure, type ProbeVerdict } from './outcome.js';
import type { GateResult, GateSummary } from './report.js';
import { selectShard, type Shard } from './shard.js';

/**
 * The gate's orchestration, with every effect injected (compiler runs, journal reads, the
 * workaround scan) so that it can be tested without processes. The CLI wires the real ones.
 */

/** What one probe (or stored repro) did with the current compiler. */
export interface CheckRun {
  observation: ProbeObservation;
  /** Signature of the observed symptom (`stage|code|message`), compared for stored bugs. */
  signature: string;
  ms: number;
}

/** A gap with a probe program, as the gate sees it. */
export interface GapToCheck {
  key: string;
  title: string;
}

/** An open compiler bug from the journal, with its stored repro (for --all-bugs). */
export interface BugToCheck {
  id: number;
  title: string;
  stage: Stage | 'unknown';
  signature: string;
  files: ReadonlyMap<string, string>;
}

export interface GateDeps {
  compiler: CompilerInfo;
  gaps: readonly GapToCheck[];
  loadProbe(key: string): Promise<Probe>;
  /** The journal's status for this gap in the compiler's dialect; undefined when it has none. */
  recordedStatus(key: string): GapStatus | undefined;
  /** Builds and runs one program; a UserError(SETUP) means the compiler is missing or broken. */
  runProbe(probe: Probe): Promise<CheckRun>;
  runRepro(files: ReadonlyMap<string, string>): Promise<CheckRun>;
  /** Open compiler bugs with a stored repro (only asked for with --all-bugs). */
  openBugs(): readonly BugToCheck[];
  /** `file:line:col` of the known workaround sites per fixed gap key, from the scanned app code. */
  workaroundSites(keys: readonly string[]): Promise<ReadonlyMap<string, string[]>>;
  /** Called as each check finishes (progress). */
  onResult?(result: GateResult): void;
}

export interface GateOptions {
  /** How many checks run at once. */
  jobs: number;
  shard?: Shard;
  allBugs: boolean;
  strict: boolean;
}

interface Check {
  key: string;
  run(): Promise<GateResult>;
}

/** Runs every check of this shard and gathers the results in key order. */
export async function runGate(options: GateOptions, deps: GateDeps): Promise<GateSummary> {
  const checks: Check[] = deps.gaps.map((gap) => ({ key: gap.key, run: () => checkGap(gap, deps) }));
  if (options.allBugs) {
    for (const bug of deps.openBugs()) checks.push({ key: bugKey(bug.id), run: () => checkBug(bug, deps) });
  }
  const mine = options.shard ? selectShard(checks, (c) => c.key, options.shard) : [...checks].sort((a, b) => a.key.localeCompare(b.key));
  const results = await mapLimit(mine, Math.max(1, options.jobs), async (check) => {
    const result = await check.run();
    deps.onResult?.(result);
    return result;
  });
  const fixedKeys = results.filter((r) => r.outcome === 'fixed' && r.suite === 'known-gaps').map((r) => r.key);
  if (fixedKeys.length > 0) {
    const sites = await deps.workaroundSites(fixedKeys);
    for (const r of results) if (r.outcome === 'fixed') r.workaroundSites = sites.get(r.key) ?? [];
  }
  return { compiler: deps.compiler, strict: options.strict, results };
}

export const bugKey = (id: number): string => `bug-${id}`;

async function checkGap(gap: GapToCheck, deps: GateDeps): Promise<GateResult> {
  const base = { key: gap.key, title: gap.title, suite: 'known-gaps' as const, workaroundSites: [] };
  const recorded = deps.recordedStatus(gap.key);
  if (recorded === undefined) {
    return { ...base, outcome: 'error', detail: `the journal has no status for dialect '${deps.compiler.dialect}'`, ms: 0 };
  }
  if (recorded === 'not-applicable') {
    return { ...base, ...decideOutcome('still-open', recorded, ''), ms: 0 };
  }
  const started = Date.now();
  try {
    const probe = await deps.loadProbe(gap.key);
    const run = await deps.runProbe(probe);
    const verdict = judgeProbe(probe, run.observation);
    return { ...base, ...decideOutcome(verdict, recorded, describeRun(run.observation)), ms: run.ms };
  } catch (err) {
    return { ...base, outcome: 'error', detail: errorText(err), ms: Date.now() - started };
  }
}

async function checkBug(bug: BugToCheck, deps: GateDeps): Promise<GateResult> {
  const base = { key: bugKey(bug.id), title: bug.title, suite: 'open-bugs' as const, workaroundSites: [] };
  if (bug.files.size === 0) return { ...base, outcome: 'skipped', detail: 'no stored repro', ms: 0 };
  if (bug.stage === 'wrong-output') {
    // A clean run says nothing without the expected output, which the journal does not keep.
    return { ...base, outcome: 'skipped', detail: 'wrong-output bugs need an expected output to re-check', ms: 0 };
  }
  const started = Date.now();
  try {
    const run = await deps.runRepro(bug.files);
    const verdict = judgeRepro(bug.signature, run);
    return { ...base, ...decideBugOutcome(verdict, describeRun(run.observation)), ms: run.ms };
  } catch (err) {
    return { ...base, outcome: 'error', detail: errorText(err), ms: Date.now() - started };
  }
}

/** Glacier-style: same signature → still open; builds and runs clean → fixed; else changed. */
export function judgeRepro(recordedSignature: string, run: CheckRun): ProbeVerdict {
  if (run.signature === recordedSignature) return 'still-open';
  if (run.observation.stage === 'ok') return 'fixed';
  return 'changed';
}

/** The observed run in words, for the detail column. */
export function describeRun(observation: ProbeObservation): string {
  if (observation.stage === 'ok' || observation.stage === 'wrong-output' || observation.stage === 'hang') {
    const out = observation.stdout.trim().split('\n').slice(0, 3).join(' / ');
    const what = observation.stage === 'hang' ? 'ran until the timeout' : 'ran';
    return `${what}, printed ${out ? JSON.stringify(out) : 'nothing'}`;
  }
  const first = observation.text.split('\n').find((l) => l.trim() !== '') ?? '';
  return `${observation.stage}: ${first.trim().slice(0, 200)}`;
}

/** A UserError (compiler missing or broken, probe unreadable) becomes an `error` row; anything else is our bug. */
function errorText(err: unknown): string {
  if (!(err instanceof UserError)) throw err;
  return err.hint ? `${err.message} (${err.hint})` : err.message;
}

/** 5 when a check could not run (setup), 1 when the gate failed, else 0. */
export function gateExitCode(summary: GateSummary): number {
  if (summary.results.some((r) => r.outcome === 'error')) return ExitCode.SETUP;
  if (summary.results.some((r) => isFailure(r.outcome, summary.strict))) return ExitCode.FINDINGS;
  return ExitCode.OK;
}

/** What `--update` writes to the journal: fixes and regressions of known gaps, and fixed bugs. */
export interface JournalUpdate {
  kind: 'gap-fixed' | 'gap-regressed' | 'bug-fixed';
  key: string;
}

export function plannedUpdates(summary: GateSummary): JournalUpdate[] {
  const updates: JournalUpdate[] = [];
  for (const r of summary.results) {
    if (r.suite === 'known-gaps' && r.outcome === 'fixed') updates.push({ kind: 'gap-fixed', key: r.key });
    else if (r.suite === 'known-gaps' && r.outcome === 'regressed') updates.push({ kind: 'gap-regressed', key: r.key });
    else if (r.suite === 'open-bugs' && r.outcome === 'fixed') updates.push({ kind: 'bug-fixed', key: r.key });
  }
  return updates;
}

/** Runs `fn` over the items with at most `limit` at once; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
