import { Command, CommanderError } from 'commander';
import { ExitCode, UserError } from '../types/index.js';
import { printError } from './output.js';
import { environmentProblem } from './environment-problem.js';
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
