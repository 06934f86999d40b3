import chalk from 'chalk';

/** Writes a user-facing error (never a stack trace for user mistakes). */
export function printError(message: string, hint?: string): void {
  process.stderr.write(`${chalk.red('error:')} ${message}\n`);
  if (hint) process.stderr.write(`${chalk.dim('hint:')} ${hint}\n`);
}

export function printWarning(message: string): void {
  process.stderr.write(`${chalk.yellow('warning:')} ${message}\n`);
}

/** Machine-readable output: one JSON document on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
