import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { GAP_CATALOG } from '../../gaps/index.js';
import { resolveJournalPath, type RecordResult } from '../../journal/index.js';
import {
  builtinScenarioNames,
  checkScenarioVariables,
  loadApp,
  reproStep,
  type AppReproResult,
  type FindingKind,
  DEFAULT_SCENARIOS,
  phaseLine,
  PROFILE_VARS,
  renderFinding,
  renderJUnit,
  renderReport,
  resolveProfile,
  resolveScenario,
  runMesher,
  scenarioLine,
  type Finding,
  type RunReport,
  type Scenario,
} from '../../mesher/index.js';
import { compilerInfo, findMeshc, setDefaultPoolSize } from '../../toolchain/index.js';
import { ExitCode, UserError, usageError, type Candidate } from '../../types/index.js';
import { environmentProblem } from '../environment-problem.js';
import { printError, printJson } from '../output.js';
import { BestWriter, keepElsewhere, prepareOutDir } from '../out-dir.js';
import { positiveInt, positiveSeconds } from '../triage.js';
import { openJournalFromOptions } from './journal.js';
import type { SetExitCode } from './index.js';
import { interruptible } from '../interrupt.js';

interface RunFlags {
  profile: string;
  scenario: string[];
  meshc?: string;
  databaseUrl?: string;
  keep?: boolean;
  json?: boolean;
  junit?: string;
  /** A path, or false for --no-journal. */
  journal?: string | false;
}

/** `mesher-triage mesher run|scenarios`: the application harness (src/mesher, docs/mesher.md). */
export function register(program: Command, setExitCode: SetExitCode): void {
  const mesher = program.command('mesher').description('Build and run the Mesher backend against real PostgreSQL, drive scenarios, and triage what goes wrong');
  mesher
    .command('run')
    .description('build → database → migrate → seed → start → ready → scenarios (watched) → stop → report')
    .argument('<app-dir>', 'the Mesher folder (holding main.mpl)')
    .option('--profile <auto|name|file>', 'how to build, seed, start and probe this Mesher generation (built-in: february, april)', 'auto')
    .option('--scenario <name|file>', `a scenario to run (repeatable; default: ${DEFAULT_SCENARIOS.join(', ')})`, (value: string, all: string[]) => [...all, value], [] as string[])
    .option('--meshc <path>', 'meshc to use (default: $MESHC, then meshc on PATH)')
    .option('--database-url <url>', 'use this PostgreSQL server (a scratch database per run, dropped afterwards) instead of an embedded one')
    .option('--keep', 'keep the build folder, the app log and the database afterwards')
    .option('--json', 'print one JSON document')
    .option('--junit <file>', 'also write a JUnit XML report')
    .option('--journal <path>', 'journal database (default: $MESHER_TRIAGE_JOURNAL, then .mesher-triage/journal.db)')
    .option('--no-journal', 'do not record findings in the journal')
    .addHelpText(
      'after',
      '\nExit codes: 0 no findings, 1 findings, 2 usage, 3 unusable app folder or scenario/profile file, 5 meshc or PostgreSQL missing or unusable (e.g. a port taken),' +
        '\n6 findings could not be journaled (they are still printed), 130 interrupted (app and database stopped, temp folders removed).',
    )
    .action(async (appDir: string, flags: RunFlags) => {
      setExitCode(await runCommand(appDir, flags));
    });
  mesher
    .command('scenarios')
    .description('list the built-in scenarios (mesher/scenarios/)')
    .option('--json', 'print one JSON document')
    .action(async (flags: { json?: boolean }) => {
      setExitCode(await listScenarios(flags));
    });
}

