import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APPLICATION_ID, fingerprint, openJournal, openJournalReadOnly, resolveJournalPath, SCHEMA_VERSION, type Journal } from '../../../src/journal/index.js';
import { parseSqliteHeader } from '../../../src/journal/header.js';
import { ExitCode, UserError } from '../../../src/types/index.js';
import { symptom, tempDir } from './support/fixtures.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

/** Everything about a file that "never modified" promises: its bytes, its mtime, and no new siblings. */
function snapshot(path: string): { hash: string; mtimeMs: number; siblings: string[] } {
  return {
    hash: createHash('sha256').update(readFileSync(path)).digest('hex'),
    mtimeMs: statSync(path).mtimeMs,
    siblings: readdirSync(dir).sort(),
  };
}

/** Both the write open and the read-only open refuse the file and leave it as it was. */
function expectRefused(path: string, message: RegExp): void {
  const before = snapshot(path);
  for (const open of [openJournal, openJournalReadOnly]) expectUserError(() => open(path).close(), ExitCode.JOURNAL, message);
  expect(snapshot(path)).toEqual(before);
}

function expectUserError(fn: () => unknown, exitCode: number, message: RegExp): void {
  let error: unknown;
  try {
    fn();
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(UserError);
  expect((error as UserError).exitCode).toBe(exitCode);
  expect((error as UserError).message).toMatch(message);
  expect((error as UserError).hint).toBeTruthy();
}

describe('journal location', () => {
  it('prefers --journal, then MESHER_TRIAGE_JOURNAL, then .mesher-triage/journal.db', () => {
    expect(resolveJournalPath('x/j.db', { MESHER_TRIAGE_JOURNAL: '/env/j.db' }, '/work')).toBe('/work/x/j.db');
    expect(resolveJournalPath(undefined, { MESHER_TRIAGE_JOURNAL: '/env/j.db' }, '/work')).toBe('/env/j.db');
    expect(resolveJournalPath(undefined, { MESHER_TRIAGE_JOURNAL: '' }, '/work')).toBe('/work/.mesher-triage/journal.db');
    expect(resolveJournalPath(undefined, {}, '/work')).toBe('/work/.mesher-triage/journal.db');
  });
});

describe('opening', () => {
  it('creates a WAL journal marked with our application id and schema version', () => {
    const path = join(dir, 'deep', 'er', 'journal.db');
    openJournal(path).close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare('SELECT version FROM schema_version ORDER BY version').pluck().all()).toEqual([1, 2]);
    db.close();
    const header = parseSqliteHeader(readFileSync(path));
    expect(header).toMatchObject({ wal: true, applicationId: APPLICATION_ID });
  });

  it('reopens an existing journal with its data', () => {
    const path = join(dir, 'journal.db');
    const first = openJournal(path);
    const { bugId } = first.recordOccurrence({ symptom: symptom('boom') });
    first.close();
    const again = openJournal(path);
    expect(again.getBug(bugId).message).toBe('boom');
    expect(again.backupPath).toBeUndefined();
    again.close();
  });

  it('adopts an empty file (touch) as a new journal', () => {
    const path = join(dir, 'journal.db');
    writeFileSync(path, '');
    const journal = openJournal(path);
    journal.recordOccurrence({ symptom: symptom('boom') });
    journal.close();
    expect(parseSqliteHeader(readFileSync(path))?.applicationId).toBe(APPLICATION_ID);
  });
});

