import { dirname } from 'node:path';
import type { RunRecord } from '../types/index.js';
import type { RunOptions } from './api.js';
import { searchPath } from './executables.js';
import { defaultPool } from './pool.js';
import { runProcess } from './process.js';

let prlimitPath: string | null | undefined;

/** prlimit (util-linux) enforces the memory limit; without it the limit is not applied. */
export function memoryLimitSupported(): boolean {
  return findPrlimit() !== null;
}

function findPrlimit(): string | null {
  if (prlimitPath === undefined) prlimitPath = process.platform === 'linux' ? searchPath('prlimit', process.env.PATH) : null;
  return prlimitPath;
}

/**
 * Runs a compiled program with a timeout (the whole process group is killed; `timedOut`
 * is set) and, when prlimit exists, an address-space limit. A Mesh program's own exit code
 * is always 0 unless it crashes, so the record's exit/signal pair is the crash evidence.
 */
export async function runBinary(path: string, options: RunOptions): Promise<RunRecord> {
  options.signal?.throwIfAborted();
  const prlimit = options.memoryMb !== undefined ? findPrlimit() : null;
  const [file, args] =
    prlimit && options.memoryMb !== undefined
      ? [prlimit, [`--as=${Math.round(options.memoryMb * 1024 * 1024)}`, '--', path]]
      : [path, []];
  const pool = options.pool ?? defaultPool();
  const record = await pool.run(
    () =>
      runProcess(file, args, {
        cwd: options.cwd ?? dirname(path),
        env: { RUST_BACKTRACE: '0', ...options.env },
        timeoutMs: options.timeoutMs,
        input: options.stdin,
        signal: options.signal,
      }),
    options.signal,
  );
  options.signal?.throwIfAborted();
  return record;
}
