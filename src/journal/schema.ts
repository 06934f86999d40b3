/**
 * The journal schema as numbered forward migrations. Never edit a shipped migration:
 * add the next one. `user_version` and the `schema_version` table both record the
 * version; `application_id` marks the file as ours so a foreign SQLite file is refused.
 */

/** 'MTRJ' (Mesher TRiage Journal), stored in the SQLite header at offset 68. */
export const APPLICATION_ID = 0x4d54524a;

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

const V1 = `
CREATE TABLE schema_version (
  version INTEGER PRIMARY KEY,
  applied_at TEXT NOT NULL,
  description TEXT NOT NULL
);
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
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  field TEXT NOT NULL,
  from_value TEXT,
  to_value TEXT,
  note TEXT
);
CREATE INDEX bug_history_by_bug ON bug_history (bug_id, id);
CREATE TABLE gaps (
  key TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  kind TEXT NOT NULL,
  stage TEXT NOT NULL,
  signature_patterns TEXT NOT NULL,
  trigger TEXT NOT NULL,
  workaround TEXT NOT NULL,
  probe TEXT,
  february_status TEXT NOT NULL,
  april_status TEXT NOT NULL,
  fixed_in TEXT
);
`;

/**
 * v2: repros become multi-file (one row per file, v1 kept one main.mpl in bugs), gap status
 * moves to one row per dialect with fix/regression records, gap events get their own log,
 * and occurrences remember whether their output was cut.
 */
const V2 = `
CREATE TABLE repro_files (
  bug_id INTEGER NOT NULL REFERENCES bugs(id) ON DELETE CASCADE,
  path TEXT NOT NULL,
  content TEXT NOT NULL,
  PRIMARY KEY (bug_id, path)
);
INSERT INTO repro_files (bug_id, path, content)
  SELECT id, 'main.mpl', repro_source FROM bugs WHERE repro_source IS NOT NULL;
ALTER TABLE bugs DROP COLUMN repro_source;
ALTER TABLE bugs ADD COLUMN repro_bytes INTEGER;
UPDATE bugs SET repro_bytes = (SELECT sum(length(CAST(content AS BLOB))) FROM repro_files WHERE bug_id = bugs.id);
CREATE INDEX bugs_by_status ON bugs (status);

ALTER TABLE occurrences ADD COLUMN output_truncated INTEGER NOT NULL DEFAULT 0;

CREATE TABLE gap_dialects (
  gap_key TEXT NOT NULL REFERENCES gaps(key) ON DELETE CASCADE,
  dialect TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'fixed', 'not-applicable')),
  catalog_status TEXT,
  fixed_in TEXT,
  fixed_on TEXT,
  regressed_in TEXT,
  regressed_on TEXT,
  PRIMARY KEY (gap_key, dialect)
);
INSERT INTO gap_dialects (gap_key, dialect, status, catalog_status, fixed_in)
  SELECT key, 'february', february_status, february_status, CASE WHEN february_status = 'fixed' THEN fixed_in END FROM gaps;
INSERT INTO gap_dialects (gap_key, dialect, status, catalog_status, fixed_in)
  SELECT key, 'april', april_status, april_status, CASE WHEN april_status = 'fixed' THEN fixed_in END FROM gaps;
ALTER TABLE gaps DROP COLUMN february_status;
ALTER TABLE gaps DROP COLUMN april_status;
ALTER TABLE gaps RENAME COLUMN fixed_in TO catalog_fixed_in;

CREATE TABLE gap_events (
  id INTEGER PRIMARY KEY,
  gap_key TEXT NOT NULL REFERENCES gaps(key) ON DELETE CASCADE,
  dialect TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('seeded', 'catalog', 'fixed', 'regressed')),
  compiler_version TEXT,
  on_date TEXT,
  at TEXT NOT NULL,
  note TEXT
);
CREATE INDEX gap_events_by_gap ON gap_events (gap_key, dialect, id);
`;

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, description: 'bugs, occurrences, history, gaps', sql: V1 },
  { version: 2, description: 'multi-file repros, per-dialect gap status and events', sql: V2 },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
