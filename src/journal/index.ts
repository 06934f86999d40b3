/** The compiler-bug journal: the only module that imports better-sqlite3. */
export { openJournal, openJournalReadOnly, Journal, MAX_OUTPUT_CHARS, type OpenJournalOptions, type ReadOnlyJournal } from './journal.js';
export { resolveJournalPath, JOURNAL_ENV, DEFAULT_JOURNAL_DIR, DEFAULT_JOURNAL_FILE } from './location.js';
export { parseStatus, formatStatus, isBugStatus, SETTABLE_STATUSES, FILTER_STATUSES, type ParsedStatus } from './status.js';
export { fingerprint } from './fingerprint.js';
export { APPLICATION_ID, SCHEMA_VERSION } from './schema.js';
export type { SeedResult } from './gap-store.js';
export * from './types.js';
