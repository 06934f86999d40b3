import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { GAP_CATALOG } from '../../gaps/index.js';
import { resolveJournalPath, type RecordResult } from '../../journal/index.js';
import {
  builtinScenarioNames,
  checkScenarioVariables,
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
import { compilerInfo, findMeshc } from '../../toolchain/index.js';
import { ExitCode, UserError } from '../../types/index.js';
import { environmentProblem } from '../environment-problem.js';
import { printError, printJson } from '../output.js';
import { openJournalFromOptions } from './journal.js';
import type { SetExitCode } from './index.js';

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
  const controller = new AbortController();
  // Every Ctrl-C (and a SIGTERM) lands here: a second one must not kill us half-way through cleaning up.
  const onSigint = (): void => {
    if (!controller.signal.aborted) process.stderr.write('\ninterrupted: stopping the app and the database...\n');
    controller.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
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
      signal: controller.signal,
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
    if (controller.signal.aborted && !(err instanceof UserError)) {
      printError('interrupted', 'the app and the database were stopped and the temp folders removed');
      return ExitCode.INTERRUPTED;
    }
    throw err;
  } finally {
    process.removeListener('SIGINT', onSigint);
    process.removeListener('SIGTERM', onSigint);
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
