/**
 * The triage pipeline shared by `classify` and `repro`: load a target, find the compilers,
 * observe, run the differentials that apply, decide the verdict, render it.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import chalk from 'chalk';
import {
  compareOutcomes,
  decideVerdict,
  observe as observeRecords,
  type BuildAndRun,
  type Comparison,
  type Differential,
  type Observation,
} from '../classify/index.js';
import { flattenCandidate } from '../repro/index.js';
import { GAP_CATALOG, scanParsed } from '../gaps/index.js';
import { childByField, discoverProjectFiles, isMeshFile, nodeText, parseSource, readMeshFile } from '../syntax/index.js';
import { compilerInfo, findMeshc, observe as observeCandidate } from '../toolchain/index.js';
import { ExitCode, UserError, type Candidate, type CompilerInfo, type KnownGap, type Verdict } from '../types/index.js';

/** Environment variable naming a second meshc for the version differential. */
export const BASELINE_ENV = 'MESHC_BASELINE';
/** Defaults of --timeout and --run-timeout, in seconds (the unit of every timeout flag). */
export const DEFAULT_BUILD_TIMEOUT_S = 60;
export const DEFAULT_RUN_TIMEOUT_S = 10;

// ------------------------------------------------------------------------------------------
// Shared triage pipeline (used by `classify` and `repro`): I/O at the edges, classify/ pure.

export interface TriageTarget {
  /** What the user passed. */
  path: string;
  candidate: Candidate;
  /** More than one Mesh file: the flatten differential applies. */
  isProject: boolean;
}

export interface TriageSetup {
  meshc: string;
  compiler: CompilerInfo;
  baseline?: { path: string; compiler: CompilerInfo };
  expectedStdout?: string;
  buildTimeoutMs: number;
  runTimeoutMs: number;
  gaps: readonly KnownGap[];
  /** Ask meshc for `--json` diagnostics instead of `--no-color` text. */
  meshcJson: boolean;
  signal?: AbortSignal;
}

export interface SetupFlags {
  meshc?: string;
  baselineMeshc?: string;
  expectOutput?: string;
  timeout?: string;
  runTimeout?: string;
  meshcJson?: boolean;
}

export interface DifferentialResult {
  differential: Differential;
  comparison: Comparison;
}

export interface TriageReport {
  target: string;
  primary: Observation;
  records: BuildAndRun;
  differentials: DifferentialResult[];
  /** Checks that could not run, and why (said, never hidden). */
  skipped: string[];
  /** Known gaps whose risky shape is in the program. */
  shapeHints: string[];
  verdict: Verdict;
  compiler: CompilerInfo;
  baseline?: CompilerInfo;
}

/**
 * A file becomes `main.mpl` of a one-file project; a directory keeps meshc's build set (+ mesh.toml).
 * `buildable`: the project must have the main.mpl meshc builds from (classify, repro), checked
 * here so that a wrong folder is an input error, not a meshc failure.
 */
export async function loadTarget(
  path: string,
  options: { buildable?: boolean } = {},
): Promise<TriageTarget & { /** Given as a directory (a project, even of one file). */ isDirectory: boolean }> {
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch {
    throw new UserError(`${path} does not exist`, ExitCode.INPUT, 'pass a Mesh file (.mpl) or a project directory holding main.mpl');
  }
  if (!isDir) return { path, candidate: new Map([['main.mpl', await readMeshFile(path)]]), isProject: false, isDirectory: false };
  const files = await discoverProjectFiles(path);
  if (files.length === 0) throw new UserError(`${path} holds no Mesh files`, ExitCode.INPUT, 'pass a project directory holding main.mpl');
  if (options.buildable && !files.includes('main.mpl')) {
    throw new UserError(
      `${path} has no main.mpl: meshc builds a project from its main.mpl (found ${files.length} other Mesh file${files.length === 1 ? '' : 's'})`,
      ExitCode.INPUT,
      'pass the project folder that holds main.mpl, or a single .mpl file',
    );
  }
  const candidate = new Map<string, string>();
  for (const rel of files) candidate.set(rel, await readMeshFile(join(path, rel)));
  // The manifest rides along unchanged so a build (or a reducer's test) sees the project as it is.
  const manifest = await readFile(join(path, 'mesh.toml'), 'utf8').catch(() => undefined);
  if (manifest !== undefined) candidate.set('mesh.toml', manifest);
  return { path, candidate, isProject: files.length > 1, isDirectory: true };
}

