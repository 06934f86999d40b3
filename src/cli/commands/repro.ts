import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import chalk from 'chalk';
import type { Command } from 'commander';
import {
  compareOutcomes,
  firstWrongLine,
  makeSignature,
  SIGNATURE_VERSION,
  type Differential,
  type Observation,
} from '../../classify/index.js';
import { resolveJournalPath, type RecordResult } from '../../journal/index.js';
import { openJournalFromOptions } from './journal.js';
import { reduce, type ReduceProgress, type ReduceResult } from '../../repro/index.js';
import { runProcess, setDefaultPoolSize } from '../../toolchain/index.js';
import { ExitCode, UserError, usageError, type Candidate, type Oracle, type OracleOutcome, type Symptom } from '../../types/index.js';
import { printError, printJson } from '../output.js';
import { BestWriter, keepElsewhere, prepareOutDir } from '../out-dir.js';
import {
  applicableDifferentials,
  DEFAULT_BUILD_TIMEOUT_S,
  DEFAULT_RUN_TIMEOUT_S,
  exitCodeFor,
  loadTarget,
  observeOnce,
  positiveInt,
  rawOutput,
  renderReport,
  reportToJson,
  resolveSetup,
  triage,
  type SetupFlags,
  type TriageReport,
  type TriageSetup,
} from '../triage.js';
import type { SetExitCode } from './index.js';
import { makeDirs } from '../../fs/make-dirs.js';
import { runAppRepro, type AppReproFlags } from './mesher.js';

/** How the reducer decides that a candidate still shows the failure. */
export type OracleSpec =
  | { kind: 'signature'; signature: string; stage: string; wrongLine?: string; description: string }
  | { kind: 'differential'; which: 'opt-level' | 'version'; stages: [string, string]; description: string }
  | { kind: 'script'; script: string; description: string };

interface ReproFlags extends SetupFlags, Omit<AppReproFlags, 'meshc'> {
  test?: string;
  out?: string;
  force?: boolean;
  jobs?: string;
  json?: boolean;
  /** A path, or false for --no-journal. */
  journal?: string | false;
}

/** Written into --out with the repro: the --json document, and the mark that repro wrote the folder. */
const REPRO_FILE = 'repro.json';

/** `mesher-triage repro <file|dir>`: observe, derive the oracle, shrink, classify, journal. */
export function register(program: Command, setExitCode: SetExitCode): void {
  program
    .command('repro')
    .description('Shrink a failing Mesh program or project to a minimal standalone repro, classify it and record it in the journal')
    .argument('<path>', 'a Mesh file or a project directory')
    .option('--meshc <path>', 'meshc to use (default: $MESHC, then meshc on PATH)')
    .option('--baseline-meshc <path>', 'a second meshc for the version differential (default: $MESHC_BASELINE)')
    .option('--expect-output <file>', 'expected stdout: reduce a wrong-output bug (the same wrong line must stay)')
    .option('--test <script>', 'custom oracle: run in a temp dir holding the candidate; exit 0 = still interesting')
    .option('--out <dir>', `write the best repro so far to this directory (updated after every gain), with ${REPRO_FILE}`)
    .option('--force', 'write into a non-empty --out directory that repro did not write')
    .option('--jobs <n>', 'candidates tested in parallel (the result is the same at any value)', '1')
    .option('--timeout <seconds>', `build timeout in seconds, fractions allowed (default ${DEFAULT_BUILD_TIMEOUT_S})`)
    .option('--run-timeout <seconds>', `program run timeout in seconds, fractions allowed (default ${DEFAULT_RUN_TIMEOUT_S})`)
    .option('--journal <path>', 'journal database (default: $MESHER_TRIAGE_JOURNAL, then .mesher-triage/journal.db)')
    .option('--no-journal', 'do not record the repro in the journal')
    .option('--meshc-json', "read meshc's --json diagnostics instead of its --no-color text")
    .option('--json', 'print one JSON document')
    .option('--scenario <name|file>', 'with --step: <path> is a Mesher app; shrink it while this scenario step still fails the same way (docs/mesher.md)')
    .option('--step <n>', 'with --scenario: the failing step (1-based, as `mesher run` numbers them)')
    .option('--finding <kind>', 'with --scenario: which of the step\'s findings to keep (crash, panic, wrong-response, hang; default: the first)')
    .option('--profile <auto|name|file>', 'with --scenario: the Mesher profile (default auto)')
    .option('--database-url <url>', 'with --scenario: a PostgreSQL server to work on instead of an embedded one')
    .option('--time-limit <seconds>', 'with --scenario: stop reducing after this long and keep the best so far')
    .addHelpText(
      'after',
      '\nExit codes: 0 repro made, 2 usage (also an --out that overlaps the input or holds other files), 3 unusable input or an --out that cannot be written,' +
        '\n4 the original does not fail, 5 meshc (or PostgreSQL) missing or environment problem, 6 the repro could not be journaled (it is still printed), 130 interrupted (best repro kept).',
    )
    .action(async (path: string, flags: ReproFlags) => {
      setExitCode(await (isAppRepro(flags) ? runAppRepro(path, flags) : runRepro(path, flags)));
    });
}

