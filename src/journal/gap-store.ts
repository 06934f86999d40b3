import { ExitCode, UserError, type GapStatus, type KnownGap } from '../types/index.js';
import type { Db } from './connection.js';
import { toGapDialect, toGapEvent, toStage, type GapDialectRow, type GapEventRow, type GapRow } from './rows.js';
import type { GapDialectRecord, GapEvent, GapRecord } from './types.js';

/** Known gaps in the journal: the catalog's description plus per-dialect status kept by the CI gate. */

export interface SeedResult {
  added: number;
  updated: number;
}

/**
 * Upserts the catalog. Descriptions always follow the catalog; a dialect's status follows
 * it only when new or when the catalog's own verdict changed, so fixes and regressions the
 * gate recorded are not undone by re-seeding the same catalog.
 */
export function seedGaps(db: Db, gaps: readonly KnownGap[], at: string): SeedResult {
  const existing = db.prepare('SELECT 1 FROM gaps WHERE key = ?').pluck();
  const upsert = db.prepare(`
    INSERT INTO gaps (key, title, kind, stage, signature_patterns, trigger, workaround, probe, catalog_fixed_in)
    VALUES (@key, @title, @kind, @stage, @patterns, @trigger, @workaround, @probe, @fixedIn)
    ON CONFLICT (key) DO UPDATE SET title = excluded.title, kind = excluded.kind, stage = excluded.stage,
      signature_patterns = excluded.signature_patterns, trigger = excluded.trigger,
      workaround = excluded.workaround, probe = excluded.probe, catalog_fixed_in = excluded.catalog_fixed_in`);
  const dialectRow = db.prepare('SELECT * FROM gap_dialects WHERE gap_key = ? AND dialect = ?');
  const insertDialect = db.prepare(
    'INSERT INTO gap_dialects (gap_key, dialect, status, catalog_status, fixed_in) VALUES (?, ?, ?, ?, ?)',
  );
  const followCatalog = db.prepare(
    'UPDATE gap_dialects SET status = ?, catalog_status = ?, fixed_in = coalesce(?, fixed_in) WHERE gap_key = ? AND dialect = ?',
  );
  const result: SeedResult = { added: 0, updated: 0 };
  for (const gap of gaps) {
    const isNew = existing.get(gap.key) === undefined;
    upsert.run({
      key: gap.key,
      title: gap.title,
      kind: gap.kind,
      stage: gap.stage,
      patterns: JSON.stringify(gap.signaturePatterns),
      trigger: gap.trigger,
      workaround: gap.workaround,
      probe: gap.probe ?? null,
      fixedIn: gap.fixedIn ?? null,
    });
    if (isNew) result.added++;
    else result.updated++;
    for (const [dialect, status] of Object.entries(gap.status) as Array<[string, GapStatus]>) {
      const fixedIn = status === 'fixed' ? (gap.fixedIn ?? null) : null;
      const row = dialectRow.get(gap.key, dialect) as GapDialectRow | undefined;
      if (!row) {
        insertDialect.run(gap.key, dialect, status, status, fixedIn);
        addEvent(db, gap.key, dialect, 'seeded', null, null, at, `catalog says ${status}`);
      } else if (row.catalog_status !== status) {
        followCatalog.run(status, status, fixedIn, gap.key, dialect);
        addEvent(db, gap.key, dialect, 'catalog', null, null, at, `catalog changed ${row.catalog_status ?? 'none'} → ${status}`);
      }
    }
  }
  return result;
}

export function gapStatus(db: Db, key: string, dialect: string): GapDialectRecord | undefined {
  const row = db.prepare('SELECT * FROM gap_dialects WHERE gap_key = ? AND dialect = ?').get(key, dialect) as GapDialectRow | undefined;
  return row ? toGapDialect(row) : undefined;
}

