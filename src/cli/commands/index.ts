import type { Command } from 'commander';

/** Sets the process exit code for the command that ran. */
export type SetExitCode = (code: number) => void;

/**
 * Each command module exports `register(program, setExitCode)`.
 * Add new commands here, one line each.
 */
export function registerCommands(program: Command, setExitCode: SetExitCode): void {
  void program;
  void setExitCode;
}
