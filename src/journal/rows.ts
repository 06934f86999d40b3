import type { Dialect, GapStatus, Stage, VerdictClass } from '../types/index.js';
import type { BugStatus, BugSummary, GapDialectRecord, GapEvent, HistoryEntry, Occurrence, StoredStage } from './types.js';

/** Raw rows as SQLite returns them, and their mapping to the typed records. */
export interface BugRow {
  id: number;
  fingerprint: string;
  signature: string;
  signature_version: string;
  stage: string;
  code: string;
  message: string;
  status: string;
  duplicate_of: number | null;
  verdict_class: string;
  verdict_confidence: number;
  verdict_reasons: string;
  gap_key: string | null;
  workaround: string | null;
  fixed_in: string | null;
  repro_bytes: number | null;
  first_seen: string;
  last_seen: string;
  occurrence_count: number;
}

export function toBugSummary(row: BugRow): BugSummary {
  const reasons = parseReasons(row.verdict_reasons);
  return {
    id: row.id,
    fingerprint: row.fingerprint,
    signature: row.signature,
    signatureVersion: row.signature_version,
    stage: row.stage as StoredStage,
    code: row.code,
    message: row.message,
    status: row.status as BugStatus,
    duplicateOf: row.duplicate_of,
    verdict: {
      class: row.verdict_class as VerdictClass,
      confidence: row.verdict_confidence,
      reasons,
      ...(row.gap_key ? { gapKey: row.gap_key } : {}),
    },
    workaround: row.workaround,
    fixedIn: row.fixed_in,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    occurrenceCount: row.occurrence_count,
  };
}

function parseReasons(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.map(String) : [];
  } catch {
    return [];
  }
}

export interface OccurrenceRow {
  id: number;
  seen_at: string;
  source_path: string | null;
  compiler_path: string | null;
  compiler_version: string | null;
  compiler_dialect: string | null;
  raw_output: string;
  output_truncated: number;
}

export function toOccurrence(row: OccurrenceRow): Occurrence {
  return {
    id: row.id,
    seenAt: row.seen_at,
    sourcePath: row.source_path,
    compilerPath: row.compiler_path,
    compilerVersion: row.compiler_version,
    compilerDialect: row.compiler_dialect as Dialect | null,
    rawOutput: row.raw_output,
    outputTruncated: row.output_truncated !== 0,
  };
}

export interface HistoryRow {
  at: string;
  actor: string;
  field: string;
  from_value: string | null;
  to_value: string | null;
  note: string | null;
}

export function toHistory(row: HistoryRow): HistoryEntry {
  return { at: row.at, actor: row.actor, field: row.field, from: row.from_value, to: row.to_value, note: row.note };
}

export interface GapRow {
  key: string;
  title: string;
  kind: string;
  stage: string;
  signature_patterns: string;
  trigger: string;
  workaround: string;
  probe: string | null;
  catalog_fixed_in: string | null;
}

export interface GapDialectRow {
  gap_key: string;
  dialect: string;
  status: string;
  catalog_status: string | null;
  fixed_in: string | null;
  fixed_on: string | null;
  regressed_in: string | null;
  regressed_on: string | null;
}

export function toGapDialect(row: GapDialectRow): GapDialectRecord {
  return {
    key: row.gap_key,
    dialect: row.dialect,
    status: row.status as GapStatus,
    catalogStatus: row.catalog_status as GapStatus | null,
    fixedIn: row.fixed_in,
    fixedOn: row.fixed_on,
    regressedIn: row.regressed_in,
    regressedOn: row.regressed_on,
  };
}

export interface GapEventRow {
  gap_key: string;
  dialect: string;
  kind: string;
  compiler_version: string | null;
  on_date: string | null;
  at: string;
  note: string | null;
}

export function toGapEvent(row: GapEventRow): GapEvent {
  return {
    key: row.gap_key,
    dialect: row.dialect,
    kind: row.kind as GapEvent['kind'],
    compilerVersion: row.compiler_version,
    on: row.on_date,
    at: row.at,
    note: row.note,
  };
}

export function toStage(stage: string): Stage {
  return stage as Stage;
}
