import { closeSync, existsSync, mkdirSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ExitCode, UserError } from '../types/index.js';
import { corruptHint, immediateTransaction, journalError, openReadWrite, type Db } from './connection.js';
import { HEADER_BYTES, parseSqliteHeader } from './header.js';
import { APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION } from './schema.js';

/** What an existing file turned out to be, decided without writing to it. */
export type Inspection =
  | { kind: 'fresh' }
  | { kind: 'ours'; version: number; backupPath?: string };

/**
 * Looks at `path` read-only: a missing or empty file is fresh; a corrupt file, a foreign
 * SQLite database or a newer schema is refused with UserError(JOURNAL) before anything
 * could write to it. An older journal is backed up (VACUUM INTO, which includes the WAL)
 * before the caller migrates it.
 */
export function inspectJournalFile(path: string, now: () => Date = () => new Date()): Inspection {
  // A journal another process is creating right now can look unmarked for a moment (its
  // first commit not yet visible to us): look again briefly before calling it foreign.
  // Whether -wal/-shm existed before our first look: a refused file keeps no trace of us.
  const sidecarsAreOurs = !existsSync(`${path}-wal`) && !existsSync(`${path}-shm`);
  for (let attempt = 1; ; attempt++) {
    try {
      return inspectOnce(path, now, attempt === SETTLE_ATTEMPTS, sidecarsAreOurs);
    } catch (err) {
      if (!(err instanceof UnmarkedFile)) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, SETTLE_DELAY_MS * attempt);
    }
  }
}

const SETTLE_ATTEMPTS = 8;
const SETTLE_DELAY_MS = 25;

/** An SQLite file without our application id: foreign, or a journal still being created. */
class UnmarkedFile extends Error {}

function inspectOnce(path: string, now: () => Date, lastLook: boolean, sidecarsAreOurs: boolean): Inspection {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new UserError(`journal path ${path} is not a file`, ExitCode.JOURNAL, 'pass a file path with --journal');
    size = stat.size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'fresh' };
    throw err;
  }
  // A zero-length file (touch, or a creator that has only its WAL so far) is settled under the write lock.
  if (size === 0) return { kind: 'fresh' };
  const header = parseSqliteHeader(readHead(path));
  if (!header) {
    throw new UserError(`journal ${path} is not an SQLite database (corrupt or some other file)`, ExitCode.JOURNAL, corruptHint(path));
  }
  if (header.applicationId !== 0 && header.applicationId !== APPLICATION_ID) throw foreignError(path);
  if (header.applicationId === APPLICATION_ID && header.userVersion > SCHEMA_VERSION) throw newerError(path, header.userVersion);

  let db: Db | undefined;
  let refused = false;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true, timeout: 5_000 });
    // The header in the main file can lag behind the WAL: ask SQLite for the live values.
    const applicationId = Number(db.pragma('application_id', { simple: true }));
    const version = Number(db.pragma('user_version', { simple: true }));
    const objects = Number((db.prepare('SELECT count(*) AS n FROM sqlite_schema').get() as { n: number }).n);
    if (applicationId !== APPLICATION_ID) {
      if (applicationId === 0 && version === 0 && objects === 0) return { kind: 'fresh' };
      throw applicationId === 0 && !lastLook ? new UnmarkedFile() : foreignError(path);
    }
    if (version > SCHEMA_VERSION) throw newerError(path, version);
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') {
      throw new UserError(`journal ${path} is corrupt (integrity check: ${String(check)})`, ExitCode.JOURNAL, corruptHint(path));
    }
    if (version >= SCHEMA_VERSION) return { kind: 'ours', version };
    const backupPath = `${path}.v${version}-${now().toISOString().replace(/[:.]/g, '-')}-${process.pid}.bak`;
    db.prepare('VACUUM INTO ?').run(backupPath);
    return { kind: 'ours', version, backupPath };
  } catch (err) {
    // An unmarked file may be a journal mid-creation: never touch its sidecars.
    if (err instanceof UnmarkedFile) throw err;
    refused = true;
    throw journalError(err, path);
  } finally {
    db?.close();
    // Reading a WAL-mode file creates -wal/-shm beside it: a refused file keeps no trace of us.
    if (refused && sidecarsAreOurs) removeReaderSidecars(path);
  }
}

/** Creates or upgrades the schema under the write lock, re-checking what another process may have done. */
export function migrateToCurrent(db: Db, path: string, lockTimeoutMs: number, now: () => Date): number {
  return immediateTransaction(
    db,
    () => {
      const applicationId = Number(db.pragma('application_id', { simple: true }));
      let version = Number(db.pragma('user_version', { simple: true }));
      if (applicationId !== APPLICATION_ID) {
        const objects = Number((db.prepare('SELECT count(*) AS n FROM sqlite_schema').get() as { n: number }).n);
        if (applicationId !== 0 || version !== 0 || objects !== 0) throw foreignError(path);
        // Pragma values cannot be bound; these are our own integer constants.
        db.pragma(`application_id = ${APPLICATION_ID}`);
      }
      if (version > SCHEMA_VERSION) throw newerError(path, version);
      for (const migration of MIGRATIONS) {
        if (migration.version <= version) continue;
        db.exec(migration.sql);
        // Prepared after the first migration has created the table.
        db.prepare('INSERT INTO schema_version (version, applied_at, description) VALUES (?, ?, ?)').run(migration.version, now().toISOString(), migration.description);
        db.pragma(`user_version = ${Math.trunc(migration.version)}`);
        version = migration.version;
      }
      return version;
    },
    lockTimeoutMs,
  );
}

/** Opens (creating or migrating as needed) the journal database at `path`. */
export function openDatabase(path: string, lockTimeoutMs: number, now: () => Date, busyTimeoutMs?: number): { db: Db; backupPath?: string } {
  const inspection = inspectJournalFile(path, now);
  if (inspection.kind === 'fresh') mkdirSync(dirname(path), { recursive: true });
  let db: Db | undefined;
  try {
    db = openReadWrite(path, lockTimeoutMs, busyTimeoutMs);
    migrateToCurrent(db, path, lockTimeoutMs, now);
    return { db, backupPath: inspection.kind === 'ours' ? inspection.backupPath : undefined };
  } catch (err) {
    db?.close();
    throw journalError(err, path);
  }
}

function readHead(path: string): Uint8Array {
  const buffer = new Uint8Array(HEADER_BYTES);
  const fd = openSync(path, 'r');
  try {
    const read = readSync(fd, buffer, 0, HEADER_BYTES, 0);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** Removes the -wal/-shm pair a read-only open created, unless someone has since written to the WAL. */
function removeReaderSidecars(path: string): void {
  try {
    if (existsSync(`${path}-wal`) && statSync(`${path}-wal`).size > 0) return;
    rmSync(`${path}-wal`, { force: true });
    rmSync(`${path}-shm`, { force: true });
  } catch {
    // Best effort: the database file itself was never written.
  }
}

function foreignError(path: string): UserError {
  return new UserError(
    `${path} is an SQLite database but not a mesher-triage journal`,
    ExitCode.JOURNAL,
    'it was left untouched; pass another path with --journal or MESHER_TRIAGE_JOURNAL',
  );
}

function newerError(path: string, version: number): UserError {
  return new UserError(
    `journal ${path} has schema version ${version}, newer than this mesher-triage understands (${SCHEMA_VERSION})`,
    ExitCode.JOURNAL,
    'upgrade mesher-triage; the journal was left untouched',
  );
}