async function runCommand(appDir: string, flags: RunFlags): Promise<number> {
  const interrupt = interruptible('stopping the app and the database');
  try {
    const names = flags.scenario.length > 0 ? flags.scenario : DEFAULT_SCENARIOS;
    const scenarios: Scenario[] = [];
    for (const name of names) scenarios.push(await resolveScenario(name));
    const meshc = await findMeshc({ flag: flags.meshc });
    const compiler = await compilerInfo(meshc);
    const profile = await resolveProfile(flags.profile, appDir, compiler.dialect);
    const available = new Set<string>([...PROFILE_VARS, ...Object.keys(profile.vars), ...Object.keys(profile.lookup)]);
    for (const scenario of scenarios) checkScenarioVariables(scenario, available);
    process.stderr.write(`mesher run: ${appDir} with profile ${profile.name}, meshc ${compiler.version} (${compiler.dialect}); scenarios: ${scenarios.map((s) => s.name).join(', ')}\n`);

    const report = await runMesher({
      appDir,
      meshc,
      compiler,
      profile,
      scenarios,
      databaseUrl: flags.databaseUrl,
      keep: flags.keep === true,
      gaps: GAP_CATALOG,
      signal: interrupt.signal,
      onPhase: (p) => p.name !== 'scenarios' && process.stderr.write(`${phaseLine(p)}\n`),
      onScenario: (s) => process.stderr.write(`${scenarioLine(s)}\n`),
    });

    let journal: { path: string; records: Array<RecordResult & { finding: number }> } | undefined;
    let problem: UserError | undefined;
    if (flags.journal !== false && report.findings.length > 0) {
      try {
        journal = recordFindings(flags.journal, resolve(appDir), report);
      } catch (err) {
        problem = journalProblem(err);
      }
    }
    if (flags.junit) problem ??= await writeJUnit(flags.junit, report);
    const journalLines = journal ? journal.records.map((r) => `journal:   finding ${r.finding} → bug #${r.bugId} (${r.isNew ? 'new' : 'seen before'}${r.regressed ? ', REGRESSED' : ''}) in ${journal!.path}`) : [];
    if (flags.json) printJson({ ...report, journal: journal ?? null });
    else process.stdout.write(renderReport(report, journalLines));
    if (problem) printError(problem.message, problem.hint);
    if (report.interrupted) return ExitCode.INTERRUPTED;
    if (problem) return problem.exitCode;
    return report.findings.length > 0 ? ExitCode.FINDINGS : ExitCode.OK;
  } catch (err) {
    if (interrupt.signal.aborted && !(err instanceof UserError)) {
      printError('interrupted', 'the app and the database were stopped and the temp folders removed');
      return ExitCode.INTERRUPTED;
    }
    throw err;
  } finally {
    interrupt.dispose();
  }
}

/** Each finding becomes an occurrence in the journal, deduplicated by its signature like any symptom. */
function recordFindings(flag: string | undefined, appDir: string, report: RunReport): { path: string; records: Array<RecordResult & { finding: number }> } {
  const path = resolveJournalPath(flag);
  const journal = openJournalFromOptions({ journal: path });
  try {
    const records = report.findings.map((finding: Finding, i) => ({
      finding: i + 1,
      ...journal.recordOccurrence({
        symptom: finding.symptom,
        compiler: report.compiler,
        sourcePath: appDir,
        rawOutput: `mesher-triage mesher run ${appDir} (profile ${report.profile})\n${renderFinding(finding, i + 1)}`,
        verdict: finding.verdict,
        actor: 'mesher-triage mesher run',
      }),
    }));
    return { path, records };
  } finally {
    journal.close();
  }
}

function journalProblem(err: unknown): UserError {
  if (err instanceof UserError) return new UserError(`the findings were not recorded in the journal: ${err.message}`, ExitCode.JOURNAL, err.hint ?? 'pick another journal with --journal, or pass --no-journal');
  const environment = environmentProblem(err);
  if (environment) return new UserError(`the findings were not recorded in the journal: ${environment.message}`, ExitCode.JOURNAL, 'check the journal path and its permissions, pick another with --journal, or pass --no-journal');
  throw err;
}