/** The gate saw the gap's probe work with this compiler: mark it fixed and keep the record. */
export function recordGapFix(db: Db, key: string, dialect: string, compilerVersion: string, on: string, at: string, note?: string): GapDialectRecord {
  requireGap(db, key);
  db.prepare(`
    INSERT INTO gap_dialects (gap_key, dialect, status, fixed_in, fixed_on) VALUES (?, ?, 'fixed', ?, ?)
    ON CONFLICT (gap_key, dialect) DO UPDATE SET status = 'fixed', fixed_in = excluded.fixed_in, fixed_on = excluded.fixed_on`).run(
    key,
    dialect,
    compilerVersion,
    on,
  );
  addEvent(db, key, dialect, 'fixed', compilerVersion, on, at, note ?? null);
  return gapStatus(db, key, dialect)!;
}

/**
 * The gate saw a fixed gap fail again: it is open again (so the next run is "still open",
 * not a fresh alarm), with the regression recorded next to the fix it undid.
 */
export function recordGapRegression(db: Db, key: string, dialect: string, compilerVersion: string, on: string, at: string, note?: string): GapDialectRecord {
  requireGap(db, key);
  db.prepare(`
    INSERT INTO gap_dialects (gap_key, dialect, status, regressed_in, regressed_on) VALUES (?, ?, 'open', ?, ?)
    ON CONFLICT (gap_key, dialect) DO UPDATE SET status = 'open', regressed_in = excluded.regressed_in, regressed_on = excluded.regressed_on`).run(
    key,
    dialect,
    compilerVersion,
    on,
  );
  addEvent(db, key, dialect, 'regressed', compilerVersion, on, at, note ?? null);
  return gapStatus(db, key, dialect)!;
}

export function listGaps(db: Db): GapRecord[] {
  const rows = db.prepare('SELECT * FROM gaps ORDER BY key').all() as GapRow[];
  const dialects = db.prepare('SELECT * FROM gap_dialects ORDER BY gap_key, dialect').all() as GapDialectRow[];
  return rows.map((row) => ({
    key: row.key,
    title: row.title,
    kind: row.kind as GapRecord['kind'],
    stage: toStage(row.stage),
    signaturePatterns: parsePatterns(row.signature_patterns),
    trigger: row.trigger,
    workaround: row.workaround,
    probe: row.probe,
    catalogFixedIn: row.catalog_fixed_in,
    dialects: dialects.filter((d) => d.gap_key === row.key).map(toGapDialect),
  }));
}

export function gapEvents(db: Db, key?: string): GapEvent[] {
  const rows = (
    key === undefined
      ? db.prepare('SELECT * FROM gap_events ORDER BY id').all()
      : db.prepare('SELECT * FROM gap_events WHERE gap_key = ? ORDER BY id').all(key)
  ) as GapEventRow[];
  return rows.map(toGapEvent);
}

/** Accepts a Date or `YYYY-MM-DD`; stores `YYYY-MM-DD`. */
export function toDateOnly(date: Date | string): string {
  if (date instanceof Date) {
    if (Number.isNaN(date.getTime())) throw new UserError('invalid date', ExitCode.USAGE);
    return date.toISOString().slice(0, 10);
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))) {
    throw new UserError(`invalid date '${date}'`, ExitCode.USAGE, 'use YYYY-MM-DD');
  }
  return date;
}

function requireGap(db: Db, key: string): void {
  if (db.prepare('SELECT 1 FROM gaps WHERE key = ?').get(key) === undefined) {
    throw new UserError(`no known gap '${key}' in the journal`, ExitCode.INPUT, 'the gap catalog is seeded into the journal on open; check the key');
  }
}

function addEvent(db: Db, key: string, dialect: string, kind: GapEvent['kind'], version: string | null, on: string | null, at: string, note: string | null): void {
  db.prepare('INSERT INTO gap_events (gap_key, dialect, kind, compiler_version, on_date, at, note) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    key,
    dialect,
    kind,
    version,
    on,
    at,
    note,
  );
}

function parsePatterns(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.map(String) : [];
  } catch {
    return [];
  }
}
