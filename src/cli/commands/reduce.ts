import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import chalk from 'chalk';
import { createTwoFilesPatch } from 'diff';
import { ExitCode, UserError, usageError, type Candidate } from '../../types/index.js';
import { contentKey, measureCandidate, meshPort, reduce, type ReduceProgress, type ReduceResult } from '../../repro/index.js';

import { createScriptOracle } from '../../toolchain/script-oracle.js';
import { killAllProcesses } from '../../toolchain/process.js';
import { printJson, printWarning } from '../output.js';
import { BestWriter, keepElsewhere, outputPath, prepareOutDir } from '../out-dir.js';
import { loadTarget, positiveInt, positiveSeconds } from '../triage.js';
import type { SetExitCode } from './index.js';

interface ReduceCliOptions {
  test: string;
  out: string;
  force?: boolean;
  jobs?: string;
  timeout?: string;
  timeLimit?: string;
  resume?: boolean;
  diff?: boolean;
  json?: boolean;
  flatten?: boolean;
}

const STATE_FILE = 'reduce-state.json';
const REPORT_FILE = 'reduce.json';
const STATE_VERSION = 1;

interface SavedState {
  version: number;
  inputKey: string;
  written: readonly string[];
  best: Record<string, string>;
}

/** `mesher-triage reduce <file|dir> --test <script>`: shrink a failing program (C-Reduce convention). */
export function register(program: Command, setExitCode: SetExitCode): void {
  program
    .command('reduce')
    .description('Shrink a Mesh file or project while an interestingness test keeps exiting 0 (C-Reduce convention)')
    .argument('<input>', 'a .mpl file or a project directory (never modified)')
    .requiredOption('--test <script>', 'executable test run in a temp dir holding the candidate (main.mpl or the project files); exit 0 = interesting')
    .option('--out <dir>', 'where the reduced program, reduce.json and the resume state go', './reduced')
    .option('--force', 'write into a non-empty --out directory that a previous reduce did not create')
    .option('-j, --jobs <n>', 'test runs in flight (the result is the same for every value)', String(availableParallelism()))
    .option('--timeout <seconds>', 'per-test timeout in seconds, fractions allowed (default: 3x the original run + 1 s, within 1 s..5 min)')
    .option('--time-limit <seconds>', 'stop after this many seconds and keep the best so far')
    .option('--resume', 'continue from the state saved in --out by an earlier (interrupted) run')
    .option('--no-flatten', 'do not try the project flattened into one main.mpl first')
    .option('--diff', 'print a unified diff of the original against the result')
    .option('--json', 'print a JSON summary on stdout')
    .addHelpText(
      'after',
      '\nThe test gets MESHER_TRIAGE_TEST (its own path) and MESHER_TRIAGE_CANDIDATE (the candidate file or dir) in its environment.' +
        '\nExit codes: 0 reduced (or budget reached), 2 usage (bad flags, test missing or not executable, --out overlapping the input or holding other files),' +
        '\n3 unusable input or an --out that cannot be written,' +
        '\n4 not reproducible (original not interesting, flaky test, or the test accepts an empty program), 130 interrupted (best kept).',
    )
    .action(async (input: string, options: ReduceCliOptions) => {
      setExitCode(await runReduce(input, options));
    });
}