export async function resolveSetup(flags: SetupFlags, signal?: AbortSignal): Promise<TriageSetup> {
  const meshc = await findMeshc({ flag: flags.meshc });
  const compiler = await compilerInfo(meshc);
  const baselineName = flags.baselineMeshc ?? (process.env[BASELINE_ENV] || undefined);
  let baseline: TriageSetup['baseline'];
  if (baselineName) {
    const path = await findMeshc({ flag: baselineName, env: { ...process.env, MESHC: undefined } });
    baseline = { path, compiler: await compilerInfo(path) };
  }
  let expectedStdout: string | undefined;
  if (flags.expectOutput !== undefined) {
    try {
      expectedStdout = await readFile(flags.expectOutput, 'utf8');
    } catch (err) {
      throw new UserError(`cannot read --expect-output file ${flags.expectOutput}: ${(err as Error).message}`, ExitCode.INPUT);
    }
  }
  return {
    meshc,
    compiler,
    baseline,
    expectedStdout,
    buildTimeoutMs: positiveSeconds(flags.timeout, '--timeout') ?? DEFAULT_BUILD_TIMEOUT_S * 1000,
    runTimeoutMs: positiveSeconds(flags.runTimeout, '--run-timeout') ?? DEFAULT_RUN_TIMEOUT_S * 1000,
    gaps: GAP_CATALOG,
    meshcJson: flags.meshcJson === true,
    signal,
  };
}

export function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`${flag} must be a positive whole number, got '${value}'`, ExitCode.USAGE);
  return n;
}

/** A timeout flag: seconds, fractions allowed (0.5), returned in milliseconds. */
export function positiveSeconds(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UserError(`${flag} must be a positive number of seconds, got '${value}'`, ExitCode.USAGE);
  return Math.max(1, Math.round(n * 1000));
}

/** Keys of the known gaps whose risky shape the gap scanner finds in the candidate. */
export function shapeHintsFor(candidate: Candidate, gaps: readonly KnownGap[]): string[] {
  const files = [...candidate]
    .filter(([rel]) => isMeshFile(rel))
    .map(([rel, text]) => parseSource(text, rel));
  const keys = new Set<string>();
  for (const file of files) {
    for (const finding of scanParsed(file, { catalog: gaps, includeFixed: true, workarounds: false }, files)) {
      if (finding.kind === 'risky') keys.add(finding.gapKey);
    }
  }
  return [...keys];
}

/**
 * Whether main.mpl defines a top-level `fn main` (meshc fails without one, but with a codegen
 * message that does not say so). Undefined when unsure: no main.mpl, a manifest that may name
 * another entry point, or syntax errors.
 */
export function definesMain(candidate: Candidate): boolean | undefined {
  const source = candidate.get('main.mpl');
  if (source === undefined || candidate.has('mesh.toml')) return undefined;
  const file = parseSource(source, 'main.mpl');
  if (file.errors.length > 0) return undefined;
  return file.root.children.some((node) => {
    const name = node.type === 'function_definition' ? childByField(node, 'name') : undefined;
    return name !== undefined && nodeText(source, name) === 'main';
  });
}

/** Builds (+ runs) one candidate and classifies the records. */
export async function observeOnce(
  candidate: Candidate,
  setup: TriageSetup,
  options: { meshc?: string; optLevel?: 0 | 2; signal?: AbortSignal } = {},
): Promise<{ observation: Observation; records: BuildAndRun }> {
  const result = await observeCandidate(candidate, {
    meshc: options.meshc ?? setup.meshc,
    optLevel: options.optLevel,
    json: setup.meshcJson,
    timeoutMs: setup.buildTimeoutMs,
    run: { timeoutMs: setup.runTimeoutMs },
    signal: options.signal ?? setup.signal,
  });
  const records: BuildAndRun = { build: result.build, run: result.run ?? undefined };
  return { observation: observeRecords(records, { expectedStdout: setup.expectedStdout, definesMain: definesMain(candidate) }), records };
}

/** Which differentials apply to a primary observation. */
export function applicableDifferentials(primary: Observation, isProject: boolean, hasBaseline: boolean): { opt: boolean; version: boolean; flatten: boolean } {
  const stage = primary.symptom.stage;
  const frontEnd = stage === 'parse' || stage === 'typecheck';
  const environment = primary.lean === 'environment';
  return {
    // Optimisation only matters once the front end accepted the program.
    opt: !environment && !frontEnd,
    version: !environment && hasBaseline,
    // Only a failure can be "project-only".
    flatten: !environment && isProject && stage !== 'ok',
  };
}

/** Observe, run the differentials that apply, and decide. */
export async function triage(target: TriageTarget, setup: TriageSetup, given?: { observation: Observation; records: BuildAndRun }): Promise<TriageReport> {
  const { observation: primary, records } = given ?? (await observeOnce(target.candidate, setup));
  const apply = applicableDifferentials(primary, target.isProject, setup.baseline !== undefined);
  const differentials: DifferentialResult[] = [];
  const skipped: string[] = [];
  const add = (differential: Differential): void => {
    differentials.push({ differential, comparison: compareOutcomes(differential) });
  };
  if (apply.opt) {
    const o2 = await observeOnce(target.candidate, setup, { optLevel: 2 });
    add({ kind: 'opt-level', labels: ['--opt-level 0', '--opt-level 2'], outcomes: [primary, o2.observation] });
  } else {
    skipped.push('opt-level differential: not applicable (front-end rejection or environment problem)');
  }
  if (apply.version && setup.baseline) {
    const other = await observeOnce(target.candidate, setup, { meshc: setup.baseline.path });
    add({ kind: 'version', labels: ['meshc', 'baseline meshc'], outcomes: [primary, other.observation] });
  } else if (!setup.baseline) {
    skipped.push(`version differential: no second compiler (pass --baseline-meshc or set ${BASELINE_ENV})`);
  }
  if (apply.flatten) {
    const source = flattenCandidate(target.candidate);
    if (source === null) {
      skipped.push('flatten differential: the project could not be flattened into one file');
    } else {
      const flat = await observeOnce(new Map([['main.mpl', source]]), setup);
      add({ kind: 'flatten', labels: ['project', 'flattened'], outcomes: [primary, flat.observation] });
    }
  }
  const shapeHints = primary.symptom.stage === 'ok' ? [] : shapeHintsFor(target.candidate, setup.gaps);
  const verdict = decideVerdict({
    primary,
    differentials: differentials.map((d) => d.differential),
    gaps: setup.gaps,
    dialect: setup.compiler.dialect,
    shapeHints,
  });
  return { target: target.path, primary, records, differentials, skipped, shapeHints, verdict, compiler: setup.compiler, baseline: setup.baseline?.compiler };
}

