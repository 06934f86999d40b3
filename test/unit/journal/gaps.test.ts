import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openJournal, type Journal } from '../../../src/journal/index.js';
import { ExitCode, UserError } from '../../../src/types/index.js';
import { gap, tempDir } from './support/fixtures.js';

let dir: string;
let cleanup: () => void;
let journal: Journal;

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  journal = openJournal(join(dir, 'journal.db'), { now: () => new Date('2026-04-20T12:00:00Z') });
});
afterEach(() => {
  journal.close();
  cleanup();
});

describe('known gaps in the journal', () => {
  it('seeds the catalog with per-dialect status', () => {
    const result = journal.seedGaps([gap('multiline-pipe', 'open', 'fixed', { fixedIn: 'Phase 126' }), gap('map-collect-string-keys', 'open', 'open')]);
    expect(result).toEqual({ added: 2, updated: 0 });
    expect(journal.gapStatus('multiline-pipe', 'february')).toMatchObject({ status: 'open', fixedIn: null, catalogStatus: 'open' });
    expect(journal.gapStatus('multiline-pipe', 'april')).toMatchObject({ status: 'fixed', fixedIn: 'Phase 126' });
    expect(journal.gapStatus('multiline-pipe', 'unknown')).toBeUndefined();
    expect(journal.gapStatus('no-such-gap', 'april')).toBeUndefined();
    const listed = journal.listGaps();
    expect(listed.map((g) => g.key)).toEqual(['map-collect-string-keys', 'multiline-pipe']);
    expect(listed[1]).toMatchObject({ title: 'gap multiline-pipe', stage: 'parse', signaturePatterns: ['expected expression'], probe: 'fixtures/mesh/gaps/multiline-pipe.mpl' });
    expect(journal.gapEvents('multiline-pipe').map((e) => [e.dialect, e.kind])).toEqual([
      ['february', 'seeded'],
      ['april', 'seeded'],
    ]);
  });

  it('records a fix (version and date) that re-seeding the same catalog does not undo', () => {
    journal.seedGaps([gap('map-collect-string-keys', 'open', 'open')]);
    const fixed = journal.recordGapFix('map-collect-string-keys', 'april', 'meshc 0.2.0 (abc123)', '2026-04-18', 'probe prints expected output');
    expect(fixed).toMatchObject({ status: 'fixed', fixedIn: 'meshc 0.2.0 (abc123)', fixedOn: '2026-04-18' });
    journal.seedGaps([gap('map-collect-string-keys', 'open', 'open', { title: 'new title' })]);
    expect(journal.gapStatus('map-collect-string-keys', 'april')).toMatchObject({ status: 'fixed', fixedIn: 'meshc 0.2.0 (abc123)' });
    expect(journal.listGaps()[0]!.title).toBe('new title');
    expect(journal.gapEvents('map-collect-string-keys').at(-1)).toMatchObject({
      dialect: 'april',
      kind: 'fixed',
      compilerVersion: 'meshc 0.2.0 (abc123)',
      on: '2026-04-18',
      at: '2026-04-20T12:00:00.000Z',
      note: 'probe prints expected output',
    });
  });

  it('follows the catalog when the catalog itself changes its verdict', () => {
    journal.seedGaps([gap('to-string-on-collect', 'open', 'open')]);
    journal.seedGaps([gap('to-string-on-collect', 'open', 'fixed', { fixedIn: 'M047' })]);
    expect(journal.gapStatus('to-string-on-collect', 'april')).toMatchObject({ status: 'fixed', catalogStatus: 'fixed', fixedIn: 'M047' });
    expect(journal.gapStatus('to-string-on-collect', 'february')).toMatchObject({ status: 'open' });
    expect(journal.gapEvents('to-string-on-collect').at(-1)).toMatchObject({ kind: 'catalog', dialect: 'april' });
  });

  it('records a regression: open again, with the fix it undid kept', () => {
    journal.seedGaps([gap('multiline-pipe', 'fixed', 'fixed', { fixedIn: 'fc2032b8' })]);
    const regressed = journal.recordGapRegression('multiline-pipe', 'february', 'meshc 0.1.1', new Date('2026-04-19T08:00:00Z'));
    expect(regressed).toMatchObject({ status: 'open', fixedIn: 'fc2032b8', regressedIn: 'meshc 0.1.1', regressedOn: '2026-04-19' });
    expect(journal.gapEvents('multiline-pipe').at(-1)).toMatchObject({ kind: 'regressed', on: '2026-04-19' });
    expect(journal.stats().gaps).toEqual({ total: 1, open: { february: 1 }, fixed: { april: 1 } });
  });

  it('creates the dialect row for a dialect the catalog did not list', () => {
    journal.seedGaps([gap('multiline-pipe', 'open', 'open')]);
    expect(journal.recordGapFix('multiline-pipe', 'unknown', 'meshc 9', '2026-04-01')).toMatchObject({ dialect: 'unknown', status: 'fixed' });
  });

  it('refuses unknown gap keys and bad dates', () => {
    for (const call of [() => journal.recordGapFix('nope', 'april', 'v', '2026-04-01'), () => journal.recordGapRegression('nope', 'april', 'v', '2026-04-01')]) {
      expect(call).toThrow(UserError);
      try {
        call();
      } catch (err) {
        expect((err as UserError).exitCode).toBe(ExitCode.INPUT);
      }
    }
    journal.seedGaps([gap('multiline-pipe', 'open', 'open')]);
    expect(() => journal.recordGapFix('multiline-pipe', 'april', 'v', 'April 1st')).toThrow(/invalid date/);
  });
});
