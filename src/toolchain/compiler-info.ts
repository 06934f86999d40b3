import { statSync } from 'node:fs';
import { ExitCode, UserError, type CompilerInfo, type Dialect, type RunRecord } from '../types/index.js';
import { defaultPool } from './pool.js';
import { runProcess, type ProcessPool } from './process.js';
import { HOW_TO_GET_MESHC } from './find-meshc.js';

const PROBE_TIMEOUT_MS = 15_000;
const cache = new Map<string, Promise<CompilerInfo>>();

export interface CompilerInfoOptions {
  timeoutMs?: number;
  env?: Record<string, string | undefined>;
  pool?: ProcessPool;
}

/**
 * Asks meshc what it is. Both snapshots print `meshc 0.1.0`, so the dialect comes from
 * the subcommand list of `--help` (April adds test, cluster and update).
 * Cached per path (plus the file's size and mtime, so a rebuilt compiler is re-probed).
 */
export function compilerInfo(path: string, options: CompilerInfoOptions = {}): Promise<CompilerInfo> {
  const key = cacheKey(path, options.env);
  const cached = cache.get(key);
  if (cached) return cached;
  const probe = probeCompiler(path, options);
  cache.set(key, probe);
  probe.catch(() => cache.delete(key));
  return probe;
}

export function clearCompilerInfoCache(): void {
  cache.clear();
}

async function probeCompiler(path: string, options: CompilerInfoOptions): Promise<CompilerInfo> {
  const pool = options.pool ?? defaultPool();
  const timeoutMs = options.timeoutMs ?? PROBE_TIMEOUT_MS;
  const env = { RUST_BACKTRACE: '0', ...options.env };
  const versionRun = await pool.run(() => runProcess(path, ['--version'], { timeoutMs, env }));
  assertHealthy(path, '--version', versionRun, timeoutMs);
  const version = parseVersion(versionRun.stdout);
  if (version === null) {
    throw new UserError(
      `${path} --version printed ${JSON.stringify(firstLine(versionRun.stdout + versionRun.stderr))}, not "meshc <version>"`,
      ExitCode.SETUP,
      HOW_TO_GET_MESHC,
    );
  }
  const helpRun = await pool.run(() => runProcess(path, ['--help'], { timeoutMs, env }));
  assertHealthy(path, '--help', helpRun, timeoutMs);
  return { path, version, dialect: dialectFromHelp(helpRun.stdout) };
}

function assertHealthy(path: string, flag: string, run: RunRecord, timeoutMs: number): void {
  if (run.timedOut) {
    throw new UserError(`${path} ${flag} did not finish within ${timeoutMs} ms`, ExitCode.SETUP, HOW_TO_GET_MESHC);
  }
  if (run.exitCode !== 0) {
    const how = run.signal ? `was killed by ${run.signal}` : `exited with code ${run.exitCode}`;
    const said = firstLine(run.stderr || run.stdout);
    throw new UserError(`${path} ${flag} ${how}${said ? `: ${said}` : ''}`, ExitCode.SETUP, HOW_TO_GET_MESHC);
  }
}

/** `meshc 0.1.0` → `0.1.0`; anything else → null. */
export function parseVersion(stdout: string): string | null {
  const match = /^meshc (\S+)\s*$/m.exec(stdout);
  return match?.[1] ?? null;
}

/** Reads the clap `Commands:` section of `meshc --help` and names the snapshot. */
export function dialectFromHelp(help: string): Dialect {
  const commands = new Set<string>();
  let inCommands = false;
  for (const line of help.split(/\r?\n/)) {
    if (/^Commands:\s*$/.test(line)) {
      inCommands = true;
      continue;
    }
    if (!inCommands) continue;
    if (/^\S/.test(line)) break; // next section, e.g. "Options:"
    const match = /^\s+([a-z][\w-]*)(\s|$)/.exec(line);
    if (match?.[1]) commands.add(match[1]);
  }
  if (!commands.has('build')) return 'unknown';
  if (commands.has('test') || commands.has('cluster') || commands.has('update')) return 'april';
  return 'february';
}

function cacheKey(path: string, env: Record<string, string | undefined> | undefined): string {
  let stamp = 'missing';
  try {
    const stat = statSync(path);
    stamp = `${stat.size}:${stat.mtimeMs}`;
  } catch {
    // The probe will report it.
  }
  return `${path}\0${stamp}\0${JSON.stringify(env ?? {})}`;
}

function firstLine(text: string): string {
  return text.trim().split(/\r?\n/)[0]?.slice(0, 200) ?? '';
}