async function writeJUnit(path: string, report: RunReport): Promise<UserError | undefined> {
  try {
    await mkdir(dirname(resolve(path)), { recursive: true });
    await writeFile(resolve(path), renderJUnit(report));
    return undefined;
  } catch (err) {
    const environment = environmentProblem(err);
    if (!environment) throw err;
    return new UserError(`cannot write the --junit report: ${environment.message.replace(/^cannot use /, '')}`, ExitCode.INPUT, 'the run\'s result is printed above; choose a writable path for the report');
  }
}

async function listScenarios(flags: { json?: boolean }): Promise<number> {
  const scenarios = await Promise.all((await builtinScenarioNames()).map((name) => resolveScenario(name)));
  if (flags.json) {
    printJson(scenarios.map((s) => ({ name: s.name, description: s.description, steps: s.steps.length, profiles: s.profiles, default: DEFAULT_SCENARIOS.includes(s.name), file: s.source })));
    return ExitCode.OK;
  }
  const width = Math.max(...scenarios.map((s) => s.name.length), 8);
  for (const s of scenarios) {
    const notes = [`${s.steps.length} steps`, ...(s.profiles.length ? [`profiles: ${s.profiles.join(', ')}`] : []), ...(DEFAULT_SCENARIOS.includes(s.name) ? [] : ['not run by default'])];
    process.stdout.write(`${s.name.padEnd(width)}  ${s.description} (${notes.join('; ')})\n`);
  }
  return ExitCode.OK;
}

// ------------------------------------------------------------------------------------------
// `repro <app-dir> --scenario S --step N` (registered with `repro`, which hands over here)

export interface AppReproFlags {
  scenario?: string;
  step?: string;
  finding?: string;
  profile?: string;
  meshc?: string;
  databaseUrl?: string;
  out?: string;
  force?: boolean;
  jobs?: string;
  timeLimit?: string;
  json?: boolean;
  /** A path, or false for --no-journal. */
  journal?: string | false;
}

/** Written into --out: the --json document (and the mark that repro wrote the folder), the request, the profile to replay with. */
const REPRO_FILE = 'repro.json';
const SCENARIO_FILE = 'scenario.json';
const PROFILE_FILE = 'profile.json';
const FINDING_KINDS: readonly FindingKind[] = ['crash', 'panic', 'wrong-response', 'hang', 'resource-growth', 'startup-failure'];
/** Above this, the repro's files are listed rather than printed (they are in --out and the journal). */
const PRINT_LINES = 400;

