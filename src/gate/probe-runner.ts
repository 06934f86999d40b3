import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { observe as classifyObserve } from '../classify/index.js';
import type { Probe } from '../gaps/index.js';
import { HOW_TO_GET_MESHC, defaultPool, observe as toolchainObserve, runProcess, type ProcessPool } from '../toolchain/index.js';
import { ExitCode, UserError, type Candidate, type RunRecord } from '../types/index.js';
import type { CheckRun } from './run.js';

/** The real compiler behind the gate's `runProbe` / `runRepro`: toolchain/ builds and runs, classify/ reads. */
export interface MeshcRunnerOptions {
  meshc: string;
  buildTimeoutMs: number;
  /** Programs that serve forever (`# exits: no`) are judged by their stdout at this timeout. */
  runTimeoutMs: number;
  pool?: ProcessPool;
}

export async function runProgram(files: Candidate, options: MeshcRunnerOptions): Promise<CheckRun> {
  const started = Date.now();
  const seen = await toolchainObserve(files, {
    meshc: options.meshc,
    timeoutMs: options.buildTimeoutMs,
    run: { timeoutMs: options.runTimeoutMs },
    pool: options.pool,
  });
  return { ...readRecords(seen.build, seen.run ?? undefined), ms: Date.now() - started };
}

/** Runs a probe; `fmt-then-build` probes go through `meshc fmt` first, and a failing fmt is the symptom. */
export async function runProbeProgram(probe: Probe, options: MeshcRunnerOptions): Promise<CheckRun> {
  if (probe.mode !== 'fmt-then-build') return runProgram(probe.files, options);
  const started = Date.now();
  const formatted = await formatFiles(probe.files, options);
  if ('failed' in formatted) return { ...readRecords(formatted.failed), ms: Date.now() - started };
  const run = await runProgram(formatted.files, options);
  return { ...run, ms: Date.now() - started };
}

function readRecords(build: RunRecord, run?: RunRecord): Omit<CheckRun, 'ms'> {
  const seen = classifyObserve({ build, run });
  const failing = run && seen.phase === 'run' ? run : build;
  // Patterns in probe headers may name the message, the verifier/panic text or the signal: give them all.
  const text = [seen.symptom.message, seen.detail, failing.stderr, failing.signal ?? ''].filter((t) => t !== '').join('\n');
  return {
    observation: { stage: seen.symptom.stage, text, stdout: run?.stdout ?? '' },
    signature: seen.symptom.signature,
  };
}

/** `meshc fmt <dir>` over a copy of the files; returns the formatted text or the failing record. */
async function formatFiles(files: Candidate, options: MeshcRunnerOptions): Promise<{ files: Candidate } | { failed: RunRecord }> {
  const root = await mkdtemp(join(tmpdir(), 'mesher-triage-fmt-'));
  try {
    const dir = join(root, 'project');
    for (const [rel, text] of files) {
      await mkdir(dirname(join(dir, rel)), { recursive: true });
      await writeFile(join(dir, rel), text);
    }
    const pool = options.pool ?? defaultPool();
    const record = await pool.run(() =>
      runProcess(options.meshc, ['fmt', 'project'], { cwd: root, env: { RUST_BACKTRACE: '0' }, timeoutMs: options.buildTimeoutMs }),
    );
    if (record.spawnError) throw new UserError(`cannot start meshc at ${options.meshc} (${record.spawnError})`, ExitCode.SETUP, HOW_TO_GET_MESHC);
    if (record.exitCode !== 0) return { failed: record };
    const out = new Map<string, string>();
    for (const rel of files.keys()) out.set(rel, await readFile(join(dir, rel), 'utf8'));
    return { files: out };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
