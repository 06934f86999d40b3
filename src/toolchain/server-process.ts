import { execa } from 'execa';

export interface ServerOptions {
  cwd?: string;
  /** Extra environment variables, merged over process.env; `undefined` removes one. */
  env?: Record<string, string | undefined>;
  /** Called with each chunk the server writes, as it comes. */
  onOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
}

/** How a server process ended. */
export interface ServerExit {
  exitCode: number | null;
  signal: string | null;
  /** Set when it could not be started at all (ENOENT, EACCES, ...). */
  spawnError?: string;
  /** True when stop() ended it (SIGTERM or SIGKILL sent by us). */
  stoppedByUs: boolean;
}

export interface ServerProcess {
  /** Undefined only when spawning failed. */
  readonly pid: number | undefined;
  /** Resolves once the process has exited; never rejects. */
  readonly exited: Promise<ServerExit>;
  /** Null while it runs. */
  exit(): ServerExit | null;
  /** SIGTERM to its process group, SIGKILL after `graceMs`; resolves when it is gone. Idempotent. */
  stop(graceMs?: number): Promise<ServerExit>;
}

const live = new Set<number>();
let exitHookInstalled = false;

/**
 * Starts a long-running program (an application under test) in its own process group, so
 * that stopping it stops everything it started. Unlike runProcess it does not wait: output
 * is streamed to `onOutput`, and `stop()` ends it. A group still running when this Node
 * process exits is killed then, as a last line of defence.
 */
export function startServer(file: string, args: readonly string[], options: ServerOptions = {}): ServerProcess {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const pid of live) killGroup(pid, 'SIGKILL');
    });
  }
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  const child = execa(file, args, {
    cwd: options.cwd,
    env,
    extendEnv: false,
    stdin: 'ignore',
    detached: true,
    reject: false,
    buffer: false,
    encoding: 'utf8',
    cleanup: false,
  });
  const pid = child.pid;
  if (pid !== undefined) live.add(pid);
  child.stdout?.on('data', (chunk: Buffer | string) => options.onOutput?.('stdout', chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer | string) => options.onOutput?.('stderr', chunk.toString()));

  let stopping = false;
  let result: ServerExit | null = null;
  const exited: Promise<ServerExit> = child.then(
    (r) => {
      const spawnFailed = r.failed && r.exitCode === undefined && r.signal === undefined;
      result = {
        exitCode: r.exitCode ?? (spawnFailed ? 127 : null),
        signal: r.signal ?? null,
        stoppedByUs: stopping,
        ...(spawnFailed ? { spawnError: r.code ?? r.shortMessage ?? 'spawn failed' } : {}),
      };
      if (pid !== undefined) {
        // Children of the server may outlive it; the group goes with it.
        killGroup(pid, 'SIGKILL');
        live.delete(pid);
      }
      return result;
    },
  );

  let stopped: Promise<ServerExit> | undefined;
  const stop = (graceMs = 5_000): Promise<ServerExit> => {
    stopped ??= (async () => {
      if (result) return result;
      stopping = true;
      if (pid !== undefined) killGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => pid !== undefined && killGroup(pid, 'SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    })();
    return stopped;
  };

  return { pid, exited, exit: () => result, stop };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}
