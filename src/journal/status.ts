import { ExitCode, UserError, usageError } from '../types/index.js';
import { BUG_STATUSES, type BugStatus } from './types.js';

export interface ParsedStatus {
  status: BugStatus;
  duplicateOf?: number;
}

/** The statuses a bug can be set to, as `--help` lists them (a duplicate needs the original's id). */
export const SETTABLE_STATUSES: readonly string[] = [...BUG_STATUSES.filter((s) => s !== 'duplicate'), 'duplicate-of:<id>'];
/** The statuses a list can be filtered by: plain `duplicate` means a duplicate of any bug. */
export const FILTER_STATUSES: readonly string[] = [...BUG_STATUSES, 'duplicate-of:<id>'];

/**
 * Parses a status as typed by a user: `fixed`, `duplicate-of:12`, `duplicate-of=12`,
 * `duplicate-of 12`. With `filter`, a bare `duplicate` is accepted (any duplicate).
 */
export function parseStatus(text: string, options: { filter?: boolean } = {}): ParsedStatus {
  const trimmed = text.trim().toLowerCase();
  const duplicate = /^duplicate(?:-of)?(?:[:= ]\s*#?(\d+))?$/.exec(trimmed);
  if (duplicate) {
    if (duplicate[1]) return { status: 'duplicate', duplicateOf: Number(duplicate[1]) };
    if (options.filter) return { status: 'duplicate' };
    throw usageError(`status '${text}' needs the id of the original bug`, 'write it as duplicate-of:<id>');
  }
  if ((BUG_STATUSES as readonly string[]).includes(trimmed)) return { status: trimmed as BugStatus };
  throw usageError(`unknown status '${text}'`, `use one of: ${(options.filter ? FILTER_STATUSES : SETTABLE_STATUSES).join(', ')}`);
}

export function isBugStatus(text: string): text is BugStatus {
  return (BUG_STATUSES as readonly string[]).includes(text);
}

/** How a status reads to people: `duplicate-of #12` rather than `duplicate`. */
export function formatStatus(status: BugStatus, duplicateOf: number | null): string {
  return status === 'duplicate' && duplicateOf !== null ? `duplicate-of #${duplicateOf}` : status;
}

/**
 * The lifecycle rule that is not just "any status to any status": a bug can only be
 * `regressed` after it was `fixed` (a regression means the fix stopped working).
 */
export function checkTransition(id: number, from: BugStatus, to: BugStatus): void {
  if (to === 'regressed' && from !== 'fixed' && from !== 'regressed') {
    throw new UserError(
      `bug #${id} is ${from}, so it cannot regress`,
      ExitCode.USAGE,
      'only a fixed bug can become regressed; mark it fixed first, or set it open',
    );
  }
}