describe('refusing files that are not ours, and never touching them', () => {
  it('refuses a file that is not SQLite at all', () => {
    const path = join(dir, 'journal.db');
    writeFileSync(path, 'this is a text file, not a database\n'.repeat(20));
    expectRefused(path, /not an SQLite database/);
  });

  it('refuses a journal whose pages are damaged', () => {
    const path = join(dir, 'journal.db');
    const journal = openJournal(path);
    for (let i = 0; i < 200; i++) journal.recordOccurrence({ symptom: symptom(`bug ${i}`), rawOutput: 'x'.repeat(500) });
    journal.close();
    const bytes = readFileSync(path);
    expect(bytes.length).toBeGreaterThan(8 * 4096);
    // Keep the header (page 1 start) intact, scribble over the b-tree pages after it.
    for (let i = 4096 + 8; i < bytes.length; i += 7) bytes[i] = (bytes[i]! ^ 0x5a) & 0xff;
    writeFileSync(path, bytes);
    expectRefused(path, /corrupt/);
  });

  it('refuses a foreign SQLite database (other application id)', () => {
    const path = join(dir, 'other.db');
    const db = new Database(path);
    db.pragma('application_id = 1234');
    db.exec('CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT)');
    db.close();
    expectRefused(path, /not a mesher-triage journal/);
  });

  it('refuses a foreign SQLite database without an application id, even in WAL mode', () => {
    const path = join(dir, 'other.db');
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me')");
    db.close();
    expectRefused(path, /not a mesher-triage journal/);
  });

  it('refuses a journal with a newer schema version', () => {
    const path = join(dir, 'journal.db');
    openJournal(path).close();
    const db = new Database(path);
    db.exec("INSERT INTO schema_version VALUES (99, '2030-01-01T00:00:00Z', 'from the future')");
    db.pragma('user_version = 99');
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    expectRefused(path, /schema version 99, newer/);
  });
});

/** Schema v1 as it shipped, frozen here on purpose (the migration must keep working on it). */
const V1_DDL = `
CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL, description TEXT NOT NULL);
CREATE TABLE bugs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  fingerprint TEXT NOT NULL UNIQUE,
  signature TEXT NOT NULL,
  signature_version TEXT NOT NULL,
  stage TEXT NOT NULL,
  code TEXT NOT NULL,
  message TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open'
    CHECK (status IN ('open', 'workaround', 'fixed', 'regressed', 'wontfix', 'duplicate')),
  duplicate_of INTEGER REFERENCES bugs(id),
  verdict_class TEXT NOT NULL DEFAULT 'undetermined'
    CHECK (verdict_class IN ('compiler', 'app', 'known-gap', 'undetermined')),
  verdict_confidence REAL NOT NULL DEFAULT 0,
  verdict_reasons TEXT NOT NULL DEFAULT '[]',
  gap_key TEXT,
  workaround TEXT,
  fixed_in TEXT,
  repro_source TEXT,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  occurrence_count INTEGER NOT NULL DEFAULT 0,
  CHECK ((status = 'duplicate') = (duplicate_of IS NOT NULL)),
  UNIQUE (signature_version, signature)
);
CREATE TABLE occurrences (
  id INTEGER PRIMARY KEY,
  bug_id INTEGER NOT NULL REFERENCES bugs(id) ON DELETE CASCADE,
  seen_at TEXT NOT NULL,
  source_path TEXT,
  compiler_path TEXT,
  compiler_version TEXT,
  compiler_dialect TEXT,
  raw_output TEXT NOT NULL DEFAULT ''
);
CREATE INDEX occurrences_by_bug ON occurrences (bug_id, seen_at);
CREATE TABLE bug_history (
  id INTEGER PRIMARY KEY,
  bug_id INTEGER NOT NULL REFERENCES bugs(id) ON DELETE CASCADE,
  at TEXT NOT NULL, actor TEXT NOT NULL, field TEXT NOT NULL,
  from_value TEXT, to_value TEXT, note TEXT
);
CREATE INDEX bug_history_by_bug ON bug_history (bug_id, id);
CREATE TABLE gaps (
  key TEXT PRIMARY KEY, title TEXT NOT NULL, kind TEXT NOT NULL, stage TEXT NOT NULL,
  signature_patterns TEXT NOT NULL, trigger TEXT NOT NULL, workaround TEXT NOT NULL, probe TEXT,
  february_status TEXT NOT NULL, april_status TEXT NOT NULL, fixed_in TEXT
);
`;

