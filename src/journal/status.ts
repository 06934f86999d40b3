import { ExitCode, UserError, usageError } from '../types/index.js';
import { BUG_STATUSES, type BugStatus } from './types.js';

export interface ParsedStatus {
  status: BugStatus;
  duplicateOf?: number;
}

const STATUS_HINT = `use one of: ${BUG_STATUSES.filter((s) => s !== 'duplicate').join(', ')}, duplicate-of:<id>`;

/** Parses a status as typed by a user: `fixed`, `duplicate-of:12`, `duplicate-of=12`, `duplicate-of 12`. */
export function parseStatus(text: string): ParsedStatus {
  const trimmed = text.trim().toLowerCase();
  const duplicate = /^duplicate(?:-of)?(?:[:= ]\s*#?(\d+))?$/.exec(trimmed);
  if (duplicate) {
    if (!duplicate[1]) throw usageError(`status '${text}' needs the id of the original bug`, 'write it as duplicate-of:<id>');
    return { status: 'duplicate', duplicateOf: Number(duplicate[1]) };
  }
  if ((BUG_STATUSES as readonly string[]).includes(trimmed)) return { status: trimmed as BugStatus };
  throw usageError(`unknown status '${text}'`, STATUS_HINT);
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
