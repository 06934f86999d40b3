import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openJournal, type Journal } from '../../../src/journal/index.js';
import { MAX_OUTPUT_CHARS } from '../../../src/journal/journal.js';
import { ExitCode, UserError } from '../../../src/types/index.js';
import { APR, COMPILER_VERDICT, FEB, symptom, tempDir } from './support/fixtures.js';

let dir: string;
let cleanup: () => void;
let journal: Journal;
let clock: number;

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  clock = Date.parse('2026-03-01T10:00:00Z');
  journal = openJournal(join(dir, '.mesher-triage', 'journal.db'), { now: () => new Date((clock += 1000)) });
});
afterEach(() => {
  journal.close();
  cleanup();
});

function expectUserError(fn: () => unknown, exitCode: number, message: RegExp): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).exitCode).toBe(exitCode);
    expect((err as UserError).message).toMatch(message);
    return;
  }
  throw new Error('expected a UserError');
}

describe('recording occurrences', () => {
  it('creates the journal and its directory on first use', () => {
    expect(existsSync(join(dir, '.mesher-triage', 'journal.db'))).toBe(true);
  });

  it('deduplicates by signature and keeps every occurrence with its compiler and output', () => {
    const first = journal.recordOccurrence({ symptom: symptom('Instruction does not dominate all uses'), compiler: FEB, sourcePath: 'a/main.mpl', rawOutput: 'error: one', seenAt: new Date('2026-02-10T00:00:00Z') });
    const second = journal.recordOccurrence({ symptom: symptom('Instruction does not dominate all uses'), compiler: APR, sourcePath: 'b/main.mpl', rawOutput: 'error: two', seenAt: new Date('2026-02-12T00:00:00Z') });
    const other = journal.recordOccurrence({ symptom: symptom('expected expression', 'parse'), compiler: APR });
    expect(first.isNew).toBe(true);
    expect(second).toMatchObject({ bugId: first.bugId, isNew: false });
    expect(other.bugId).not.toBe(first.bugId);
    const bug = journal.getBug(first.bugId);
    expect(bug.occurrenceCount).toBe(2);
    expect(bug.firstSeen).toBe('2026-02-10T00:00:00.000Z');
    expect(bug.lastSeen).toBe('2026-02-12T00:00:00.000Z');
    expect(bug.occurrences.map((o) => [o.sourcePath, o.compilerPath, o.compilerVersion, o.compilerDialect, o.rawOutput])).toEqual([
      ['a/main.mpl', FEB.path, FEB.version, 'february', 'error: one'],
      ['b/main.mpl', APR.path, APR.version, 'april', 'error: two'],
    ]);
    expect(bug.status).toBe('open');
    expect(bug.history[0]).toMatchObject({ field: 'created', to: 'open' });
  });

  it('keeps signatures of different algorithm versions apart', () => {
    const s = symptom('boom');
    const a = journal.recordOccurrence({ symptom: s });
    const b = journal.recordOccurrence({ symptom: { ...s, signatureVersion: 'sig-v2' } });
    expect(a.bugId).not.toBe(b.bugId);
  });

  it('stores the repro in the database and on disk, and keeps the smallest', () => {
    const big = { 'main.mpl': 'fn main() do\n  println("a much longer program")\nend\n', 'lib/util.mpl': 'pub fn x() do 1 end\n' };
    const r1 = journal.recordOccurrence({ symptom: symptom('boom'), repro: big });
    expect(r1.reproStored).toBe(true);
    expect(journal.getBug(r1.bugId).repro).toEqual(big);
    expect(readFileSync(join(journal.reproDir(r1.bugId), 'lib/util.mpl'), 'utf8')).toBe(big['lib/util.mpl']);
    expect(journal.reproDir(r1.bugId)).toBe(join(dir, '.mesher-triage', 'repros', String(r1.bugId)));

    const bigger = { 'main.mpl': `${big['main.mpl']}# padding padding padding padding padding padding\n` };
    expect(journal.recordOccurrence({ symptom: symptom('boom'), repro: bigger }).reproStored).toBe(false);

    const small = new Map([['main.mpl', 'fn main() do x end\n']]);
    expect(journal.recordOccurrence({ symptom: symptom('boom'), repro: small }).reproStored).toBe(true);
    expect(journal.getBug(r1.bugId).repro).toEqual({ 'main.mpl': 'fn main() do x end\n' });
    expect(existsSync(join(journal.reproDir(r1.bugId), 'lib'))).toBe(false);
  });

  it('refuses repro paths that escape the repro directory', () => {
    expectUserError(() => journal.recordOccurrence({ symptom: symptom('boom'), repro: { '../evil.mpl': 'x' } }), ExitCode.INPUT, /relative path/);
    expectUserError(() => journal.recordOccurrence({ symptom: symptom('boom'), repro: { '/etc/evil.mpl': 'x' } }), ExitCode.INPUT, /relative path/);
    expect(journal.listBugs()).toHaveLength(0);
  });

  it('keys a repro added without a symptom by its content', () => {
    const a = journal.recordOccurrence({ repro: { 'main.mpl': 'fn main() do 1 end\n' } });
    const b = journal.recordOccurrence({ repro: { 'main.mpl': 'fn main() do 1 end\n' } });
    const c = journal.recordOccurrence({ repro: { 'main.mpl': 'fn main() do 2 end\n' } });
    expect(b.bugId).toBe(a.bugId);
    expect(c.bugId).not.toBe(a.bugId);
    expect(journal.getBug(a.bugId)).toMatchObject({ stage: 'unknown', signatureVersion: 'manual-v1', verdict: { class: 'undetermined' } });
  });

  it('caps huge raw output, keeping head and tail', () => {
    const output = `HEAD${'x'.repeat(MAX_OUTPUT_CHARS * 2)}TAIL`;
    const r = journal.recordOccurrence({ symptom: symptom('boom'), rawOutput: output });
    const [occurrence] = journal.getBug(r.bugId).occurrences;
    expect(occurrence!.outputTruncated).toBe(true);
    expect(occurrence!.rawOutput.startsWith('HEAD')).toBe(true);
    expect(occurrence!.rawOutput.endsWith('TAIL')).toBe(true);
    expect(occurrence!.rawOutput.length).toBeLessThan(MAX_OUTPUT_CHARS + 100);
  });

  it('stores the verdict and records class changes in the history', () => {
    const r = journal.recordOccurrence({ symptom: symptom('boom'), verdict: COMPILER_VERDICT });
    expect(journal.getBug(r.bugId).verdict).toEqual(COMPILER_VERDICT);
    journal.setVerdict(r.bugId, { class: 'known-gap', confidence: 0.8, reasons: ['matches list-find-case'], gapKey: 'list-find-case' });
    const bug = journal.getBug(r.bugId);
    expect(bug.verdict.gapKey).toBe('list-find-case');
    expect(bug.history.filter((h) => h.field === 'class').map((h) => [h.from, h.to])).toEqual([
      ['undetermined', 'compiler'],
      ['compiler', 'known-gap'],
    ]);
    expect(journal.listBugs({ class: 'known-gap' }).map((b) => b.id)).toEqual([r.bugId]);
    expect(journal.listBugs({ class: 'app' })).toEqual([]);
  });
});

