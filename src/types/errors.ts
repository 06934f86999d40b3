import { ExitCode, type ExitCodeValue } from './exit-codes.js';

/**
 * An error the user can act on: printed as `error: <message>` plus `hint: <hint>`,
 * never with a stack trace. Everything else reaching the CLI top level is a bug (exit 70).
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue = ExitCode.INPUT,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export const usageError = (message: string, hint?: string): UserError =>
  new UserError(message, ExitCode.USAGE, hint);
