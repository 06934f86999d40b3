import { availableParallelism } from 'node:os';
import { ProcessPool } from './process.js';

/** One pool for every meshc and binary process, sized to the machine's cores. */
let pool = new ProcessPool(Math.max(1, availableParallelism()));

export function defaultPool(): ProcessPool {
  return pool;
}

/** Resizes the shared pool (e.g. from `--jobs`). Tasks already queued keep their old pool. */
export function setDefaultPoolSize(size: number): ProcessPool {
  pool = new ProcessPool(size);
  return pool;
}