/** Exit code of a triage: OK when nothing failed, SETUP for environment problems, else FINDINGS. */
export function exitCodeFor(report: TriageReport): number {
  if (report.primary.lean === 'environment') return ExitCode.SETUP;
  const failed = report.primary.symptom.stage !== 'ok' || report.differentials.some((d) => d.comparison.differs);
  return failed ? ExitCode.FINDINGS : ExitCode.OK;
}

const CLASS_WORDS: Record<Verdict['class'], string> = {
  compiler: 'compiler bug',
  app: 'application bug',
  'known-gap': 'known compiler gap',
  undetermined: 'undetermined',
};

export function renderVerdict(verdict: Verdict): string {
  const colour = { compiler: chalk.red, app: chalk.yellow, 'known-gap': chalk.magenta, undetermined: chalk.cyan }[verdict.class];
  const lines = [`${chalk.bold('verdict:')}   ${colour(CLASS_WORDS[verdict.class])}${verdict.gapKey ? ` (${verdict.gapKey})` : ''}${verdict.resemblesGap ? `, resembles gap ${verdict.resemblesGap}` : ''} — confidence ${verdict.confidence.toFixed(2)}`];
  lines.push(chalk.bold('evidence:'));
  for (const reason of verdict.reasons) lines.push(`  - ${reason}`);
  return lines.join('\n');
}

export function renderReport(report: TriageReport): string {
  const s = report.primary.symptom;
  const lines = [
    `${chalk.bold('target:')}    ${report.target}`,
    `${chalk.bold('compiler:')}  ${report.compiler.path} (meshc ${report.compiler.version}, ${report.compiler.dialect})${report.baseline ? `; baseline ${report.baseline.path} (${report.baseline.dialect})` : ''}`,
    `${chalk.bold('symptom:')}   ${s.stage}${s.code ? ` ${s.code}` : ''}: ${s.message}${s.generic ? chalk.dim(' (generic: no rule recognised this output)') : ''}`,
    `${chalk.bold('signature:')} ${s.signature} ${chalk.dim(`(${s.signatureVersion})`)}`,
  ];
  for (const d of report.differentials) {
    const mark = d.comparison.differs ? chalk.red('differs') : d.comparison.inconclusive ? chalk.dim('inconclusive') : chalk.green('agrees');
    lines.push(`${chalk.bold('check:')}     ${d.differential.kind}: ${mark} — ${d.comparison.description}`);
  }
  for (const skip of report.skipped) lines.push(`${chalk.bold('skipped:')}   ${chalk.dim(skip)}`);
  lines.push(renderVerdict(report.verdict));
  return lines.join('\n');
}

export function reportToJson(report: TriageReport): Record<string, unknown> {
  return {
    target: report.target,
    compiler: report.compiler,
    baseline: report.baseline ?? null,
    symptom: report.primary.symptom,
    phase: report.primary.phase,
    because: report.primary.because,
    detail: report.primary.detail,
    diagnostics: report.primary.diagnostics,
    codegenWarnings: report.primary.codegenWarnings,
    differentials: report.differentials.map((d) => ({
      kind: d.differential.kind,
      labels: d.differential.labels,
      signatures: d.differential.outcomes.map((o) => o.symptom.signature),
      differs: d.comparison.differs,
      inconclusive: d.comparison.inconclusive,
      description: d.comparison.description,
    })),
    skipped: report.skipped,
    gapShapes: report.shapeHints,
    verdict: report.verdict,
  };
}

/** Raw output of the primary build and run, for the journal. */
export function rawOutput(records: BuildAndRun): string {
  const parts = [`$ ${records.build.argv.join(' ')}`, records.build.stderr, records.build.stdout];
  if (records.run) parts.push(`$ ${records.run.argv.join(' ')}`, records.run.stdout, records.run.stderr);
  return parts.filter(Boolean).join('\n');
}

// ------------------------------------------------------------------------------------------
// The command.


/** `mesher-triage classify <file|dir>`: build, run, sign, run the differentials, print the verdict. */
