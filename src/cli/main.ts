import { Command, CommanderError } from 'commander';
import { ExitCode, UserError } from '../types/index.js';
import { printError } from './output.js';
import { registerCommands } from './commands/index.js';

/** Builds the commander program. Commands set `process.exitCode` through their returned code. */
export function buildProgram(): { program: Command; result: { code: number } } {
  const result = { code: ExitCode.OK as number };
  const program = new Command()
    .name('mesher-triage')
    .description('Is it my code or the compiler? Build, shrink, classify and journal Mesh failures.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerCommands(program, (code) => {
    result.code = code;
  });
  return { program, result };
}

const VERSION = '0.1.0';

/** Entry point used by bin/; returns the process exit code. The only place that decides it. */
export async function main(argv: string[]): Promise<number> {
  // `mesher-triage parse dir | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? ExitCode.OK);
    throw err;
  });
  const { program, result } = buildProgram();
  try {
    await program.parseAsync(argv);
    return result.code;
  } catch (err) {
    return exitCodeFor(err);
  }
}

function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) {
    // --help and --version surface as "errors" with exit code 0.
    return err.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
  }
  if (err instanceof UserError) {
    printError(err.message, err.hint);
    return err.exitCode;
  }
  const environment = environmentProblem(err);
  if (environment) return exitCodeFor(environment);
  const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
  printError(`internal error (a bug in mesher-triage): ${message}`, 'please report it with the command you ran');
  return ExitCode.INTERNAL;
}

/** File-system failures that are the machine's state, not a bug: permissions, space, paths. */
const ENVIRONMENT_ERRNO: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'is a folder',
  ENAMETOOLONG: 'name too long',
  ELOOP: 'too many symbolic links',
  EMFILE: 'too many open files',
};

/**
 * The last safety net: an unexpected file-system error from any command becomes a clear
 * error with exit 3 instead of a stack trace. Commands should catch their own first, with
 * a better hint; this only keeps a missed one from looking like a bug.
 */
export function environmentProblem(err: unknown): UserError | undefined {
  const errno = err as NodeJS.ErrnoException | undefined;
  const reason = errno?.code ? ENVIRONMENT_ERRNO[errno.code] : undefined;
  if (!reason) return undefined;
  const where = errno?.path ? `${errno.path}: ` : '';
  return new UserError(
    `cannot use ${where}${reason}`,
    ExitCode.INPUT,
    'check the path and its permissions, or choose another location with the command\'s options',
  );
}
