import { accessSync, closeSync, constants, existsSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ExitCode, UserError } from '../types/index.js';
import { BUSY_TIMEOUT_MS, corruptHint, immediateTransaction, journalError, openReadWrite, sqliteCode, type Db } from './connection.js';
import { HEADER_BYTES, parseSqliteHeader } from './header.js';
import { APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION } from './schema.js';
import { makeDirsSync } from '../fs/make-dirs.js';

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
  checkHeader(path);

  let db: Db | undefined;
  let refused = false;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    const version = checkLive(db, path, () => (lastLook ? foreignError(path) : new UnmarkedFile()));
    if (version === 'empty') return { kind: 'fresh' };
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
  requireWritable(path);
  const inspection = inspectJournalFile(path, now);
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

/**
 * Creates the journal's folder and checks that the file (or, for a new journal, the folder)
 * is writable, before SQLite looks at it: a look at a file we cannot write would leave
 * -wal/-shm files owned by us beside it, which can lock its owner out.
 */
function requireWritable(path: string): void {
  const dir = dirname(path);
  try {
    makeDirsSync(dir);
  } catch (err) {
    throw cannotWriteError(path, `cannot create the journal's folder ${dir}`, err);
  }
  const sidecarsExist = existsSync(`${path}-wal`) && existsSync(`${path}-shm`);
  for (const target of [...(existsSync(path) ? [path] : []), ...(sidecarsExist ? [] : [dir])]) {
    try {
      accessSync(target, constants.W_OK);
    } catch (err) {
      throw cannotWriteError(path, `cannot write journal ${path}`, err);
    }
  }
}

function cannotWriteError(path: string, what: string, err: unknown): UserError {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const reason = code === 'ENOSPC' ? 'no space left on device' : code === 'EROFS' ? 'read-only file system' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (err as Error).message;
  const fix = code === 'ENOSPC' ? 'free some disk space' : `fix the permissions of ${dirname(path)}`;
  return new UserError(
    `${what}: ${reason}`,
    ExitCode.JOURNAL,
    `${fix}, or choose another location with --journal or $MESHER_TRIAGE_JOURNAL; reading (journal list, show, stats, export) needs no write access`,
  );
}

/**
 * Opens an existing journal for reading only: nothing is created, migrated or written, and
 * no -wal/-shm files are left behind. Missing → UserError(JOURNAL); corrupt, foreign or newer
 * files are refused as on a write open. When no writer has the journal open (no -wal file)
 * the file is read into memory in one go; otherwise SQLite reads it in place beside the
 * writer. An older schema is migrated in that in-memory copy, never in the file.
 */
export function openDatabaseReadOnly(path: string, now: () => Date): Db {
  try {
    if (!statSync(path).isFile()) throw new UserError(`journal path ${path} is not a file`, ExitCode.JOURNAL, 'pass a file path with --journal');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw readError(err, path);
    throw new UserError(
      `no journal at ${path}`,
      ExitCode.JOURNAL,
      'nothing has been recorded there yet (journal add, repro and gate --update create it); check --journal and $MESHER_TRIAGE_JOURNAL, or run from the folder that holds .mesher-triage/',
    );
  }
  let db: Db | undefined;
  try {
    if (statSync(path).size > 0) checkHeader(path);
    db = (existsSync(`${path}-wal`) ? undefined : snapshot(path)) ?? new Database(path, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    const version = checkLive(db, path, () => foreignError(path));
    if (version !== SCHEMA_VERSION) {
      const copy = inMemory(db.serialize());
      db.close();
      db = copy;
      migrateToCurrent(db, path, BUSY_TIMEOUT_MS, now);
    }
    db.pragma('query_only = ON'); // any write through this connection fails
    return db;
  } catch (err) {
    db?.close();
    throw readError(err, path);
  }
}

/** The file read into memory, or undefined when a writer changed it while we read. */
function snapshot(path: string): Db | undefined {
  const before = statSync(path, { bigint: true });
  const bytes = readFileSync(path);
  const after = statSync(path, { bigint: true });
  const same = before.ino === after.ino && before.size === after.size && before.mtimeNs === after.mtimeNs;
  return same && !existsSync(`${path}-wal`) ? inMemory(bytes) : undefined;
}

function inMemory(bytes: Buffer): Db {
  // An in-memory database cannot be in WAL mode: mark the copy as a rollback-journal file.
  if (bytes.length >= HEADER_BYTES) bytes[18] = bytes[19] = 1;
  return new Database(bytes);
}

/** Like journalError, but a failure to open for reading is not "cannot write". */
function readError(err: unknown, path: string): unknown {
  const code = sqliteCode(err) || ((err as NodeJS.ErrnoException | null)?.code ?? '');
  if (/^(SQLITE_CANTOPEN|SQLITE_READONLY|SQLITE_PERM|EACCES|EPERM)/.test(code)) {
    return new UserError(`cannot read journal ${path} (${(err as Error).message})`, ExitCode.JOURNAL, 'check the permissions of the file and its folder');
  }
  return journalError(err, path);
}

/** Refuses, from the raw 100-byte header, a file that is not SQLite, not ours, or newer. */
function checkHeader(path: string): void {
  const header = parseSqliteHeader(readHead(path));
  if (!header) {
    throw new UserError(`journal ${path} is not an SQLite database (corrupt or some other file)`, ExitCode.JOURNAL, corruptHint(path));
  }
  if (header.applicationId !== 0 && header.applicationId !== APPLICATION_ID) throw foreignError(path);
  if (header.applicationId === APPLICATION_ID && header.userVersion > SCHEMA_VERSION) throw newerError(path, header.userVersion);
}

/**
 * Checks the live values (the header in the main file can lag behind the WAL) and the pages:
 * returns the schema version, or 'empty' for a database with nothing in it yet.
 * `unmarked` is what to throw for an SQLite database without our application id.
 */
function checkLive(db: Db, path: string, unmarked: () => Error): number | 'empty' {
  const applicationId = Number(db.pragma('application_id', { simple: true }));
  const version = Number(db.pragma('user_version', { simple: true }));
  const objects = Number((db.prepare('SELECT count(*) AS n FROM sqlite_schema').get() as { n: number }).n);
  if (applicationId !== APPLICATION_ID) {
    if (applicationId === 0 && version === 0 && objects === 0) return 'empty';
    throw applicationId === 0 ? unmarked() : foreignError(path);
  }
  if (version > SCHEMA_VERSION) throw newerError(path, version);
  const check = db.pragma('quick_check', { simple: true });
  if (check !== 'ok') {
    throw new UserError(`journal ${path} is corrupt (integrity check: ${String(check)})`, ExitCode.JOURNAL, corruptHint(path));
  }
  return version;
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
