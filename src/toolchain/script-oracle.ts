import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ExitCode, UserError, type Candidate, type Oracle, type OracleOutcome } from '../types/index.js';
import { runProcess } from './process.js';

/** Timeouts are calibrated into this range (C-Reduce's default cap is 300 s too). */
export const MIN_TIMEOUT_MS = 1_000;
export const MAX_TIMEOUT_MS = 300_000;
/** How many first calls (the sanity checks on the original) calibrate the timeout. */
const CALIBRATION_CALLS = 2;

export interface ScriptOracleOptions {
  /** The interestingness test, as the user wrote its path. */
  script: string;
  /** Fixed per-call timeout; without it the first calls calibrate one. */
  timeoutMs?: number;
  /** Where candidate dirs are made (default: the OS temp dir). */
  tmpRoot?: string;
}

export interface ScriptOracle {
  readonly oracle: Oracle;
  /** Absolute path of the script. */
  readonly script: string;
  /** The per-call timeout in force now. */
  timeoutMs(): number;
  /** Calls that ran the script. */
  calls(): number;
}

/**
 * The C-Reduce interestingness convention: the script runs with no arguments, cwd = a
 * fresh temp dir holding the candidate (a single file as `main.mpl`, a project as its
 * files), and exit 0 means interesting. The script and candidate paths are also in the
 * environment (MESHER_TRIAGE_TEST, MESHER_TRIAGE_CANDIDATE). Temp dirs are always removed;
 * a hung script is killed with its whole process group.
 */
export async function createScriptOracle(options: ScriptOracleOptions): Promise<ScriptOracle> {
  const script = resolve(options.script);
  await assertRunnable(script, options.script);
  const tmpRoot = options.tmpRoot ?? tmpdir();
  let timeout = options.timeoutMs ?? MAX_TIMEOUT_MS;
  let calls = 0;
  let slowestCalibration = 0;

  const oracle: Oracle = async (candidate: Candidate, signal?: AbortSignal): Promise<OracleOutcome> => {
    const dir = await mkdtemp(join(tmpRoot, 'mesher-triage-reduce-'));
    try {
      await writeCandidate(dir, candidate);
      const single = candidate.size === 1 ? [...candidate.keys()][0]! : null;
      calls++;
      const run = await runProcess(script, [], {
        cwd: dir,
        env: { MESHER_TRIAGE_TEST: script, MESHER_TRIAGE_CANDIDATE: single ? join(dir, single) : dir },
        timeoutMs: timeout,
        signal,
        maxOutputBytes: 1024 * 1024,
      });
      if (calls <= CALIBRATION_CALLS && options.timeoutMs === undefined && !run.timedOut) {
        slowestCalibration = Math.max(slowestCalibration, run.ms);
        if (calls === CALIBRATION_CALLS) timeout = calibratedTimeout(slowestCalibration);
      }
      if ((run.exitCode === 126 || run.exitCode === 127) && !(await isRunnable(script))) {
        throw new UserError(`the test script ${options.script} can no longer be run`, ExitCode.USAGE, 'it was removed or lost its execute permission during the reduction');
      }
      if (run.timedOut) return 'timeout';
      return run.exitCode === 0 ? 'interesting' : 'boring';
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };

  return { oracle, script, timeoutMs: () => timeout, calls: () => calls };
}

/** 3× the slowest calibration run plus a second, clamped to [1 s, 5 min]. */
export function calibratedTimeout(slowestMs: number): number {
  return Math.min(MAX_TIMEOUT_MS, Math.max(MIN_TIMEOUT_MS, Math.round(3 * slowestMs + 1_000)));
}

export async function writeCandidate(dir: string, candidate: Candidate): Promise<void> {
  for (const [path, text] of candidate) {
    const target = join(dir, path);
    if (!resolve(target).startsWith(resolve(dir))) throw new RangeError(`candidate path escapes its directory: ${path}`);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, text);
  }
}

async function isRunnable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function assertRunnable(path: string, shown: string): Promise<void> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new UserError(`test script not found: ${shown}`, ExitCode.USAGE, 'pass the path of an executable interestingness test with --test');
  }
  if (!info.isFile()) throw new UserError(`test script is not a file: ${shown}`, ExitCode.USAGE, 'pass the path of an executable interestingness test with --test');
  if (!(await isRunnable(path))) {
    throw new UserError(`test script is not executable: ${shown}`, ExitCode.USAGE, `make it executable: chmod +x ${shown} (and give it a #! line)`);
  }
}