function writeV1Journal(path: string): void {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec(V1_DDL);
  db.prepare("INSERT INTO schema_version VALUES (1, '2026-02-20T00:00:00Z', 'bugs, occurrences, history, gaps')").run();
  db.pragma(`application_id = ${APPLICATION_ID}`);
  db.pragma('user_version = 1');
  db.prepare(
    `INSERT INTO bugs (id, fingerprint, signature, signature_version, stage, code, message, status, verdict_class,
       verdict_confidence, verdict_reasons, workaround, repro_source, first_seen, last_seen, occurrence_count)
     VALUES (7, @fp, 'llvm-verify||instruction does not dominate all uses', 'sig-v1', 'llvm-verify', '', 'Instruction does not dominate all uses',
       'workaround', 'compiler', 0.9, '["LLVM verify failed after typecheck"]', 'bind with let first',
       'fn main() do\n  println("v1")\nend\n', '2026-02-10T00:00:00Z', '2026-02-11T00:00:00Z', 2)`,
  ).run({ fp: fingerprint('sig-v1', 'llvm-verify||instruction does not dominate all uses') });
  const occurrence = db.prepare("INSERT INTO occurrences (bug_id, seen_at, compiler_version, compiler_dialect, raw_output) VALUES (7, ?, 'meshc 0.1.0', 'february', ?)");
  occurrence.run('2026-02-10T00:00:00Z', 'error: LLVM module verification failed');
  occurrence.run('2026-02-11T00:00:00Z', 'error: LLVM module verification failed again');
  db.prepare("INSERT INTO bug_history (bug_id, at, actor, field, from_value, to_value) VALUES (7, '2026-02-11T00:00:00Z', 'ada', 'status', 'open', 'workaround')").run();
  db.prepare(
    `INSERT INTO gaps VALUES ('multiline-pipe', 'Multi-line pipes', 'compiler', 'parse', '["expected expression"]', 'leading |>',
       'one line', 'fixtures/mesh/gaps/multiline-pipe.mpl', 'fixed', 'fixed', 'fc2032b8')`,
  ).run();
  db.close();
}