const APP_ONLY = ['scenario', 'step', 'finding', 'profile', 'databaseUrl', 'timeLimit'] as const;
const PROGRAM_ONLY = ['test', 'expectOutput', 'baselineMeshc', 'runTimeout', 'meshcJson', 'timeout'] as const;

/** `--scenario`/`--step` turn repro into the Mesher app repro (src/mesher/app-repro.ts); the two sets of flags do not mix. */
function isAppRepro(flags: ReproFlags): boolean {
  const dash = (name: string): string => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  const app = APP_ONLY.filter((k) => flags[k] !== undefined);
  if (app.length === 0) return false;
  const program = PROGRAM_ONLY.filter((k) => flags[k] !== undefined);
  if (program.length > 0) throw usageError(`${program.map(dash).join(', ')} cannot be used with ${app.map(dash).join(', ')}`, 'a scenario repro judges a Mesher app by its scenario step; the other flags are for a program repro');
  return true;
}

export async function runRepro(path: string, flags: ReproFlags): Promise<number> {
  const jobs = positiveInt(flags.jobs, '--jobs') ?? 1;
  setDefaultPoolSize(Math.max(jobs, 2));
  const controller = new AbortController();
  const onSigint = (): void => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSigint);
  try {
    const target = await loadTarget(path, { buildable: true });
    const outDir = flags.out === undefined ? undefined : resolve(flags.out);
    // Before any build: a bad --out fails now, not after the reduction.
    if (outDir) await prepareOutDir(outDir, { input: path, inputKind: target.isDirectory ? 'project' : 'file', markers: [REPRO_FILE], force: flags.force });
    const writer = outDir ? new BestWriter(outDir) : undefined;
    const setup = await resolveSetup(flags);
    const original = await observeOnce(target.candidate, setup);
    if (original.observation.lean === 'environment') {
      throw new UserError(`meshc could not build anything: ${original.observation.symptom.message}`, ExitCode.SETUP, original.observation.because);
    }
    const spec = flags.test ? scriptSpec(flags.test) : await deriveOracleSpec(target.candidate, original.observation, setup, target.isProject);
    const oracle = makeOracle(spec, setup);
    const progress = !flags.json && process.stderr.isTTY ? progressPrinter() : undefined;
    const result = await reduce(target.candidate, {
      oracle,
      jobs,
      signal: controller.signal,
      onProgress: progress,
      onBest: writer ? (best) => writer.save(best) : undefined,
      reproduceHint: () => `run \`mesher-triage classify ${path}\` to see what the original does`,
      // Known stage: the reducer skips its probe of whether main's behaviour matters.
      stage: spec.kind === 'signature' ? original.observation.symptom.stage : spec.kind === 'differential' ? 'wrong-output' : undefined,
    });
    if (progress) process.stderr.write('\n');
    await writer?.save(result.best);
    const interrupted = result.stoppedBy === 'interrupt';
    const report = await triage({ path: 'minimal repro', candidate: result.best, isProject: countMeshFiles(result.best) > 1 }, { ...setup, signal: undefined });
    // Journaled before printing (the printout names the bug), but a failure is reported after
    // it: a finished repro is never thrown away.
    let journal: (RecordResult & { path: string }) | undefined;
    let journalFailure: unknown;
    if (flags.journal !== false) {
      try {
        journal = recordInJournal(flags.journal, path, result.best, report, spec);
      } catch (err) {
        journalFailure = err;
      }
    }
    const document = {
      original: { path, symptom: original.observation.symptom, because: original.observation.because },
      oracle: spec,
      reduction: stats(result),
      repro: Object.fromEntries(result.best),
      classification: reportToJson(report),
      journal: journal ?? null,
      out: outDir ?? null,
    };
    await writer?.writeFile(REPRO_FILE, `${JSON.stringify(document, null, 2)}\n`);
    const lost = writer?.failure ? await keepElsewhere(result.best, writer.failure) : undefined;
    if (lost) document.out = lost.kept ?? null;
    if (flags.json) printJson(document);
    else process.stdout.write(renderRepro(path, original.observation, spec, result, report, journal, document.out ?? undefined));

    const journalError = journalFailure === undefined ? undefined : journalProblem(journalFailure, document.out);
    if (journalFailure !== undefined && !journalError) throw journalFailure; // a bug, not the machine's state
    const failures = [lost?.error, journalError].filter((e): e is UserError => e !== undefined);
    for (const failure of failures) printError(failure.message, failure.hint);
    return failures[0]?.exitCode ?? (interrupted ? ExitCode.INTERRUPTED : ExitCode.OK);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

function scriptSpec(script: string): OracleSpec {
  return { kind: 'script', script: isAbsolute(script) ? script : resolve(script), description: `custom script ${script} exits 0` };
}

/**
 * The automatic oracle: the same signature as the original when the original fails; else the
 * differential that shows the bug (opt levels, then versions); else the failure cannot be
 * reproduced and we say so.
 */
export async function deriveOracleSpec(candidate: Candidate, original: Observation, setup: TriageSetup, isProject: boolean): Promise<OracleSpec> {
  const symptom = original.symptom;
  if (symptom.stage !== 'ok') {
    const wrongLine = symptom.stage === 'wrong-output' && setup.expectedStdout !== undefined ? firstWrongLine(setup.expectedStdout, original.stdout ?? '') : undefined;
    return {
      kind: 'signature',
      signature: symptom.signature,
      stage: symptom.stage,
      wrongLine,
      description: `same signature: ${symptom.signature}${wrongLine !== undefined ? ` (and stdout still has the wrong line ${JSON.stringify(wrongLine)})` : ''}`,
    };
  }
  const apply = applicableDifferentials(original, isProject, setup.baseline !== undefined);
  const tried: string[] = [];
  if (apply.opt) {
    const o2 = await observeOnce(candidate, setup, { optLevel: 2 });
    const c = compareOutcomes(optDifferential(original, o2.observation));
    if (c.differs) return { kind: 'differential', which: 'opt-level', stages: [original.symptom.stage, o2.observation.symptom.stage], description: `output still differs between --opt-level 0 and 2 (${c.description})` };
    tried.push('--opt-level 0 and 2 agree');
  }
  if (apply.version && setup.baseline) {
    const other = await observeOnce(candidate, setup, { meshc: setup.baseline.path });
    const c = compareOutcomes(versionDifferential(original, other.observation));
    if (c.differs) return { kind: 'differential', which: 'version', stages: [original.symptom.stage, other.observation.symptom.stage], description: `output still differs between meshc and the baseline meshc (${c.description})` };
    tried.push('meshc and the baseline agree');
  } else {
    tried.push('no baseline meshc to compare with');
  }
  throw new UserError(
    `the original does not fail: it builds and runs cleanly (${tried.join('; ')})`,
    ExitCode.NOT_REPRODUCIBLE,
    setup.expectedStdout === undefined
      ? 'for a wrong-output bug pass --expect-output <file>; for anything else pass --test <script>'
      : 'its stdout matches --expect-output',
  );
}

const optDifferential = (a: Observation, b: Observation): Differential => ({ kind: 'opt-level', labels: ['--opt-level 0', '--opt-level 2'], outcomes: [a, b] });
const versionDifferential = (a: Observation, b: Observation): Differential => ({ kind: 'version', labels: ['meshc', 'baseline meshc'], outcomes: [a, b] });

/** Turns a spec into the async Oracle the reducer calls (each candidate built in its own temp dir). */
export function makeOracle(spec: OracleSpec, setup: TriageSetup): Oracle {
  const guard = async (signal: AbortSignal | undefined, body: () => Promise<OracleOutcome>): Promise<OracleOutcome> => {
    try {
      return await body();
    } catch (err) {
      if (signal?.aborted) return 'boring'; // not cached: the engine drops answers to aborted calls
      if (err instanceof UserError && err.exitCode === ExitCode.INPUT) return 'invalid';
      throw err;
    }
  };
  switch (spec.kind) {
    case 'signature':
      return (candidate, signal) =>
        guard(signal, async () => {
          const { observation } = await observeOnce(candidate, setup, { signal });
          if (observation.symptom.signature === spec.signature) {
            if (spec.wrongLine !== undefined && !(observation.stdout ?? '').split('\n').includes(spec.wrongLine)) return 'boring';
            return 'interesting';
          }
          return observation.symptom.stage === 'hang' ? 'timeout' : 'boring';
        });
    case 'differential':
      return (candidate, signal) =>
        guard(signal, async () => {
          const a = await observeOnce(candidate, setup, { signal });
          const b = await observeOnce(candidate, setup, spec.which === 'opt-level' ? { optLevel: 2, signal } : { meshc: setup.baseline!.path, signal });
          if (a.observation.symptom.stage !== spec.stages[0] || b.observation.symptom.stage !== spec.stages[1]) return 'boring';
          const d = spec.which === 'opt-level' ? optDifferential(a.observation, b.observation) : versionDifferential(a.observation, b.observation);
          return compareOutcomes(d).differs ? 'interesting' : 'boring';
        });
    case 'script':
      return (candidate, signal) => guard(signal, () => runScriptOracle(spec.script, candidate, setup, signal));
  }
}

/** C-Reduce convention: the script runs in a temp dir holding the candidate; exit 0 = interesting. */
async function runScriptOracle(script: string, candidate: Candidate, setup: TriageSetup, signal?: AbortSignal): Promise<OracleOutcome> {
  const dir = await mkdtemp(join(tmpdir(), 'mesher-triage-test-'));
  try {
    await writeRepro(dir, candidate);
    const record = await runProcess(script, [], {
      cwd: dir,
      env: { MESHC: setup.meshc },
      timeoutMs: setup.buildTimeoutMs + setup.runTimeoutMs,
      signal,
    });
    if (record.timedOut) return 'timeout';
    if (record.exitCode === 127 || record.exitCode === 126) {
      throw new UserError(`--test script ${script} could not be run: ${record.stderr.trim() || `exit ${record.exitCode}`}`, ExitCode.USAGE, 'give the path of an executable script');
    }
    return record.exitCode === 0 ? 'interesting' : 'boring';
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function writeRepro(dir: string, candidate: Candidate): Promise<void> {
  for (const [rel, text] of candidate) {
    const target = join(dir, rel);
    await makeDirs(dirname(target));
    await writeFile(target, text, 'utf8');
  }
}

function countMeshFiles(candidate: Candidate): number {
  return [...candidate.keys()].filter((k) => k.endsWith('.mpl') || k.endsWith('.mesh')).length;
}

/** The symptom to journal: the failure itself, or the differential when the run itself is clean. */
export function journalSymptom(report: TriageReport, spec: OracleSpec): Symptom {
  if (report.primary.symptom.stage !== 'ok' || spec.kind !== 'differential') return report.primary.symptom;
  const message = spec.which === 'opt-level' ? 'stdout differs between --opt-level 0 and --opt-level 2' : 'stdout differs between meshc versions';
  return { stage: 'wrong-output', code: '', message, signature: makeSignature('wrong-output', '', message), signatureVersion: SIGNATURE_VERSION, generic: false };
}

function recordInJournal(flag: string | undefined, sourcePath: string, best: Candidate, report: TriageReport, spec: OracleSpec): RecordResult & { path: string } {
  const path = resolveJournalPath(flag);
  // Seeds the known-gap catalog too, so a journal first written by repro knows every gap.
  const journal = openJournalFromOptions({ journal: path });
  try {
    const result = journal.recordOccurrence({
      symptom: journalSymptom(report, spec),
      compiler: report.compiler,
      sourcePath: resolve(sourcePath),
      rawOutput: rawOutput(report.records),
      verdict: report.verdict,
      repro: best,
      actor: 'mesher-triage repro',
    });
    return { ...result, path };
  } finally {
    journal.close();
  }
}

/**
 * A journal that cannot be opened or written (a UserError of the journal's, or a file-system
 * error) is exit 6, said after the repro; anything else is a bug (undefined).
 */
function journalProblem(err: unknown, saved: string | null): UserError | undefined {
  const errno = (err as NodeJS.ErrnoException | undefined)?.code;
  if (!(err instanceof UserError) && !(typeof errno === 'string' && /^E[A-Z]+$/.test(errno))) return undefined;
  const hint = err instanceof UserError && err.hint ? err.hint : 'check the journal path and its permissions, pick another with --journal, or pass --no-journal';
  const kept = saved ? ` and saved in ${saved}` : '';
  return new UserError(`the repro was not recorded in the journal: ${(err as Error).message}`, ExitCode.JOURNAL, `${hint}; the repro is on stdout${kept}`);
}

/** Everything reduce() measured, without the repro itself (printed separately). */
function stats({ best: _best, ...measured }: ReduceResult): Omit<ReduceResult, 'best'> {
  return measured;
}

function renderRepro(
  path: string,
  original: Observation,
  spec: OracleSpec,
  result: ReduceResult,
  report: TriageReport,
  journal: (RecordResult & { path: string }) | undefined,
  out: string | undefined,
): string {
  const s = original.symptom;
  const o = result.original;
  const f = result.final;
  const lines = [
    `${chalk.bold('original:')}  ${path}: ${s.stage}${s.code ? ` ${s.code}` : ''}: ${s.message}`,
    `${chalk.bold('oracle:')}    ${spec.description}`,
    `${chalk.bold('reduced:')}   ${o.bytes} → ${f.bytes} bytes, ${o.tokens} → ${f.tokens} tokens, ${o.files} → ${f.files} file(s)${result.flattened ? ' (flattened into one standalone file)' : ''}; ${result.oracleCalls} oracle calls, ${result.cacheHits} cached, ${(result.durationMs / 1000).toFixed(1)} s`,
  ];
  if (result.stoppedBy) lines.push(chalk.yellow(`stopped early (${result.stoppedBy}): this is the best repro so far`));
  lines.push('');
  for (const [rel, text] of result.best) {
    lines.push(chalk.dim(`--- ${rel} ---`), text.endsWith('\n') ? text.slice(0, -1) : text);
  }
  lines.push('', renderReport(report));
  if (journal) lines.push(`${chalk.bold('journal:')}   bug #${journal.bugId} (${journal.isNew ? 'new' : 'seen before'}${journal.regressed ? ', REGRESSED' : ''}) in ${journal.path}`);
  if (out) lines.push(`${chalk.bold('saved:')}     ${resolve(out)}`);
  return `${lines.join('\n')}\n`;
}

function progressPrinter(): (p: ReduceProgress) => void {
  return (p) => {
    process.stderr.write(`\r${chalk.dim(`[${p.pass}] ${p.bytes} bytes, ${p.tokens} tokens, ${p.oracleCalls} calls, ${(p.elapsedMs / 1000).toFixed(1)} s`)}\u001b[K`);
  };
}

export { exitCodeFor };
