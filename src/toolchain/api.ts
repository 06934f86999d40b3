import type { Candidate, CompilerInfo, RunRecord } from '../types/index.js';
import type { ProcessPool } from './process.js';

/** Where to look for meshc: an explicit `--meshc` flag wins over env MESHC, which wins over PATH. */
export interface FindMeshcOptions {
  flag?: string;
  /** Environment to read MESHC and PATH from (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

/** Options shared by everything that spawns a process. */
export interface SpawnOptions {
  /** Kill the whole process group after this many milliseconds. */
  timeoutMs: number;
  /** Abort kills the process group; the call then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Extra environment variables for the child (merged over process.env). */
  env?: Record<string, string | undefined>;
  /** Pool to run in (default: the module-level pool, see setDefaultPoolSize). */
  pool?: ProcessPool;
}

export type OptLevel = 0 | 1 | 2 | 3;

export interface BuildOptions extends SpawnOptions {
  /** Path of the meshc binary (from findMeshc). */
  meshc: string;
  /** `--opt-level N`; omitted means meshc's default (0). */
  optLevel?: OptLevel;
  /** Pass `--json` instead of `--no-color` (diagnostics as a JSON stream on stderr). */
  json?: boolean;
  /** Also pass `--emit-llvm` (writes `<binary>.ll`; unoptimized IR). */
  emitLlvm?: boolean;
  /** Keep the temp project directory (debugging). dispose() then leaves it in place. */
  keep?: boolean;
}

/** The result of building one candidate in its own temp project directory. */
export interface BuiltCandidate {
  record: RunRecord;
  /** The produced executable, or null when the build failed or wrote nothing. */
  binaryPath: string | null;
  /** The temp project directory that was compiled (`<tmp>/project`). */
  dir: string;
  /** Removes the temp directory (unless `keep`); idempotent. */
  dispose(): Promise<void>;
}

export interface RunOptions extends SpawnOptions {
  /** Address-space limit via `prlimit --as`; ignored (see docs) when prlimit is absent. */
  memoryMb?: number;
  /** Text written to the program's stdin (default: no stdin). */
  stdin?: string;
  /** Working directory (default: the binary's directory). */
  cwd?: string;
}

export interface ObserveOptions extends BuildOptions {
  /** Options for running the binary; timeoutMs defaults to the build's. */
  run?: Partial<Omit<RunOptions, 'signal' | 'pool'>>;
}

export interface Observation {
  build: RunRecord;
  /** Null when the build produced no binary. */
  run: RunRecord | null;
  compiler: CompilerInfo;
}

export type { Candidate, CompilerInfo, RunRecord };
