import Database from 'better-sqlite3';
import { ExitCode, UserError } from '../types/index.js';

export type Db = Database.Database;
export type Statement = Database.Statement<unknown[], unknown>;

/** How long SQLite itself waits on a lock before reporting SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5_000;
/** How long we keep retrying a busy transaction before giving up with a clear error. */
export const DEFAULT_LOCK_TIMEOUT_MS = 60_000;

export function sqliteCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

export function isBusy(err: unknown): boolean {
  const code = sqliteCode(err);
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
}

/**
 * Turns SQLite failures the user can act on into UserError(JOURNAL); anything else is
 * rethrown unchanged (a bug in mesher-triage).
 */
export function journalError(err: unknown, path: string): unknown {
  if (err instanceof UserError) return err;
  const code = sqliteCode(err);
  const detail = err instanceof Error ? err.message : String(err);
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return new UserError(`journal ${path} is corrupt (${detail})`, ExitCode.JOURNAL, corruptHint(path));
  }
  if (isBusy(err)) {
    return new UserError(
      `journal ${path} stayed locked by another process past the timeout`,
      ExitCode.JOURNAL,
      'another mesher-triage may be stuck; retry, or find it with `fuser` on the journal file',
    );
  }
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_PERM')) {
    return new UserError(`cannot write journal ${path} (${detail})`, ExitCode.JOURNAL, 'check the file and directory permissions');
  }
  if (code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR')) {
    return new UserError(`I/O error on journal ${path} (${detail})`, ExitCode.JOURNAL, 'check free disk space');
  }
  return err;
}

export function corruptHint(path: string): string {
  return `the file was left untouched; move it aside (mv ${path} ${path}.broken) to start a new journal, or recover it with \`sqlite3 ${path} .recover\``;
}

/** Opens the journal for writing with WAL, foreign keys and a busy timeout. */
export function openReadWrite(path: string, lockTimeoutMs: number, busyTimeoutMs: number = BUSY_TIMEOUT_MS): Db {
  const db = new Database(path, { timeout: Math.min(busyTimeoutMs, lockTimeoutMs) });
  try {
    // Switching to WAL takes a lock: retried like a transaction when several processes create the file.
    withRetry(() => db.pragma('journal_mode = WAL'), lockTimeoutMs);
    db.pragma('synchronous = NORMAL'); // WAL + NORMAL: a killed process never loses a commit
    db.pragma('foreign_keys = ON');
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * Runs `body` in BEGIN IMMEDIATE (the write lock is taken up front, so two writers never
 * deadlock upgrading a read lock). SQLITE_BUSY past the busy timeout is retried with
 * jittered exponential backoff until `lockTimeoutMs`; `body` must only touch the database.
 */
export function immediateTransaction<T>(db: Db, body: () => T, lockTimeoutMs: number): T {
  return withRetry(() => {
    db.exec('BEGIN IMMEDIATE');
    try {
      const result = body();
      db.exec('COMMIT');
      return result;
    } catch (err) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw err;
    }
  }, lockTimeoutMs);
}

function withRetry<T>(attempt: () => T, lockTimeoutMs: number): T {
  const deadline = Date.now() + lockTimeoutMs;
  for (let tries = 0; ; tries++) {
    try {
      return attempt();
    } catch (err) {
      if (!isBusy(err) || Date.now() >= deadline) throw err;
      sleepMs(backoffMs(tries));
    }
  }
}

export function backoffMs(tries: number): number {
  const ceiling = Math.min(250, 5 * 2 ** Math.min(tries, 6));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** The journal API is synchronous (as better-sqlite3 is), so backoff blocks this thread. */
function sleepMs(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}