export async function runAppRepro(appDir: string, flags: AppReproFlags): Promise<number> {
  if (flags.scenario === undefined || flags.step === undefined) {
    throw usageError('--scenario and --step go together: the step of that scenario whose failure is reduced', 'e.g. repro ../mesher --scenario ingest --step 1 (steps are numbered as `mesher run` reports them)');
  }
  const step = positiveInt(flags.step, '--step')!;
  const kind = flags.finding === undefined ? undefined : (FINDING_KINDS.find((k) => k === flags.finding) ?? badKind(flags.finding));
  const jobs = positiveInt(flags.jobs, '--jobs') ?? 1;
  const timeLimitMs = positiveSeconds(flags.timeLimit, '--time-limit');
  setDefaultPoolSize(Math.max(jobs, 2));
  const interrupt = interruptible('stopping the candidates and the database; the best repro so far is kept');
  try {
    const scenario = await resolveScenario(flags.scenario);
    await loadApp(appDir); // a wrong folder fails before anything is built
    const outDir = flags.out === undefined ? undefined : resolve(flags.out);
    if (outDir) await prepareOutDir(outDir, { input: appDir, inputKind: 'project', markers: [REPRO_FILE], force: flags.force });
    const writer = outDir ? new BestWriter(outDir) : undefined;
    const meshc = await findMeshc({ flag: flags.meshc });
    const compiler = await compilerInfo(meshc);
    const profile = await resolveProfile(flags.profile ?? 'auto', appDir, compiler.dialect);
    checkScenarioVariables(scenario, new Set<string>([...PROFILE_VARS, ...Object.keys(profile.vars), ...Object.keys(profile.lookup)]));
    process.stderr.write(`repro: ${appDir}, step ${step} of scenario ${scenario.name}, profile ${profile.name}, meshc ${compiler.version} (${compiler.dialect}), ${jobs} job(s)\n`);
    const progress = (name: string, ms: number, detail: string): void => void process.stderr.write(`${phaseLine({ name, ok: true, ms, detail, status: name === 'failure' ? 'found' : 'ok' })}\n`);
    let scenarioText = '';
    const result = await reproStep({
      appDir,
      meshc,
      compiler,
      profile,
      databaseUrl: flags.databaseUrl,
      gaps: GAP_CATALOG,
      signal: interrupt.signal,
      scenario,
      step,
      kind,
      jobs,
      timeLimitMs,
      onPhase: (p) => progress(p.name, p.ms, p.detail),
      onNote: progress,
      onSteps: async (_steps, document) => {
        scenarioText = `${JSON.stringify(document, null, 2)}\n`;
        await writer?.writeFile(SCENARIO_FILE, scenarioText);
        await writer?.writeFile(PROFILE_FILE, await replayProfile(profile.source));
      },
      onBest: writer ? (best) => writer.save(best) : undefined,
    });
    const best = result.reduction.best;
    await writer?.save(best);
    const interrupted = result.reduction.stoppedBy === 'interrupt';
    const files: Candidate = new Map([...best, [SCENARIO_FILE, scenarioText]]);
    let journal: (RecordResult & { path: string }) | undefined;
    let journalFailure: UserError | undefined;
    if (flags.journal !== false) {
      try {
        journal = recordRepro(flags.journal, appDir, result, files, compiler, flags);
      } catch (err) {
        journalFailure = reproJournalProblem(err);
      }
    }
    const replay = outDir ? `mesher-triage mesher run ${outDir} --profile ${join(outDir, PROFILE_FILE)} --scenario ${join(outDir, SCENARIO_FILE)} --meshc ${meshc}` : null;
    const document = {
      app: appDir,
      profile: profile.name,
      compiler,
      scenario: { name: scenario.name, file: scenario.source, step, stepName: scenario.steps[step - 1]!.name },
      failure: { kind: result.target.kind, signature: result.target.symptom.signature, message: result.target.message },
      oracle: `step ${result.steps.target + 1} of the reduced scenario still fails the same way: ${result.target.kind}, signature ${result.target.symptom.signature}`,
      steps: { kept: result.steps.kept, changes: result.steps.changes, replays: result.steps.tried, scenario: result.scenarioDocument },
      reduction: reductionStats(result),
      repro: Object.fromEntries(best),
      finding: result.finding,
      journal: journal ?? null,
      out: outDir ?? null,
      replay,
      interrupted,
    };
    await writer?.writeFile(REPRO_FILE, `${JSON.stringify(document, null, 2)}\n`);
    const lost = writer?.failure ? await keepElsewhere(files, writer.failure) : undefined;
    if (lost) document.out = lost.kept ?? null;
    if (flags.json) printJson(document);
    else process.stdout.write(renderAppRepro(result, files, journal, document.out ?? undefined, replay));
    const failures = [lost?.error, journalFailure].filter((e): e is UserError => e !== undefined);
    for (const failure of failures) printError(failure.message, failure.hint);
    return failures[0]?.exitCode ?? (interrupted ? ExitCode.INTERRUPTED : ExitCode.OK);
  } catch (err) {
    if (interrupt.signal.aborted && !(err instanceof UserError)) {
      printError('interrupted before the reduction started: nothing to keep', 'the apps and the database were stopped and the temp folders removed');
      return ExitCode.INTERRUPTED;
    }
    throw err;
  } finally {
    interrupt.dispose();
  }
}

function badKind(kind: string): never {
  throw usageError(`--finding must be one of ${FINDING_KINDS.join(', ')}, got '${kind}'`, 'it picks which of the step\'s findings to keep when it has several (default: the first one `mesher run` reports)');
}

