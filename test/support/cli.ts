import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

/** Repository root, and the CLI shim the e2e tests spawn (needs `npm run build` first). */
export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin/mesher-triage.js');
/** The meshc TEST DOUBLE. */
export const FAKE_MESHC = join(ROOT, 'test/support/fake-meshc');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  /** Merged over process.env; `undefined` removes a variable. NO_COLOR is set by default. */
  env?: Record<string, string | undefined>;
  /**
   * Run as the unprivileged user `nobody` (when the suite runs as root, as CI does): root
   * ignores file permissions, so read-only folders and files only mean something to another user.
   */
  unprivileged?: boolean;
}

/** uid/gid of `nobody` on Debian; the e2e tests that need an unprivileged user use these. */
export const NOBODY = { uid: 65534, gid: 65534 } as const;

/** True when the tests run as root, so `unprivileged` runs switch user. */
export const RUNNING_AS_ROOT = process.getuid?.() === 0;

/** Runs `mesher-triage <args>` as a user would and collects its output and exit code. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return new Promise((done, fail) => {
    const argv = [BIN, ...args];
    const [file, fileArgs] =
      options.unprivileged && RUNNING_AS_ROOT
        ? ['setpriv', [`--reuid=${NOBODY.uid}`, `--regid=${NOBODY.gid}`, '--clear-groups', '--', process.execPath, ...argv]]
        : [process.execPath, argv];
    const child = spawn(file, fileArgs, { cwd: options.cwd ?? ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/**
 * A temp folder the unprivileged user may work in: owned by `nobody` when the suite runs as
 * root (mkdtemp makes it 0700 for the creating user). Tests then chmod parts of it read-only.
 */
export async function unprivilegedTempDir(prefix = 'mt-unpriv-'): Promise<string> {
  const { mkdtemp, chown } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const dir = await mkdtemp(join(tmpdir(), prefix));
  if (RUNNING_AS_ROOT) await chown(dir, NOBODY.uid, NOBODY.gid);
  return dir;
}
