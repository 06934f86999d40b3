import { dirname, join } from 'node:path';
import { ExitCode, UserError, type KnownGap, type Verdict, type VerdictClass } from '../types/index.js';
import { DEFAULT_LOCK_TIMEOUT_MS, immediateTransaction, journalError, type Db, type Statement } from './connection.js';
import { contentHash, fingerprint } from './fingerprint.js';
import * as gapStore from './gap-store.js';
import { openDatabase, openDatabaseReadOnly } from './open.js';
import { normalizeReproFiles, reproBytes, writeReproDir } from './repro-files.js';
import { toBugSummary, toHistory, toOccurrence, type BugRow, type HistoryRow, type OccurrenceRow } from './rows.js';
import { SCHEMA_VERSION } from './schema.js';
import { checkTransition, formatStatus } from './status.js';
import {
  BUG_STATUSES,
  type BugDetail,
  type BugFilter,
  type BugSummary,
  type BugUpdate,
  type GapDialectRecord,
  type GapEvent,
  type GapRecord,
  type HistoryEntry,
  type JournalExport,
  type JournalStats,
  type OccurrenceInput,
  type RecordResult,
  type ReproFiles,
  type UpdateResult,
} from './types.js';

export interface OpenJournalOptions {
  /** Keep retrying a locked journal this long before failing with UserError(JOURNAL). */
  lockTimeoutMs?: number;
  /** How long SQLite itself waits on a lock before we back off and retry (default 5 s). */
  busyTimeoutMs?: number;
  /** Clock, for tests. */
  now?: () => Date;
  /** Where on-disk repro copies go; defaults to `<journal dir>/repros`. */
  reproRoot?: string;
}

/** Raw output is capped: the head (where diagnostics start) and the tail (where panics end) are kept. */
export const MAX_OUTPUT_CHARS = 128 * 1024;
const SYSTEM_ACTOR = 'mesher-triage';
const VERDICT_CLASSES: readonly VerdictClass[] = ['compiler', 'app', 'known-gap', 'undetermined'];

/**
 * Opens the journal at `path` (created with its directory on first use, migrated if older).
 * A corrupt, foreign or newer file is refused with UserError(JOURNAL) and left untouched.
 */
export function openJournal(path: string, options: OpenJournalOptions = {}): Journal {
  const now = options.now ?? (() => new Date());
  const lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const { db, backupPath } = openDatabase(path, lockTimeoutMs, now, options.busyTimeoutMs);
  return new Journal(db, path, { lockTimeoutMs, now, reproRoot: options.reproRoot ?? join(dirname(path), 'repros'), backupPath });
}

/** What a journal opened for reading offers: no method that writes. */
export type ReadOnlyJournal = Pick<
  Journal,
  'path' | 'reproRoot' | 'reproDir' | 'close' | 'findBug' | 'getBug' | 'listBugs' | 'stats' | 'exportAll' | 'listGaps' | 'gapEvents' | 'gapStatus'
>;

/**
 * Opens an existing journal for reading only (read commands, and other commands that only
 * look up gap statuses): never creates, migrates or writes the file, and works on a
 * read-only file or folder. A missing file is UserError(JOURNAL), as are corrupt, foreign
 * and newer ones. It shows the journal as stored: the gap catalog is seeded by write opens.
 */
export function openJournalReadOnly(path: string, options: Pick<OpenJournalOptions, 'now' | 'reproRoot'> = {}): ReadOnlyJournal {
  const now = options.now ?? (() => new Date());
  const db = openDatabaseReadOnly(path, now);
  return new Journal(db, path, { lockTimeoutMs: DEFAULT_LOCK_TIMEOUT_MS, now, reproRoot: options.reproRoot ?? join(dirname(path), 'repros') });
}

export class Journal {
  readonly reproRoot: string;
  /** Set when opening migrated an older journal: the copy taken first. */
  readonly backupPath: string | undefined;
  private readonly lockTimeoutMs: number;
  private readonly now: () => Date;

