import type { CompilerInfo, Dialect, GapStatus, KnownGap, Stage, Symptom, Verdict, VerdictClass } from '../types/index.js';

/** Where a bug stands. `duplicate` always comes with `duplicateOf`. */
export const BUG_STATUSES = ['open', 'workaround', 'fixed', 'regressed', 'wontfix', 'duplicate'] as const;
export type BugStatus = (typeof BUG_STATUSES)[number];

/** Stage as stored: a Symptom stage, or 'unknown' for a repro added by hand without one. */
export type StoredStage = Stage | 'unknown';

/** Repro files: relative path → text (a Candidate is accepted too). */
export type ReproFiles = ReadonlyMap<string, string> | Readonly<Record<string, string>>;

export interface OccurrenceInput {
  /** Missing for a repro added by hand with no recorded symptom: it is then keyed by content. */
  symptom?: Symptom;
  compiler?: CompilerInfo;
  /** The program (file or project) the failure was seen in. */
  sourcePath?: string;
  /** Raw compiler/program output (stdout + stderr), capped when stored. */
  rawOutput?: string;
  verdict?: Verdict;
  /** Stored when the bug has none yet, or when this one is smaller (the minimal repro wins). */
  repro?: ReproFiles;
  /** Defaults to now. */
  seenAt?: Date;
  /** Who recorded it (for the audit history). */
  actor?: string;
}

export interface RecordResult {
  bugId: number;
  occurrenceId: number;
  /** True when this signature had never been seen. */
  isNew: boolean;
  /** True when the bug was `fixed` and this occurrence re-opened it as `regressed`. */
  regressed: boolean;
  /** True when the given repro replaced (or became) the stored one. */
  reproStored: boolean;
}

export interface BugSummary {
  id: number;
  fingerprint: string;
  signature: string;
  signatureVersion: string;
  stage: StoredStage;
  code: string;
  message: string;
  status: BugStatus;
  duplicateOf: number | null;
  verdict: Verdict;
  workaround: string | null;
  fixedIn: string | null;
  firstSeen: string;
  lastSeen: string;
  occurrenceCount: number;
}

export interface Occurrence {
  id: number;
  seenAt: string;
  sourcePath: string | null;
  compilerPath: string | null;
  compilerVersion: string | null;
  compilerDialect: Dialect | null;
  rawOutput: string;
  /** True when rawOutput was cut to the storage cap. */
  outputTruncated: boolean;
}

export interface HistoryEntry {
  at: string;
  actor: string;
  /** What changed: 'status', 'workaround', 'fixed-in', 'class', 'repro', 'created' or 'note'. */
  field: string;
  from: string | null;
  to: string | null;
  note: string | null;
}

export interface BugDetail extends BugSummary {
  /** Relative path → text; empty when no repro is stored. */
  repro: Record<string, string>;
  /** Directory holding the on-disk copy of the repro. */
  reproDir: string;
  occurrences: Occurrence[];
  history: HistoryEntry[];
}

export interface BugFilter {
  status?: BugStatus;
  /** With status 'duplicate': only duplicates of this bug. */
  duplicateOf?: number;
  class?: VerdictClass;
}

export interface BugUpdate {
  status?: BugStatus;
  /** Required with status 'duplicate'. */
  duplicateOf?: number;
  /** Empty string clears it. */
  workaround?: string;
  fixedIn?: string;
  note?: string;
  actor: string;
}

export interface UpdateResult {
  /** One entry per field that actually changed (plus a 'note' entry for a bare note). */
  changes: HistoryEntry[];
}

export interface GapDialectRecord {
  key: string;
  dialect: string;
  status: GapStatus;
  /** What the catalog said when last seeded. */
  catalogStatus: GapStatus | null;
  fixedIn: string | null;
  fixedOn: string | null;
  regressedIn: string | null;
  regressedOn: string | null;
}

export interface GapEvent {
  key: string;
  dialect: string;
  kind: 'seeded' | 'catalog' | 'fixed' | 'regressed';
  compilerVersion: string | null;
  /** Date of the fix/regression as given (YYYY-MM-DD). */
  on: string | null;
  at: string;
  note: string | null;
}

export interface GapRecord {
  key: string;
  title: string;
  kind: KnownGap['kind'];
  stage: Stage;
  signaturePatterns: string[];
  trigger: string;
  workaround: string;
  probe: string | null;
  catalogFixedIn: string | null;
  dialects: GapDialectRecord[];
}

export interface JournalStats {
  bugs: number;
  occurrences: number;
  byStatus: Record<BugStatus, number>;
  byClass: Record<VerdictClass, number>;
  byStage: Record<string, number>;
  gaps: { total: number; open: Record<string, number>; fixed: Record<string, number> };
}

/** Everything an export needs, in one document (JSON export prints exactly this). */
export interface JournalExport {
  format: 'mesher-triage-journal';
  schemaVersion: number;
  exportedAt: string;
  bugs: BugDetail[];
  gaps: GapRecord[];
  gapEvents: GapEvent[];
}
