import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openJournal } from '../../../src/journal/index.js';
import { ExitCode, UserError } from '../../../src/types/index.js';
import { buildJournalForWorkers } from './support/build.js';
import { tempDir } from './support/fixtures.js';

const WRITER = join(import.meta.dirname, 'support', 'writer.mjs');
const LOCK_HOLDER = join(import.meta.dirname, 'support', 'lock-holder.mjs');
const NODE_MODULES = join(import.meta.dirname, '../../../node_modules');
let journalModule: string;
let dir: string;
let cleanup: () => void;

beforeAll(() => {
  journalModule = buildJournalForWorkers();
  ({ dir, cleanup } = tempDir('journal-mp-'));
});
afterAll(() => cleanup());

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function startWriter(db: string, worker: number, count: number, mode = '') {
  const child = spawn(process.execPath, [WRITER, journalModule, db, String(worker), String(count), mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const finished = new Promise<Finished>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, finished, stdout: () => stdout };
}

describe('many processes, one journal', () => {
  it('8 processes writing 1,000 records each at once: none lost, no busy error', async () => {
    const db = join(dir, 'shared', 'journal.db'); // does not exist yet: creation races too
    const workers = Array.from({ length: 8 }, (_, i) => startWriter(db, i, 1000));
    const results = await Promise.all(workers.map((w) => w.finished));
    for (const r of results) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('done\n');
    }
    const journal = openJournal(db);
    const stats = journal.stats();
    expect(stats.occurrences).toBe(8000);
    expect(stats.bugs).toBe(3);
    expect(journal.listBugs().reduce((sum, b) => sum + b.occurrenceCount, 0)).toBe(8000);
    journal.close();
    const raw = new Database(db, { readonly: true });
    const perWorker = raw.prepare("SELECT substr(source_path, 1, 8) AS w, count(DISTINCT source_path) AS n FROM occurrences GROUP BY w ORDER BY w").all();
    expect(perWorker).toEqual(Array.from({ length: 8 }, (_, i) => ({ w: `worker-${i}`, n: 1000 })));
    raw.close();
  });

  it('a writer killed with SIGKILL mid-write loses nothing it committed', async () => {
    const db = join(dir, 'killed', 'journal.db');
    const writer = startWriter(db, 0, 1_000_000, 'report');
    // Kill once a few hundred commits have been acknowledged, in the middle of the stream.
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (writer.stdout().split('\n').length > 300) {
          clearInterval(poll);
          writer.child.kill('SIGKILL');
          resolve();
        }
      }, 5);
    });
    const result = await writer.finished;
    expect(result.signal).toBe('SIGKILL');
    const acknowledged = result.stdout.split('\n').filter((line) => /^\d+$/.test(line)).map(Number);
    expect(acknowledged.length).toBeGreaterThanOrEqual(300);

    const journal = openJournal(db); // must open cleanly: no corruption, no stale lock
    const stored = new Set(journal.exportAll().bugs.flatMap((b) => b.occurrences.map((o) => o.id)));
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
    const counted = journal.listBugs().reduce((sum, b) => sum + b.occurrenceCount, 0);
    expect(counted).toBe(stored.size); // counts and rows were committed together
    journal.close();
  });

  it('retries past the busy timeout while another process holds the lock, then writes', async () => {
    const db = join(dir, 'held', 'journal.db');
    openJournal(db).close();
    const holder = spawn(process.execPath, [LOCK_HOLDER, NODE_MODULES, db, '800'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => holder.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && resolve()));
    // SQLite gives up after 20 ms each time; only our backoff-and-retry gets this write through.
    const journal = openJournal(db, { busyTimeoutMs: 20, lockTimeoutMs: 30_000 }); // opening takes the write lock too
    const result = journal.recordOccurrence({ symptom: { stage: 'parse', code: '', message: 'm', signature: 'parse||m', signatureVersion: 'sig-v1', generic: false } });
    expect(result.isNew).toBe(true);
    expect(result.bugId).toBe(2); // written after the holder's bug #1 was committed
    journal.close();
    await new Promise((resolve) => holder.on('close', resolve));
  });

  it('gives a clear journal error when the lock is held past the timeout', () => {
    const db = join(dir, 'stuck', 'journal.db');
    const journal = openJournal(db, { busyTimeoutMs: 20, lockTimeoutMs: 200 });
    const blocker = new Database(db);
    blocker.exec('BEGIN IMMEDIATE');
    try {
      journal.recordOccurrence({ symptom: { stage: 'parse', code: '', message: 'm', signature: 'parse||m', signatureVersion: 'sig-v1', generic: false } });
      throw new Error('expected the write to fail');
    } catch (err) {
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).exitCode).toBe(ExitCode.JOURNAL);
      expect((err as UserError).message).toMatch(/locked by another process past the timeout/);
    } finally {
      blocker.exec('ROLLBACK');
      blocker.close();
    }
    expect(journal.stats().bugs).toBe(0);
    journal.close();
  });
});
