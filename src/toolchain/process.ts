import { execa } from 'execa';
import type { RunRecord } from '../types/index.js';

export interface ProcessOptions {
  cwd?: string;
  /** Extra environment variables, merged over process.env. */
  env?: Record<string, string | undefined>;
  /** Kill the whole process group after this many milliseconds. */
  timeoutMs?: number;
  input?: string;
  /** Abort (e.g. Ctrl-C or a lost speculative race) kills the process group. */
  signal?: AbortSignal;
  /** Bytes kept per stream; output past this is cut (the run still completes). */
  maxOutputBytes?: number;
}

const DEFAULT_MAX_OUTPUT = 8 * 1024 * 1024;
const live = new Set<number>();

/**
 * Runs one command with an argument array (never a shell string) in its own process
 * group, so that a timeout or abort kills everything it started.
 */
export async function runProcess(file: string, args: readonly string[], options: ProcessOptions = {}): Promise<RunRecord> {
  const started = performance.now();
  const child = execa(file, args, {
    cwd: options.cwd,
    env: options.env,
    extendEnv: true,
    input: options.input,
    stdin: options.input === undefined ? 'ignore' : undefined,
    detached: true,
    reject: false,
    stripFinalNewline: false,
    maxBuffer: options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT,
    encoding: 'utf8',
  });
  const pid = child.pid;
  if (pid !== undefined) live.add(pid);
  let timedOut = false;
  const killGroup = (): void => {
    if (pid !== undefined) killProcessGroup(pid);
  };
  const timer = options.timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        killGroup();
      }, options.timeoutMs)
    : undefined;
  options.signal?.addEventListener('abort', killGroup, { once: true });
  try {
    const result = await child;
    const spawnFailed = result.failed && result.exitCode === undefined && result.signal === undefined;
    return {
      argv: [file, ...args],
      exitCode: result.exitCode ?? (spawnFailed ? 127 : null),
      signal: result.signal ?? null,
      stdout: asText(result.stdout),
      stderr: spawnFailed && !result.stderr ? (result.shortMessage ?? "") : asText(result.stderr),
      ms: Math.round(performance.now() - started),
      timedOut,
    };
  } finally {
    if (timer) clearTimeout(timer);
    options.signal?.removeEventListener('abort', killGroup);
    if (pid !== undefined) {
      // Grandchildren may outlive the leader; the group goes with it.
      killProcessGroup(pid);
      live.delete(pid);
    }
  }
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function killProcessGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Kills every process group still running (used on Ctrl-C before exiting). */
export function killAllProcesses(): void {
  for (const pid of live) killProcessGroup(pid);
  live.clear();
}

/** A bounded pool: at most `size` tasks run at once; the rest wait in FIFO order. */
export class ProcessPool {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`pool size must be a positive integer, got ${size}`);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
