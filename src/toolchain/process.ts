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

/** A RunRecord that also says when the program could not be started at all. */
export interface ProcessRecord extends RunRecord {
  /** Set when spawning failed (ENOENT, EACCES, ...); exitCode is then 127. */
  spawnError?: string;
}

const DEFAULT_MAX_OUTPUT = 8 * 1024 * 1024;
const live = new Set<number>();

/**
 * Runs one command with an argument array (never a shell string) in its own process
 * group, so that a timeout or abort kills everything it started.
 */
export async function runProcess(file: string, args: readonly string[], options: ProcessOptions = {}): Promise<ProcessRecord> {
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
  // An already-aborted signal never fires 'abort': stop the child right away.
  if (options.signal?.aborted) killGroup();
  try {
    const result = await child;
    const spawnFailed = result.failed && result.exitCode === undefined && result.signal === undefined;
    const limit = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
    // Past maxBuffer execa closes the stream: the child may then fail writing. Say so, so the
    // failure is not taken for the program's own.
    const cutNote = result.isMaxBuffer ? `\n[mesher-triage] output passed ${limit} bytes; the rest was cut and the stream closed\n` : '';
    const record: ProcessRecord = {
      argv: [file, ...args],
      exitCode: result.exitCode ?? (spawnFailed ? 127 : null),
      signal: result.signal ?? null,
      stdout: asText(result.stdout),
      stderr: (spawnFailed && !result.stderr ? (result.shortMessage ?? '') : asText(result.stderr)) + cutNote,
      ms: Math.round(performance.now() - started),
      timedOut,
    };
    if (spawnFailed) record.spawnError = result.code ?? result.shortMessage ?? 'spawn failed';
    return record;
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

  /** Runs `task` when a slot is free. An abort while still queued rejects with the signal's reason. */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    // A finishing task hands its slot straight to the next waiter, so a newcomer can never
    // slip in between and push the pool over its size.
    if (this.running < this.size) this.running++;
    else await this.waitForSlot(signal);
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  /** Tasks currently running (for tests and progress displays). */
  get active(): number {
    return this.running;
  }

  private waitForSlot(signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const wake = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        const index = this.waiting.indexOf(wake);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(wake);
    });
  }
}
