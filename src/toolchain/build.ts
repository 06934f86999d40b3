import { mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ExitCode, UserError, type Candidate } from '../types/index.js';
import { HOW_TO_GET_MESHC } from './find-meshc.js';
import type { BuildOptions, BuiltCandidate } from './api.js';
import { checkCandidatePaths, PROJECT_NAME } from './candidate-files.js';
import { defaultPool } from './pool.js';
import { runProcess } from './process.js';
import { keepTempDir, makeTempDir, removeTempDir } from './temp-dirs.js';

/**
 * The `meshc build` arguments for a project directory. Colour is on by default even on a
 * pipe, so every build passes `--json` or `--no-color`.
 */
export function meshcBuildArgs(projectDir: string, options: Pick<BuildOptions, 'optLevel' | 'json' | 'emitLlvm'>): string[] {
  const args = ['build', projectDir, options.json ? '--json' : '--no-color'];
  if (options.optLevel !== undefined) args.push('--opt-level', String(options.optLevel));
  if (options.emitLlvm) args.push('--emit-llvm');
  return args;
}

/**
 * Writes the candidate into a fresh `<tmp>/project/` and runs `meshc build project` from
 * `<tmp>`, so diagnostics name `project/main.mpl` whatever the temp path is. The caller
 * must `dispose()` the result (or use `withBuild`); a build that produced no binary is
 * cleaned up at once. An abort rejects with the signal's reason after cleaning up.
 */
export async function buildCandidate(candidate: Candidate, options: BuildOptions): Promise<BuiltCandidate> {
  checkCandidatePaths(candidate);
  options.signal?.throwIfAborted();
  const root = await makeTempDir();
  const dir = join(root, PROJECT_NAME);
  let disposed = false;
  const dispose = async (): Promise<void> => {
    if (disposed) return;
    disposed = true;
    if (options.keep) keepTempDir(root);
    else await removeTempDir(root);
  };
  try {
    await writeCandidate(dir, candidate);
    const args = meshcBuildArgs(PROJECT_NAME, options);
    const pool = options.pool ?? defaultPool();
    const record = await pool.run(
      () =>
        runProcess(options.meshc, args, {
          cwd: root,
          env: { RUST_BACKTRACE: '0', ...options.env },
          timeoutMs: options.timeoutMs,
          signal: options.signal,
        }),
      options.signal,
    );
    options.signal?.throwIfAborted();
    if (record.spawnError) {
      throw new UserError(`cannot start meshc at ${options.meshc} (${record.spawnError})`, ExitCode.SETUP, HOW_TO_GET_MESHC);
    }
    const binary = join(dir, PROJECT_NAME);
    const binaryPath = record.exitCode === 0 && (await isFile(binary)) ? binary : null;
    if (binaryPath === null) await dispose();
    return { record, binaryPath, dir, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** Builds, hands the result to `use`, and always removes the temp directory afterwards. */
export async function withBuild<T>(
  candidate: Candidate,
  options: BuildOptions,
  use: (built: BuiltCandidate) => Promise<T>,
): Promise<T> {
  const built = await buildCandidate(candidate, options);
  try {
    return await use(built);
  } finally {
    await built.dispose();
  }
}

async function writeCandidate(dir: string, candidate: Candidate): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [path, text] of candidate) {
    const target = join(dir, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, text, 'utf8');
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
