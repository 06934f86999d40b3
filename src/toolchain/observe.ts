import type { Candidate } from '../types/index.js';
import type { ObserveOptions, Observation } from './api.js';
import { withBuild } from './build.js';
import { compilerInfo } from './compiler-info.js';
import { runBinary } from './run-binary.js';

/** Builds the candidate and, when a binary came out, runs it: the raw facts for classify/. */
export async function observe(candidate: Candidate, options: ObserveOptions): Promise<Observation> {
  const compiler = await compilerInfo(options.meshc, { env: options.env, pool: options.pool });
  return withBuild(candidate, options, async (built) => {
    const run = built.binaryPath
      ? await runBinary(built.binaryPath, {
          timeoutMs: options.timeoutMs,
          env: options.env,
          ...options.run,
          signal: options.signal,
          pool: options.pool,
        })
      : null;
    return { build: built.record, run, compiler };
  });
}