/** The profile to replay the repro with: the same, but ready on any answer (the probed route may be gone). */
async function replayProfile(source: string): Promise<string> {
  const raw = JSON.parse(await readFile(source, 'utf8')) as { ready: { probe: Record<string, unknown> } };
  raw.ready.probe.status = 'any';
  return `${JSON.stringify(raw, null, 2)}\n`;
}

function recordRepro(flag: string | undefined, appDir: string, result: AppReproResult, files: Candidate, compiler: RunReport['compiler'], flags: AppReproFlags): RecordResult & { path: string } {
  const path = resolveJournalPath(flag);
  const journal = openJournalFromOptions({ journal: path });
  try {
    const command = `mesher-triage repro ${appDir} --scenario ${flags.scenario} --step ${flags.step}`;
    return {
      ...journal.recordOccurrence({
        symptom: result.finding.symptom,
        compiler,
        sourcePath: resolve(appDir),
        rawOutput: `${command}\n${renderFinding(result.finding, 1)}`,
        verdict: result.finding.verdict,
        repro: files,
        actor: 'mesher-triage repro',
      }),
      path,
    };
  } finally {
    journal.close();
  }
}

function reproJournalProblem(err: unknown): UserError {
  const problem = journalProblem(err);
  return new UserError(problem.message.replace('the findings were', 'the repro was'), problem.exitCode, `${problem.hint}; the repro is on stdout (and in --out)`);
}

/** Everything the reducer measured, without the repro itself (printed separately). */
function reductionStats({ reduction: { best: _best, ...measured }, serialized }: AppReproResult): Record<string, unknown> {
  return { ...measured, serializedByDatabase: serialized };
}

function renderAppRepro(result: AppReproResult, files: Candidate, journal: (RecordResult & { path: string }) | undefined, out: string | undefined, replay: string | null): string {
  const r = result.reduction;
  const t = result.target;
  const lines = [
    `failure:   ${t.kind} at ${t.where}, step ${t.step?.index} (${t.step?.name}): ${t.message}`,
    `signature: ${t.symptom.signature} (${t.symptom.signatureVersion})`,
    `steps:     ${result.steps.kept.length} kept (${result.steps.kept.join(', ')})${result.steps.changes.length ? `; ${result.steps.changes.join(', ')}` : ''}`,
    `reduced:   ${r.original.bytes} → ${r.final.bytes} bytes, ${r.original.tokens} → ${r.final.tokens} tokens, ${r.original.files} → ${r.final.files} Mesh file(s)${r.flattened ? ' (flattened into one standalone main.mpl)' : ''}; ${r.oracleCalls} candidates, ${r.cacheHits} cached, ${(r.durationMs / 1000).toFixed(1)} s${result.serialized ? ' (one app at a time: its database is built in)' : ''}`,
  ];
  if (r.stoppedBy) lines.push(`stopped early (${r.stoppedBy}): this is the best repro so far`);
  lines.push('');
  const total = [...files.values()].reduce((n, text) => n + text.split('\n').length, 0);
  for (const [rel, text] of files) {
    if (rel.startsWith('migrations/')) lines.push(`--- ${rel} (unchanged: it makes the database the step runs on) ---`);
    else if (total > PRINT_LINES) lines.push(`--- ${rel} (${text.split('\n').length} lines) ---`);
    else lines.push(`--- ${rel} ---`, text.endsWith('\n') ? text.slice(0, -1) : text);
  }
  lines.push('', renderFinding(result.finding, 1));
  if (journal) lines.push(`journal:   bug #${journal.bugId} (${journal.isNew ? 'new' : 'seen before'}${journal.regressed ? ', REGRESSED' : ''}) in ${journal.path}`);
  if (out) lines.push(`saved:     ${out}`);
  if (replay) lines.push(`replay:    ${replay}`);
  return `${lines.join('\n')}\n`;
}