  constructor(
    private readonly db: Db,
    readonly path: string,
    options: { lockTimeoutMs: number; now: () => Date; reproRoot: string; backupPath?: string },
  ) {
    this.lockTimeoutMs = options.lockTimeoutMs;
    this.now = options.now;
    this.reproRoot = options.reproRoot;
    this.backupPath = options.backupPath;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  reproDir(bugId: number): string {
    return join(this.reproRoot, String(bugId));
  }

  /** Records one sighting of a failure: a new bug for a new fingerprint, else one more occurrence. */
  recordOccurrence(input: OccurrenceInput): RecordResult {
    const repro = input.repro ? normalizeReproFiles(input.repro) : undefined;
    const key = keyOf(input, repro);
    const seenAt = (input.seenAt ?? this.now()).toISOString();
    const actor = input.actor ?? SYSTEM_ACTOR;
    const output = capOutput(input.rawOutput ?? '');
    const result = this.write(() => {
      let row = this.stmt('SELECT * FROM bugs WHERE signature_version = ? AND signature = ?').get(key.signatureVersion, key.signature) as
        | BugRow
        | undefined;
      const isNew = row === undefined;
      if (!row) {
        const id = Number(
          this
            .stmt(
              `INSERT INTO bugs (fingerprint, signature, signature_version, stage, code, message, first_seen, last_seen)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
            )
            .run(key.fingerprint, key.signature, key.signatureVersion, key.stage, key.code, key.message, seenAt, seenAt).lastInsertRowid,
        );
        this.addHistory(id, actor, 'created', null, 'open', null);
        row = this.bugRow(id);
      }
      const occurrenceId = Number(
        this
          .stmt(
            `INSERT INTO occurrences (bug_id, seen_at, source_path, compiler_path, compiler_version, compiler_dialect, raw_output, output_truncated)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            row.id,
            seenAt,
            input.sourcePath ?? null,
            input.compiler?.path ?? null,
            input.compiler?.version ?? null,
            input.compiler?.dialect ?? null,
            output.text,
            output.truncated ? 1 : 0,
          ).lastInsertRowid,
      );
      this
        .stmt(
          `UPDATE bugs SET occurrence_count = occurrence_count + 1,
             first_seen = min(first_seen, ?), last_seen = max(last_seen, ?) WHERE id = ?`,
        )
        .run(seenAt, seenAt, row.id);
      let regressed = false;
      if (row.status === 'fixed') {
        const where = input.compiler ? ` with ${input.compiler.version} (${input.compiler.dialect})` : '';
        this.setStatus(row.id, 'fixed', 'regressed', null, actor, `seen again after the fix${where}`);
        regressed = true;
      }
      if (input.verdict) this.applyVerdict(row, input.verdict, actor);
      const reproStored = repro !== undefined && (row.repro_bytes === null || reproBytes(repro) < row.repro_bytes);
      if (reproStored) this.storeRepro(row.id, repro, actor);
      return { bugId: row.id, occurrenceId, isNew, regressed, reproStored };
    });
    if (result.reproStored && repro) writeReproDir(this.reproDir(result.bugId), repro);
    return result;
  }

  /** Replaces the stored repro of a bug (database and on-disk copy). */
  saveRepro(bugId: number, files: ReproFiles, actor: string = SYSTEM_ACTOR): void {
    const repro = normalizeReproFiles(files);
    this.write(() => {
      this.requireBug(bugId);
      this.storeRepro(bugId, repro, actor);
    });
    writeReproDir(this.reproDir(bugId), repro);
  }

  setVerdict(bugId: number, verdict: Verdict, actor: string = SYSTEM_ACTOR): void {
    this.write(() => this.applyVerdict(this.requireBug(bugId), verdict, actor));
  }

  /** Changes status / workaround / fixed-in, with one audit entry per change. */
  update(bugId: number, change: BugUpdate): UpdateResult {
    return this.write(() => {
      const row = this.requireBug(bugId);
      const changes: HistoryEntry[] = [];
      const note = change.note?.trim() ? change.note.trim() : null;
      if (change.status !== undefined) {
        const duplicateOf = change.status === 'duplicate' ? this.checkDuplicateTarget(bugId, change.duplicateOf) : null;
        if (change.status !== row.status || duplicateOf !== row.duplicate_of) {
          checkTransition(bugId, row.status as BugSummary['status'], change.status);
          changes.push(this.setStatus(bugId, row.status as BugSummary['status'], change.status, duplicateOf, change.actor, note, row.duplicate_of));
        }
      }
      if (change.workaround !== undefined) {
        const next = change.workaround.trim() === '' ? null : change.workaround;
        if (next !== row.workaround) {
          this.stmt('UPDATE bugs SET workaround = ? WHERE id = ?').run(next, bugId);
          changes.push(this.addHistory(bugId, change.actor, 'workaround', row.workaround, next, note));
        }
      }
      if (change.fixedIn !== undefined) {
        const next = change.fixedIn.trim() === '' ? null : change.fixedIn.trim();
        if (next !== row.fixed_in) {
          this.stmt('UPDATE bugs SET fixed_in = ? WHERE id = ?').run(next, bugId);
          changes.push(this.addHistory(bugId, change.actor, 'fixed-in', row.fixed_in, next, note));
        }
      }
      if (changes.length === 0 && note !== null) changes.push(this.addHistory(bugId, change.actor, 'note', null, null, note));
      return { changes };
    });
  }

  findBug(bugId: number): BugDetail | undefined {
    return this.read(() => {
      const row = this.stmt('SELECT * FROM bugs WHERE id = ?').get(bugId) as BugRow | undefined;
      return row ? this.detail(row) : undefined;
    });
  }

  getBug(bugId: number): BugDetail {
    const bug = this.findBug(bugId);
    if (!bug) throw unknownBug(bugId);
    return bug;
  }

  listBugs(filter: BugFilter = {}): BugSummary[] {
    return this.read(() => {
      const rows = this
        .stmt(
          `SELECT * FROM bugs WHERE (@status IS NULL OR status = @status) AND (@class IS NULL OR verdict_class = @class)
             AND (@duplicateOf IS NULL OR duplicate_of = @duplicateOf)
           ORDER BY last_seen DESC, id DESC`,
        )
        .all({ status: filter.status ?? null, class: filter.class ?? null, duplicateOf: filter.duplicateOf ?? null }) as BugRow[];
      return rows.map(toBugSummary);
    });
  }

  stats(): JournalStats {
    return this.read(() => {
      const byStatus = Object.fromEntries(BUG_STATUSES.map((s) => [s, 0])) as JournalStats['byStatus'];
      const byClass = Object.fromEntries(VERDICT_CLASSES.map((c) => [c, 0])) as JournalStats['byClass'];
      const byStage: Record<string, number> = {};
      type Count = { k: string; n: number };
      for (const r of this.stmt('SELECT status AS k, count(*) AS n FROM bugs GROUP BY status').all() as Count[]) byStatus[r.k as keyof typeof byStatus] = r.n;
      for (const r of this.stmt('SELECT verdict_class AS k, count(*) AS n FROM bugs GROUP BY verdict_class').all() as Count[]) byClass[r.k as VerdictClass] = r.n;
      for (const r of this.stmt('SELECT stage AS k, count(*) AS n FROM bugs GROUP BY stage ORDER BY stage').all() as Count[]) byStage[r.k] = r.n;
      const count = (sql: string): number => Number(this.stmt(sql).pluck().get());
      const perDialect = (status: string): Record<string, number> => {
        const rows = this.stmt('SELECT dialect AS k, count(*) AS n FROM gap_dialects WHERE status = ? GROUP BY dialect ORDER BY dialect').all(status) as Count[];
        return Object.fromEntries(rows.map((r) => [r.k, r.n]));
      };
      return {
        bugs: count('SELECT count(*) FROM bugs'),
        occurrences: count('SELECT count(*) FROM occurrences'),
        byStatus,
        byClass,
        byStage,
        gaps: { total: count('SELECT count(*) FROM gaps'), open: perDialect('open'), fixed: perDialect('fixed') },
      };
    });
  }

  /** Everything, for `journal export`. Read in one transaction so the snapshot is consistent. */
  exportAll(): JournalExport {
    return this.read(() =>
      this.db.transaction(() => ({
        format: 'mesher-triage-journal' as const,
        schemaVersion: SCHEMA_VERSION,
        exportedAt: this.now().toISOString(),
        bugs: (this.stmt('SELECT * FROM bugs ORDER BY id').all() as BugRow[]).map((row) => this.detail(row)),
        gaps: gapStore.listGaps(this.db),
        gapEvents: gapStore.gapEvents(this.db),
      }))(),
    );
  }

  // Known gaps -------------------------------------------------------------------------

  seedGaps(gaps: readonly KnownGap[]): gapStore.SeedResult {
    return this.write(() => gapStore.seedGaps(this.db, gaps, this.now().toISOString()));
  }

  listGaps(): GapRecord[] {
    return this.read(() => gapStore.listGaps(this.db));
  }

  gapEvents(key?: string): GapEvent[] {
    return this.read(() => gapStore.gapEvents(this.db, key));
  }

  /** The journal's view of a gap in one dialect; undefined for an unknown gap or dialect. */
  gapStatus(key: string, dialect: string): GapDialectRecord | undefined {
    return this.read(() => gapStore.gapStatus(this.db, key, dialect));
  }

  recordGapFix(key: string, dialect: string, compilerVersion: string, date: Date | string, note?: string): GapDialectRecord {
    const on = gapStore.toDateOnly(date);
    return this.write(() => gapStore.recordGapFix(this.db, key, dialect, compilerVersion, on, this.now().toISOString(), note));
  }

  recordGapRegression(key: string, dialect: string, compilerVersion: string, date: Date | string, note?: string): GapDialectRecord {
    const on = gapStore.toDateOnly(date);
    return this.write(() => gapStore.recordGapRegression(this.db, key, dialect, compilerVersion, on, this.now().toISOString(), note));
  }

  // Internals --------------------------------------------------------------------------

  /** Prepared statements are compiled once per connection (a statement used with pluck() is only ever plucked). */
  private readonly statements = new Map<string, Statement>();
  private stmt(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare<unknown[], unknown>(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private write<T>(body: () => T): T {
    try {
      return immediateTransaction(this.db, body, this.lockTimeoutMs);
    } catch (err) {
      throw journalError(err, this.path);
    }
  }

  private read<T>(body: () => T): T {
    try {
      return body();
    } catch (err) {
      throw journalError(err, this.path);
    }
  }

  private bugRow(id: number): BugRow {
    return this.stmt('SELECT * FROM bugs WHERE id = ?').get(id) as BugRow;
  }

  private requireBug(id: number): BugRow {
    const row = this.stmt('SELECT * FROM bugs WHERE id = ?').get(id) as BugRow | undefined;
    if (!row) throw unknownBug(id);
    return row;
  }

  private checkDuplicateTarget(id: number, target: number | undefined): number {
    if (target === undefined) throw new UserError(`marking #${id} a duplicate needs the original's id`, ExitCode.USAGE, 'use --status duplicate-of:<id>');
    if (target === id) throw new UserError(`bug #${id} cannot be a duplicate of itself`, ExitCode.USAGE);
    // Follow the target's duplicate chain: pointing back at this bug would make a cycle.
    let cursor: number | null = target;
    for (let hops = 0; cursor !== null && hops < 10_000; hops++) {
      const row = this.stmt('SELECT id, duplicate_of FROM bugs WHERE id = ?').get(cursor) as { id: number; duplicate_of: number | null } | undefined;
      if (!row) throw unknownBug(cursor);
      if (row.duplicate_of === id) throw new UserError(`bug #${target} is already a duplicate of #${id}`, ExitCode.USAGE, 'mark the other one instead');
      cursor = row.duplicate_of;
    }
    return target;
  }

  private setStatus(
    id: number,
    from: BugSummary['status'],
    to: BugSummary['status'],
    duplicateOf: number | null,
    actor: string,
    note: string | null,
    fromDuplicateOf: number | null = null,
  ): HistoryEntry {
    this.stmt('UPDATE bugs SET status = ?, duplicate_of = ? WHERE id = ?').run(to, duplicateOf, id);
    return this.addHistory(id, actor, 'status', formatStatus(from, fromDuplicateOf), formatStatus(to, duplicateOf), note);
  }

  private applyVerdict(row: BugRow, verdict: Verdict, actor: string): void {
    if (!VERDICT_CLASSES.includes(verdict.class)) throw new UserError(`unknown verdict class '${String(verdict.class)}'`, ExitCode.INPUT);
    const confidence = Math.min(1, Math.max(0, Number.isFinite(verdict.confidence) ? verdict.confidence : 0));
    this
      .stmt('UPDATE bugs SET verdict_class = ?, verdict_confidence = ?, verdict_reasons = ?, gap_key = ? WHERE id = ?')
      .run(verdict.class, confidence, JSON.stringify(verdict.reasons ?? []), verdict.gapKey ?? null, row.id);
    if (verdict.class !== row.verdict_class) this.addHistory(row.id, actor, 'class', row.verdict_class, verdict.class, verdict.reasons?.[0] ?? null);
  }

  private storeRepro(id: number, repro: ReadonlyMap<string, string>, actor: string): void {
    const before = this.stmt('SELECT repro_bytes FROM bugs WHERE id = ?').pluck().get(id) as number | null;
    this.stmt('DELETE FROM repro_files WHERE bug_id = ?').run(id);
    const insert = this.stmt('INSERT INTO repro_files (bug_id, path, content) VALUES (?, ?, ?)');
    for (const [path, content] of repro) insert.run(id, path, content);
    const bytes = reproBytes(repro);
    this.stmt('UPDATE bugs SET repro_bytes = ? WHERE id = ?').run(bytes, id);
    this.addHistory(id, actor, 'repro', before === null ? null : `${before} bytes`, `${bytes} bytes in ${repro.size} file(s)`, null);
  }

  private addHistory(id: number, actor: string, field: string, from: string | null, to: string | null, note: string | null): HistoryEntry {
    const at = this.now().toISOString();
    this
      .stmt('INSERT INTO bug_history (bug_id, at, actor, field, from_value, to_value, note) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(id, at, actor, field, from, to, note);
    return { at, actor, field, from, to, note };
  }

  private detail(row: BugRow): BugDetail {
    const files = this.stmt('SELECT path, content FROM repro_files WHERE bug_id = ? ORDER BY path').all(row.id) as Array<{ path: string; content: string }>;
    const occurrences = this.stmt('SELECT * FROM occurrences WHERE bug_id = ? ORDER BY seen_at, id').all(row.id) as OccurrenceRow[];
    const history = this.stmt('SELECT * FROM bug_history WHERE bug_id = ? ORDER BY id').all(row.id) as HistoryRow[];
    return {
      ...toBugSummary(row),
      repro: Object.fromEntries(files.map((f) => [f.path, f.content])),
      reproDir: this.reproDir(row.id),
      occurrences: occurrences.map(toOccurrence),
      history: history.map(toHistory),
    };
  }
}

interface BugKey {
  fingerprint: string;
  signature: string;
  signatureVersion: string;
  stage: string;
  code: string;
  message: string;
}

/** Signature-keyed normally; a hand-added repro without a symptom is keyed by its content. */
function keyOf(input: OccurrenceInput, repro: ReadonlyMap<string, string> | undefined): BugKey {
  if (input.symptom) {
    const s = input.symptom;
    return { fingerprint: fingerprint(s.signatureVersion, s.signature), signature: s.signature, signatureVersion: s.signatureVersion, stage: s.stage, code: s.code, message: s.message };
  }
  if (!repro || repro.size === 0) throw new UserError('nothing to record: no symptom and no repro files', ExitCode.INPUT);
  const hash = contentHash(repro);
  const signature = `unknown||repro ${hash}`;
  return { fingerprint: fingerprint('manual-v1', signature), signature, signatureVersion: 'manual-v1', stage: 'unknown', code: '', message: 'repro added by hand (no recorded symptom)' };
}

export function capOutput(text: string): { text: string; truncated: boolean } {
  if (text.length <= MAX_OUTPUT_CHARS) return { text, truncated: false };
  const half = MAX_OUTPUT_CHARS / 2;
  const cut = text.length - 2 * half;
  return { text: `${text.slice(0, half)}\n… [${cut} characters cut] …\n${text.slice(-half)}`, truncated: true };
}

function unknownBug(id: number): UserError {
  return new UserError(`no bug #${id} in the journal`, ExitCode.INPUT, 'list the ids with `mesher-triage journal list`');
}