export async function runReduce(inputPath: string, options: ReduceCliOptions): Promise<number> {
  const jobs = positiveInt(options.jobs, '--jobs') ?? availableParallelism();
  const timeoutMs = positiveSeconds(options.timeout, '--timeout');
  const timeLimitMs = positiveSeconds(options.timeLimit, '--time-limit');
  const target = await loadTarget(inputPath);
  const input = target.candidate;
  const kind = target.isDirectory ? 'project' : 'file';
  const inputKey = contentKey(input);
  const outDir = resolve(options.out);
  // Before any test run: a bad --out fails now, not after the reduction.
  await prepareOutDir(outDir, { input: inputPath, inputKind: kind, markers: [STATE_FILE, REPORT_FILE], force: options.force });
  const saved = options.resume ? await loadResumeState(outDir, options, inputKey) : null;
  const start: Candidate = saved ? new Map(Object.entries(saved.best)) : input;
  const scriptOracle = await createScriptOracle({ script: options.test, timeoutMs });
  const progress = new ProgressLine(options.json === true);
  const writer = new BestWriter(outDir, {
    written: saved?.written,
    state: (best, written): { name: string; text: string } => ({
      name: STATE_FILE,
      text: JSON.stringify({ version: STATE_VERSION, inputKey, written, best: Object.fromEntries(best) } satisfies SavedState),
    }),
  });

  const controller = new AbortController();
  const onSigint = (): void => {
    progress.note('interrupted: stopping, the best result so far is kept');
    controller.abort();
  };
  process.once('SIGINT', onSigint);
  let result: ReduceResult;
  try {
    result = await reduce(start, {
      oracle: scriptOracle.oracle,
      jobs,
      signal: controller.signal,
      flatten: options.flatten !== false,
      timeLimitMs,
      onProgress: (p) => progress.update(p),
      onBest: (best) => writer.save(best),
      reproduceHint: (check) => reproduceCommand(inputPath, kind, options.test, check),
    });
  } catch (err) {
    // A single file is reduced as main.mpl; name it as the user did.
    if (err instanceof UserError && kind === 'file' && err.message.startsWith('main.mpl ')) {
      throw new UserError(`${inputPath}${err.message.slice('main.mpl'.length)}`, err.exitCode, err.hint);
    }
    throw err;
  } finally {
    process.removeListener('SIGINT', onSigint);
    progress.done();
    if (controller.signal.aborted) killAllProcesses();
  }
  await writer.save(result.best);

  const originalSize = measureCandidate(input, meshPort);
  const report = {
    tool: 'mesher-triage reduce',
    input: resolve(inputPath),
    test: scriptOracle.script,
    jobs,
    timeoutMs: scriptOracle.timeoutMs(),
    resumed: saved !== null,
    original: originalSize,
    start: result.original,
    final: result.final,
    flattened: result.flattened,
    oracleCalls: result.oracleCalls,
    cacheHits: result.cacheHits,
    invalidRejected: result.invalidRejected,
    durationMs: result.durationMs,
    stoppedBy: result.stoppedBy,
    passes: result.passes,
    output: writer.outputPath(result.best),
  };
  await writer.writeFile(REPORT_FILE, `${JSON.stringify(report, null, 2)}\n`);
  // --out could not be written after all (it was writable at the start): keep the result elsewhere.
  const lost = writer.failure ? await keepElsewhere(result.best, writer.failure) : undefined;
  if (lost) report.output = lost.kept ? outputPath(lost.kept, result.best) : '(not saved: printed on stderr)';

  if (options.diff) process.stdout.write(unifiedDiff(input, result.best));
  if (options.json) printJson(report);
  else printSummary(report.original, result, report.output);
  if (lost) throw lost.error;
  if (result.stoppedBy === 'interrupt') {
    printWarning(`interrupted: the best result so far is in ${report.output}; continue with --resume`);
    return ExitCode.INTERRUPTED;
  }
  if (result.stoppedBy) printWarning(`stopped by the ${result.stoppedBy}; the best result so far is in ${report.output}`);
  return ExitCode.OK;
}

/** The state --resume continues from, checked against the input. */
async function loadResumeState(outDir: string, options: ReduceCliOptions, inputKey: string): Promise<SavedState> {
  const text = await readFile(join(outDir, STATE_FILE), 'utf8').catch(() => null);
  if (text === null) throw usageError(`nothing to resume: ${options.out} has no ${STATE_FILE}`, 'run without --resume first');
  let state: SavedState;
  try {
    state = JSON.parse(text) as SavedState;
  } catch {
    throw new UserError(`${join(options.out, STATE_FILE)} is corrupt`, ExitCode.INPUT, 'delete it and run without --resume');
  }
  if (state.version !== STATE_VERSION || typeof state.best !== 'object') {
    throw new UserError(`${join(options.out, STATE_FILE)} is from another version`, ExitCode.INPUT, 'run without --resume');
  }
  if (state.inputKey !== inputKey) {
    throw new UserError(`${options.out} holds the reduction of a different input`, ExitCode.USAGE, 'resume with the same input, or pick another --out');
  }
  return state;
}