describe('status lifecycle', () => {
  it('audits every change with who, when, from, to and note', () => {
    const { bugId } = journal.recordOccurrence({ symptom: symptom('boom') });
    const result = journal.update(bugId, { status: 'workaround', workaround: 'bind with let first', note: 'found by ada', actor: 'ada' });
    expect(result.changes.map((c) => c.field)).toEqual(['status', 'workaround']);
    journal.update(bugId, { status: 'fixed', fixedIn: 'meshc 0.2.0', actor: 'bob' });
    const bug = journal.getBug(bugId);
    expect(bug).toMatchObject({ status: 'fixed', workaround: 'bind with let first', fixedIn: 'meshc 0.2.0' });
    const statusChanges = bug.history.filter((h) => h.field === 'status');
    expect(statusChanges.map((h) => [h.actor, h.from, h.to, h.note])).toEqual([
      ['ada', 'open', 'workaround', 'found by ada'],
      ['bob', 'workaround', 'fixed', null],
    ]);
    expect(statusChanges.every((h) => /^2026-03-01T10:00:\d\d\.000Z$/.test(h.at))).toBe(true);
  });

  it('records nothing when nothing changes, and a bare note as a note', () => {
    const { bugId } = journal.recordOccurrence({ symptom: symptom('boom') });
    expect(journal.update(bugId, { status: 'open', actor: 'ada' }).changes).toEqual([]);
    expect(journal.update(bugId, { note: 'asked upstream', actor: 'ada' }).changes).toMatchObject([{ field: 'note', note: 'asked upstream' }]);
  });

  it('reopens a fixed bug as regressed when it is seen again', () => {
    const { bugId } = journal.recordOccurrence({ symptom: symptom('boom') });
    journal.update(bugId, { status: 'fixed', actor: 'ada' });
    const again = journal.recordOccurrence({ symptom: symptom('boom'), compiler: APR });
    expect(again.regressed).toBe(true);
    const bug = journal.getBug(bugId);
    expect(bug.status).toBe('regressed');
    expect(bug.history.at(-1)).toMatchObject({ field: 'status', from: 'fixed', to: 'regressed', actor: 'mesher-triage' });
    expect(bug.history.at(-1)!.note).toContain(APR.version);
  });

  it('only lets a fixed bug regress by hand', () => {
    const { bugId } = journal.recordOccurrence({ symptom: symptom('boom') });
    expectUserError(() => journal.update(bugId, { status: 'regressed', actor: 'ada' }), ExitCode.USAGE, /cannot regress/);
  });

  it('marks duplicates and refuses self, unknown and cyclic targets', () => {
    const a = journal.recordOccurrence({ symptom: symptom('a') }).bugId;
    const b = journal.recordOccurrence({ symptom: symptom('b') }).bugId;
    journal.update(b, { status: 'duplicate', duplicateOf: a, actor: 'ada' });
    expect(journal.getBug(b)).toMatchObject({ status: 'duplicate', duplicateOf: a });
    expect(journal.getBug(b).history.at(-1)).toMatchObject({ from: 'open', to: `duplicate-of #${a}` });
    expectUserError(() => journal.update(a, { status: 'duplicate', duplicateOf: a, actor: 'ada' }), ExitCode.USAGE, /itself/);
    expectUserError(() => journal.update(a, { status: 'duplicate', duplicateOf: 999, actor: 'ada' }), ExitCode.INPUT, /no bug #999/);
    expectUserError(() => journal.update(a, { status: 'duplicate', duplicateOf: b, actor: 'ada' }), ExitCode.USAGE, /already a duplicate/);
    journal.update(b, { status: 'open', actor: 'ada' });
    expect(journal.getBug(b).duplicateOf).toBeNull();
  });

  it('reports unknown ids clearly', () => {
    expectUserError(() => journal.getBug(42), ExitCode.INPUT, /no bug #42/);
    expectUserError(() => journal.update(42, { status: 'fixed', actor: 'ada' }), ExitCode.INPUT, /no bug #42/);
    expect(journal.findBug(42)).toBeUndefined();
  });
});

describe('queries', () => {
  it('lists by status and counts in stats', () => {
    const a = journal.recordOccurrence({ symptom: symptom('a'), verdict: COMPILER_VERDICT }).bugId;
    journal.recordOccurrence({ symptom: symptom('a') });
    journal.recordOccurrence({ symptom: symptom('b', 'parse'), verdict: { class: 'app', confidence: 0.7, reasons: ['type error'] } });
    journal.update(a, { status: 'wontfix', actor: 'ada' });
    expect(journal.listBugs({ status: 'wontfix' }).map((b) => b.id)).toEqual([a]);
    expect(journal.listBugs({ status: 'open' })).toHaveLength(1);
    const stats = journal.stats();
    expect(stats).toMatchObject({ bugs: 2, occurrences: 3 });
    expect(stats.byStatus).toMatchObject({ open: 1, wontfix: 1, fixed: 0 });
    expect(stats.byClass).toMatchObject({ compiler: 1, app: 1, 'known-gap': 0, undetermined: 0 });
    expect(stats.byStage).toEqual({ 'llvm-verify': 1, parse: 1 });
  });

  it('exports every bug with its repro, occurrences and history', () => {
    journal.recordOccurrence({ symptom: symptom('a'), repro: { 'main.mpl': 'fn main() do end\n' } });
    journal.recordOccurrence({ symptom: symptom('b') });
    const data = journal.exportAll();
    expect(data.format).toBe('mesher-triage-journal');
    expect(data.bugs.map((b) => b.message)).toEqual(['a', 'b']);
    expect(data.bugs[0]!.repro).toEqual({ 'main.mpl': 'fn main() do end\n' });
    expect(data.bugs[0]!.occurrences).toHaveLength(1);
  });
});
