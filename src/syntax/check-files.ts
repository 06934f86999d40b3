import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { UserError, type ExitCodeValue } from '../types/index.js';
import { parseSource } from './parser.js';
import { readMeshFile } from './read-file.js';
import type { SyntaxIssue } from './types.js';
import { toSExpression } from './walk.js';

/** The syntax check of one file: its issues, and its S-expression when asked for. */
export interface CheckedFile {
  path: string;
  errors: readonly SyntaxIssue[];
  tree?: string;
}

export type CheckResult = { file: CheckedFile } | { unreadable: UserError & { path: string } };

export interface CheckRequest {
  id: number;
  path: string;
  withTree: boolean;
}

export type CheckReply =
  | { id: number; file: CheckedFile }
  | { id: number; unreadable: { path: string; message: string; hint?: string; exitCode: ExitCodeValue } }
  | { id: number; crash: string };

export interface CheckOptions {
  withTree?: boolean;
  /**
   * Worker threads; 1 parses on this thread. Default: one per core when there is enough
   * source to pay for starting them, else 1.
   */
  workers?: number;
}

/** Starting a worker (loading the grammar) costs ~0.1–0.3 s: worth it only for big trees. */
const MIN_BYTES_PER_WORKER = 2 * 1024 * 1024;

/**
 * Syntax-checks files, in parallel across worker threads (parsing is CPU-bound and each
 * file is independent), yielding results in input order. Only the paths and the issues
 * cross threads, so memory stays flat however many files there are.
 */
export async function* checkFiles(paths: readonly string[], options: CheckOptions = {}): AsyncGenerator<CheckResult> {
  const withTree = options.withTree === true;
  const workers = Math.min(options.workers ?? Math.min(availableParallelism(), Math.floor(totalBytes(paths) / MIN_BYTES_PER_WORKER)), paths.length);
  if (workers <= 1) {
    for (const path of paths) yield await checkHere(path, withTree);
    return;
  }
  yield* checkInWorkers(paths, withTree, workers);
}

async function checkHere(path: string, withTree: boolean): Promise<CheckResult> {
  try {
    const parsed = parseSource(await readMeshFile(path), path);
    return { file: { path, errors: parsed.errors, ...(withTree ? { tree: toSExpression(parsed.root) } : {}) } };
  } catch (err) {
    if (err instanceof UserError) return { unreadable: Object.assign(err, { path }) };
    throw err;
  }
}

async function* checkInWorkers(paths: readonly string[], withTree: boolean, count: number): AsyncGenerator<CheckResult> {
  const url = new URL('./check-worker.js', import.meta.url);
  const pool = Array.from({ length: count }, () => new Worker(url));
  const pending = new Map<number, (reply: CheckReply) => void>();
  // Settles only if a worker dies, so the reader never waits forever for its reply.
  let workerDied: (err: Error) => void = () => {};
  const died = new Promise<never>((_, reject) => (workerDied = reject));
  died.catch(() => {});
  for (const worker of pool) {
    worker.on('message', (reply: CheckReply) => pending.get(reply.id)?.(reply));
    worker.on('error', (err) => workerDied(err));
  }
  // Keep a few requests queued per worker, hand them out round-robin, read replies in order.
  const window = count * 4;
  const inFlight: Array<Promise<CheckReply>> = [];
  let next = 0;
  const send = (): void => {
    const id = next++;
    inFlight.push(new Promise<CheckReply>((resolve) => pending.set(id, resolve)));
    pool[id % count]!.postMessage({ id, path: paths[id]!, withTree } satisfies CheckRequest);
  };
  try {
    while (next < paths.length && inFlight.length < window) send();
    while (inFlight.length > 0) {
      const reply = await Promise.race([inFlight.shift()!, died]);
      pending.delete(reply.id);
      if (next < paths.length) send();
      if ('crash' in reply) throw new Error(`parse worker failed: ${reply.crash}`);
      if ('file' in reply) yield { file: reply.file };
      else yield { unreadable: Object.assign(new UserError(reply.unreadable.message, reply.unreadable.exitCode, reply.unreadable.hint), { path: reply.unreadable.path }) };
    }
  } finally {
    await Promise.all(pool.map((worker) => worker.terminate()));
  }
}

function totalBytes(paths: readonly string[]): number {
  let total = 0;
  for (const path of paths) {
    try {
      total += statSync(path).size;
    } catch {
      // Reported as unreadable when the file is read.
    }
  }
  return total;
}
