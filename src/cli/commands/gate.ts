import { existsSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import chalk from 'chalk';
import { GAP_CATALOG, loadProbe, probePath, scanPaths } from '../../gaps/index.js';
import { isFailure, type GateOutcome } from '../../gate/outcome.js';
import { countOutcomes, fixedMessage, renderJUnit, renderMarkdown, type GateResult, type GateSummary } from '../../gate/report.js';
import { alignColumns } from '../../gate/table.js';
import { runProbeProgram, runProgram, type MeshcRunnerOptions } from '../../gate/probe-runner.js';
import { gateExitCode, plannedUpdates, runGate, type BugToCheck, type JournalUpdate } from '../../gate/run.js';
import { parseShard } from '../../gate/shard.js';
import type { Journal } from '../../journal/index.js';
import { compilerInfo, findMeshc, setDefaultPoolSize } from '../../toolchain/index.js';
import { ExitCode, UserError, usageError, type CompilerInfo } from '../../types/index.js';
import { environmentProblem } from '../environment-problem.js';
import { printJson, printWarning } from '../output.js';
import type { SetExitCode } from './index.js';
import { currentActor, openJournalFromOptions } from './journal.js';
import { makeDirs } from '../../fs/make-dirs.js';

interface GateFlags {
  meshc?: string;
  journal?: string;
  jobs?: string;
  shard?: string;
  allBugs?: boolean;
  strict: boolean;
  update?: boolean;
  app?: string;
  junit?: string;
  markdown?: string;
  json?: boolean;
  dialect?: 'february' | 'april';
  compilerVersion?: string;
  buildTimeout: string;
  runTimeout: string;
}

const EXIT_HELP = `
Outcomes: still-open (fails as recorded: pass), still-fixed (pass), fixed (prints the expected
output: fails in strict mode, warns with --no-strict), changed (fails with another signature:
fail), regressed (recorded fixed, fails again: fail), skipped (not for this dialect), error
(compiler missing or broken).

Exit codes: 0 gate passed, 1 gate failed, 2 usage error, 3 a --junit/--markdown file cannot
be written (the result is printed first), 5 setup error (meshc missing or broken), 6 journal
unusable.`;

/** `mesher-triage gate`: re-check every known compiler gap (and, with --all-bugs, every open bug). */
export function register(program: Command, setExitCode: SetExitCode): void {
  program
    .command('gate')
    .description('CI gate: build and run every known-gap probe with the current meshc and compare with the journal (strict, two-way)')
    .option('--meshc <path>', 'meshc to check (default: $MESHC, then PATH)')
    .option('--journal <path>', 'journal file (default: $MESHER_TRIAGE_JOURNAL or .mesher-triage/journal.db)')
    .option('-j, --jobs <n>', 'checks run at once (default: number of cores)')
    .option('--shard <i/n>', 'run only shard i of n (CI matrices; every check lands in exactly one shard)')
    .option('--all-bugs', "also re-check every open compiler bug's stored repro (glacier-style)")
    .option('--no-strict', 'lenient: a gap that is now fixed only warns')
    .option('--update', 'record fixes (compiler version + date) and regressions in the journal')
    .option('--app <dir>', 'application code whose workaround sites to list for fixed gaps (default: mesher/ when it exists)')
    .option('--junit <file>', 'also write a JUnit XML report')
    .option('--markdown <file>', 'also write a Markdown report (PR comment / CI step summary)')
    .option('--json', 'print the results as JSON')
    .addOption(new Option('--dialect <dialect>', 'compare with the journal for this dialect instead of the detected one').choices(['february', 'april']))
    .option('--compiler-version <text>', 'version recorded by --update (default: what meshc --version says), e.g. a commit id')
    .option('--build-timeout <seconds>', 'per-build timeout, in seconds', '180')
    .option('--run-timeout <seconds>', 'per-run timeout, in seconds (programs that serve forever are judged at this point)', '10')
    .addHelpText('after', EXIT_HELP)
    .action(async (flags: GateFlags) => {
      setExitCode(await gate(flags));
    });
}

async function gate(flags: GateFlags): Promise<number> {
  const jobs = parseCount(flags.jobs, '--jobs') ?? availableParallelism();
  const shard = flags.shard === undefined ? undefined : parseShard(flags.shard);
  const buildTimeoutMs = parseSeconds(flags.buildTimeout, '--build-timeout');
  const runTimeoutMs = parseSeconds(flags.runTimeout, '--run-timeout');
  const app = appDir(flags.app);

  let compiler: CompilerInfo;
  try {
    const path = await findMeshc({ flag: flags.meshc });
    compiler = await compilerInfo(path);
  } catch (err) {
    if (err instanceof UserError && err.exitCode === ExitCode.SETUP) return setupFailure(err, flags);
    throw err;
  }
  const dialect = flags.dialect ?? (compiler.dialect === 'unknown' ? undefined : compiler.dialect);
  if (!dialect) {
    throw new UserError(`cannot tell which meshc dialect ${compiler.path} speaks`, ExitCode.SETUP, 'pass --dialect february|april');
  }
  const version = flags.compilerVersion?.trim() || compiler.version;

  setDefaultPoolSize(jobs);
  const runner: MeshcRunnerOptions = { meshc: compiler.path, buildTimeoutMs, runTimeoutMs };
  const journal = openJournalFromOptions({ journal: flags.journal });
  try {
    const progress = !flags.json && process.stderr.isTTY;
    const summary = await runGate(
      { jobs, shard, allBugs: flags.allBugs === true, strict: flags.strict },
      {
        compiler: { ...compiler, dialect },
        gaps: GAP_CATALOG.filter((g) => g.probe !== undefined).map((g) => ({ key: g.key, title: g.title })),
        loadProbe: (key) => loadProbe(key),
        recordedStatus: (key) => journal.gapStatus(key, dialect)?.status,
        runProbe: (probe) => runProbeProgram(probe, runner),
        runRepro: (files) => runProgram(files, runner),
        openBugs: () => openBugs(journal),
        workaroundSites: (keys) => workaroundSites(app, keys),
        onResult: progress ? (r) => process.stderr.write(chalk.dim(`  ${r.outcome.padEnd(13)}${r.key}\n`)) : undefined,
      },
    );
    const updates = flags.update ? applyUpdates(journal, summary, dialect, version) : [];
    summary.updated = flags.update === true;
    // The verdict is printed even when a report file cannot be written; that failure comes after it.
    const unwritten = await writeReports(summary, flags);
    const exitCode = unwritten ? unwritten.exitCode : gateExitCode(summary);
    if (flags.json) printJson(jsonReport(summary, { dialect, version, shard: flags.shard ?? null, app, updates, exitCode }));
    else process.stdout.write(humanReport(summary, version, updates, flags.update === true));
    if (unwritten) throw unwritten;
    return exitCode;
  } finally {
    journal.close();
  }
}

/** No usable compiler: still write the reports (CI shows why), then exit 5. */
async function setupFailure(err: UserError, flags: GateFlags): Promise<number> {
  const result: GateResult = { key: 'meshc', title: 'the compiler under test', suite: 'known-gaps', outcome: 'error', detail: err.message, ms: 0, workaroundSites: [] };
  const summary: GateSummary = { compiler: null, strict: flags.strict, results: [result] };
  const unwritten = await writeReports(summary, flags);
  if (flags.json) printJson(jsonReport(summary, { dialect: null, version: null, shard: flags.shard ?? null, app: null, updates: [], exitCode: ExitCode.SETUP }));
  if (unwritten) printWarning(unwritten.message);
  throw err;
}

function openBugs(journal: Journal): BugToCheck[] {
  return journal
    .listBugs({ class: 'compiler' })
    .filter((b) => b.status === 'open' || b.status === 'regressed' || b.status === 'workaround')
    .map((b) => {
      const detail = journal.getBug(b.id);
      return { id: b.id, title: `${b.stage}: ${b.message}`, stage: b.stage, signature: b.signature, files: new Map(Object.entries(detail.repro)) };
    });
}

async function workaroundSites(app: string | null, keys: readonly string[]): Promise<Map<string, string[]>> {
  const sites = new Map<string, string[]>();
  if (app === null) return sites;
  const scan = await scanPaths([app], { only: keys, includeFixed: true });
  for (const f of scan.findings) {
    if (f.kind !== 'workaround') continue;
    sites.set(f.gapKey, [...(sites.get(f.gapKey) ?? []), `${f.file}:${f.line}:${f.column}`]);
  }
  return sites;
}

function applyUpdates(journal: Journal, summary: GateSummary, dialect: string, version: string): JournalUpdate[] {
  const today = new Date();
  const updates = plannedUpdates(summary);
  for (const u of updates) {
    if (u.kind === 'gap-fixed') journal.recordGapFix(u.key, dialect, version, today, 'mesher-triage gate --update: the probe prints its expected output');
    else if (u.kind === 'gap-regressed') journal.recordGapRegression(u.key, dialect, version, today, 'mesher-triage gate --update: the probe fails again');
    else {
      const id = Number(u.key.replace(/^bug-/, ''));
      journal.update(id, { status: 'fixed', fixedIn: version, note: 'mesher-triage gate --update: the stored repro builds and runs clean', actor: currentActor() });
    }
  }
  return updates;
}

/** Writes the --junit/--markdown files; a file that cannot be written is returned as the error to report. */
async function writeReports(summary: GateSummary, flags: GateFlags): Promise<UserError | undefined> {
  const reports: Array<[string, string | undefined, () => string]> = [
    ['--junit', flags.junit, () => renderJUnit(summary)],
    ['--markdown', flags.markdown, () => renderMarkdown(summary)],
  ];
  const failed: string[] = [];
  for (const [flag, path, render] of reports) {
    if (!path) continue;
    try {
      await writeText(path, render());
    } catch (err) {
      const problem = environmentProblem(err);
      if (!problem) throw err;
      failed.push(`cannot write the ${flag} report: ${problem.message.replace(/^cannot use /, '')}`);
    }
  }
  if (failed.length === 0) return undefined;
  return new UserError(failed.join('; '), ExitCode.INPUT, 'the gate\'s result is printed above; choose a writable path for the report, or fix the folder\'s permissions');
}

async function writeText(path: string, text: string): Promise<void> {
  const full = resolve(path);
  await makeDirs(dirname(full));
  await writeFile(full, text);
}

function jsonReport(
  summary: GateSummary,
  extra: { dialect: string | null; version: string | null; shard: string | null; app: string | null; updates: JournalUpdate[]; exitCode: number },
): unknown {
  return {
    compiler: summary.compiler,
    dialect: extra.dialect,
    compilerVersion: extra.version,
    strict: summary.strict,
    shard: extra.shard,
    app: extra.app,
    passed: extra.exitCode === ExitCode.OK,
    exitCode: extra.exitCode,
    counts: countOutcomes(summary.results),
    results: summary.results.map((r) => ({ ...r, failed: isFailure(r.outcome, summary.strict) })),
    updates: extra.updates,
  };
}

const PAINT: Record<GateOutcome, (s: string) => string> = {
  'still-open': chalk.green,
  'still-fixed': chalk.green,
  fixed: chalk.magenta,
  changed: chalk.red,
  regressed: chalk.red,
  skipped: chalk.dim,
  error: chalk.yellow,
};

function humanReport(summary: GateSummary, version: string, updates: JournalUpdate[], updating: boolean): string {
  const c = summary.compiler;
  const lines = [chalk.bold(`mesher-triage gate — meshc ${c?.version ?? '?'} (${c?.dialect ?? '?'} dialect), ${summary.strict ? 'strict' : 'lenient'}`), ''];
  const rows = summary.results.map((r) => {
    const mark = isFailure(r.outcome, summary.strict) ? '✗' : r.outcome === 'fixed' ? '!' : ' ';
    return [PAINT[r.outcome](`${mark} ${r.outcome}`), r.key, r.detail];
  });
  const [head, ...body] = alignColumns([['  outcome', 'check', 'detail'], ...rows]);
  lines.push(chalk.dim(head!), ...body);
  const notes: string[] = [];
  for (const r of summary.results) {
    if (r.outcome === 'fixed') {
      const text = fixedMessage(r, version, updating);
      notes.push(summary.strict ? chalk.magenta(text) : `${chalk.yellow('warning:')} ${text}`);
    } else if (r.outcome === 'changed' && r.suite === 'known-gaps') {
      notes.push(chalk.red(`gap ${r.key} fails another way: find out whether it is a new bug, then update the probe's # open: line (${probePath(r.key)})`));
    } else if (r.outcome === 'regressed') {
      const next = updating ? 'recorded in the journal (the gap is open again)' : '--update records it (the gap is open again)';
      notes.push(chalk.red(`${r.key} was recorded fixed and fails again: report the regression; ${next}`));
    }
  }
  if (notes.length > 0) lines.push('', ...notes);
  if (updates.length > 0) {
    lines.push('', chalk.bold('recorded in the journal:'));
    for (const u of updates) lines.push(`  ${u.kind} ${u.key} (${version})`);
  } else if (updating) {
    lines.push('', 'nothing to record in the journal');
  }
  const counts = countOutcomes(summary.results);
  const tally = (Object.entries(counts) as Array<[GateOutcome, number]>).filter(([, n]) => n > 0).map(([o, n]) => `${n} ${o}`).join(', ');
  const failed = summary.results.filter((r) => isFailure(r.outcome, summary.strict)).length;
  lines.push('', `${failed === 0 ? chalk.green('gate passed') : chalk.red(`gate failed: ${failed} need attention`)} (${tally || 'nothing checked'})`);
  return `${lines.join('\n')}\n`;
}

function appDir(flag: string | undefined): string | null {
  if (flag !== undefined) {
    if (!existsSync(flag) || !statSync(flag).isDirectory()) throw new UserError(`--app ${flag} is not a directory`, ExitCode.INPUT, 'name the directory holding your Mesh application');
    return flag;
  }
  return existsSync('mesher') && statSync('mesher').isDirectory() ? 'mesher' : null;
}

function parseCount(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw usageError(`${flag} must be a positive integer, got '${text}'`);
  return n;
}

function parseSeconds(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw usageError(`${flag} must be a positive number of seconds, got '${text}'`);
  return Math.round(n * 1000);
}
