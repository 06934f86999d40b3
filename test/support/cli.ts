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
}

/** Runs `mesher-triage <args>` as a user would and collects its output and exit code. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}