describe('migrating an older journal', () => {
  it('migrates v1 with its data intact, after taking a backup copy', () => {
    const path = join(dir, 'journal.db');
    writeV1Journal(path);
    const v1Copy = join(dir, 'pristine-v1.db');
    copyFileSync(path, v1Copy);

    const journal = openJournal(path);
    expect(journal.backupPath).toBeDefined();
    const bug = journal.getBug(7);
    expect(bug).toMatchObject({
      status: 'workaround',
      workaround: 'bind with let first',
      occurrenceCount: 2,
      firstSeen: '2026-02-10T00:00:00Z',
      verdict: { class: 'compiler', confidence: 0.9, reasons: ['LLVM verify failed after typecheck'] },
    });
    expect(bug.repro).toEqual({ 'main.mpl': 'fn main() do\n  println("v1")\nend\n' });
    expect(bug.occurrences.map((o) => o.rawOutput)).toEqual(['error: LLVM module verification failed', 'error: LLVM module verification failed again']);
    expect(bug.history).toMatchObject([{ actor: 'ada', from: 'open', to: 'workaround' }]);
    expect(journal.gapStatus('multiline-pipe', 'february')).toMatchObject({ status: 'fixed', fixedIn: 'fc2032b8' });
    expect(journal.gapStatus('multiline-pipe', 'april')).toMatchObject({ status: 'fixed' });
    // The migrated journal keeps working: same signature dedups into bug 7.
    const again = journal.recordOccurrence({
      symptom: { stage: 'llvm-verify', code: '', message: 'x', signature: 'llvm-verify||instruction does not dominate all uses', signatureVersion: 'sig-v1', generic: false },
    });
    expect(again.isNew).toBe(false);
    journal.close();

    // The backup is a full v1 database, data included.
    const backup = new Database(journal.backupPath!, { readonly: true });
    expect(backup.pragma('user_version', { simple: true })).toBe(1);
    expect(backup.prepare('SELECT repro_source FROM bugs WHERE id = 7').pluck().get()).toContain('println("v1")');
    expect(backup.prepare('SELECT count(*) FROM occurrences').pluck().get()).toBe(2);
    backup.close();

    const migrated = new Database(path, { readonly: true });
    expect(migrated.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(migrated.prepare('SELECT version FROM schema_version ORDER BY version').pluck().all()).toEqual([1, 2]);
    migrated.close();
    expect(existsSync(v1Copy)).toBe(true);
  });

  it('does not migrate twice when opened again', () => {
    const path = join(dir, 'journal.db');
    writeV1Journal(path);
    const a = openJournal(path);
    const b = openJournal(path);
    expect(a.getBug(7).repro).toEqual(b.getBug(7).repro);
    a.close();
    b.close();
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT count(*) FROM repro_files').pluck().get()).toBe(1);
    db.close();
  });
});

describe('opening for reading only', () => {
  function journalWith(path: string, ...messages: string[]): void {
    const journal = openJournal(path);
    for (const message of messages) journal.recordOccurrence({ symptom: symptom(message) });
    journal.close();
  }

  it('refuses a missing journal and creates nothing', () => {
    const path = join(dir, 'typo', 'journal.db');
    expectUserError(() => openJournalReadOnly(path), ExitCode.JOURNAL, /^no journal at .*typo\/journal\.db$/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('reads bugs, stats, gaps and the export without writing or leaving -wal/-shm files', () => {
    const path = join(dir, 'journal.db');
    journalWith(path, 'boom', 'bang');
    const before = snapshot(path);
    const journal = openJournalReadOnly(path);
    expect(journal.listBugs().map((b) => b.message)).toEqual(['bang', 'boom']);
    expect(journal.getBug(1).message).toBe('boom');
    expect(journal.stats()).toMatchObject({ bugs: 2, occurrences: 2 });
    expect(journal.exportAll().bugs).toHaveLength(2);
    journal.close();
    expect(snapshot(path)).toEqual(before);
  });

  it('sees what a writer that still has the journal open has committed', () => {
    const path = join(dir, 'journal.db');
    const writer = openJournal(path);
    writer.recordOccurrence({ symptom: symptom('in the WAL only') });
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(0);
    const reader = openJournalReadOnly(path);
    expect(reader.listBugs().map((b) => b.message)).toEqual(['in the WAL only']);
    writer.recordOccurrence({ symptom: symptom('later') });
    expect(reader.listBugs()).toHaveLength(2);
    reader.close();
    writer.close();
    expect(readdirSync(dir)).toEqual(['journal.db']);
  });

  it('refuses writes through it', () => {
    const path = join(dir, 'journal.db');
    journalWith(path, 'boom');
    const before = snapshot(path);
    const journal = openJournalReadOnly(path) as Journal;
    expectUserError(() => journal.recordOccurrence({ symptom: symptom('new') }), ExitCode.JOURNAL, /cannot write journal/);
    journal.close();
    expect(snapshot(path)).toEqual(before);
  });

  it('reads an older journal through an upgraded copy in memory: no migration, no backup, file untouched', () => {
    const path = join(dir, 'journal.db');
    writeV1Journal(path);
    const before = snapshot(path);
    const journal = openJournalReadOnly(path);
    expect(journal.getBug(7)).toMatchObject({ status: 'workaround', repro: { 'main.mpl': 'fn main() do\n  println("v1")\nend\n' } });
    expect(journal.gapStatus('multiline-pipe', 'february')).toMatchObject({ status: 'fixed', fixedIn: 'fc2032b8' });
    journal.close();
    expect(snapshot(path)).toEqual(before);
  });

  it('reads an empty (0-byte) file as an empty journal', () => {
    const path = join(dir, 'journal.db');
    writeFileSync(path, '');
    const journal = openJournalReadOnly(path);
    expect(journal.listBugs()).toEqual([]);
    journal.close();
    expect(readFileSync(path).length).toBe(0);
  });
});
