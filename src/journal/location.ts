import { join, resolve } from 'node:path';

export const JOURNAL_ENV = 'MESHER_TRIAGE_JOURNAL';
export const DEFAULT_JOURNAL_DIR = '.mesher-triage';
export const DEFAULT_JOURNAL_FILE = 'journal.db';

/** `--journal` wins, then $MESHER_TRIAGE_JOURNAL, then `.mesher-triage/journal.db` under cwd. */
export function resolveJournalPath(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
  cwd: string = process.cwd(),
): string {
  const chosen = nonEmpty(flag) ?? nonEmpty(env[JOURNAL_ENV]) ?? join(DEFAULT_JOURNAL_DIR, DEFAULT_JOURNAL_FILE);
  return resolve(cwd, chosen);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}