/** A shell recipe that reruns one sanity check by hand (as C-Reduce prints one). */
function reproduceCommand(input: string, kind: 'file' | 'project', test: string, check: string): string {
  const copy = kind === 'file' ? `cp ${shellQuote(resolve(input))} "$d/main.mpl"` : `cp -R ${shellQuote(resolve(input))}/. "$d"`;
  const empty = kind === 'file' ? ' && : > "$d/main.mpl"' : ' && find "$d" -name "*.mpl" -exec sh -c \': > "$1"\' _ {} \\;';
  return `reproduce the ${check} check: d=$(mktemp -d) && ${copy}${check === 'empty' ? empty : ''} && (cd "$d" && ${shellQuote(resolve(test))}); echo "exit $?"`;
}

function shellQuote(s: string): string {
  return /^[\w./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function unifiedDiff(before: Candidate, after: Candidate): string {
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  return paths
    .map((p) => createTwoFilesPatch(`a/${p}`, `b/${p}`, before.get(p) ?? '', after.get(p) ?? '', 'original', 'reduced'))
    .filter((patch) => patch.split('\n').some((l) => l.startsWith('@@')))
    .join('');
}

function printSummary(original: { bytes: number; tokens: number }, result: ReduceResult, output: string): void {
  process.stderr.write(
    `${chalk.green('reduced')} ${original.tokens} → ${result.final.tokens} tokens (-${shrinkPercent(result.final.tokens, original.tokens)}), ` +
      `${original.bytes} → ${result.final.bytes} bytes; ${result.oracleCalls} test runs, ${result.cacheHits} cache hits, ` +
      `${(result.durationMs / 1000).toFixed(1)} s${result.flattened ? '; project flattened into one file' : ''}\n` +
      `${chalk.dim('output:')} ${output}\n`,
  );
}

/** A live status line on a TTY; sparse log lines otherwise (CI, pipes). */
class ProgressLine {
  private readonly live = process.stderr.isTTY === true && !process.env.CI;
  private lastPass = '';
  private shown = false;

  constructor(private readonly silent: boolean) {}

  update(p: ReduceProgress): void {
    if (this.silent && !this.live) return;
    const hitRate = p.oracleCalls + p.cacheHits === 0 ? 0 : Math.round((100 * p.cacheHits) / (p.oracleCalls + p.cacheHits));
    const elapsed = `${Math.floor(p.elapsedMs / 60000)}:${String(Math.floor(p.elapsedMs / 1000) % 60).padStart(2, '0')}`;
    if (this.live) {
      const line = `${p.bytes} B  ${p.tokens} tok  ${p.oracleCalls} runs  cache ${hitRate}%  pass ${p.pass}  ${elapsed}`;
      process.stderr.write(`\r\x1b[2K${chalk.dim('reduce')} ${line.slice(0, (process.stderr.columns ?? 80) - 8)}`);
      this.shown = true;
    } else if (p.pass !== this.lastPass) {
      this.lastPass = p.pass;
      process.stderr.write(`reduce: pass ${p.pass}: ${p.tokens} tokens, ${p.bytes} bytes, ${p.oracleCalls} runs, ${elapsed}\n`);
    }
  }

  note(message: string): void {
    this.done();
    process.stderr.write(`${message}\n`);
  }

  done(): void {
    if (this.shown) process.stderr.write('\r\x1b[2K');
    this.shown = false;
  }
}

/** How much smaller `after` is than `before`, never rounded up to 100% while something is left. */
export function shrinkPercent(after: number, before: number): string {
  if (before === 0) return '0%';
  const shrunk = (100 * (before - after)) / before;
  if (after > 0 && Math.round(shrunk) === 100) return `${(Math.floor(shrunk * 10) / 10).toFixed(1)}%`;
  return `${Math.round(shrunk)}%`;
}
