// Holds the journal's write lock: node lock-holder.mjs <better-sqlite3 dir> <db> <ms>
// Prints "locked" once it holds it, releases it after <ms>, then exits.
import { createRequire } from 'node:module';
const [modulesDir, dbPath, ms] = process.argv.slice(2);
const Database = createRequire(`${modulesDir}/`)('better-sqlite3');
const db = new Database(dbPath);
db.exec('BEGIN IMMEDIATE');
// A row written under the lock: whoever waited for it sees it committed before their own write.
db.prepare(
  "INSERT INTO bugs (fingerprint, signature, signature_version, stage, code, message, first_seen, last_seen) VALUES ('holder', 'parse||holder', 'sig-v1', 'parse', '', 'holder', 'now', 'now')",
).run();
process.stdout.write('locked\n');
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(ms));
db.exec('COMMIT');
db.close();
