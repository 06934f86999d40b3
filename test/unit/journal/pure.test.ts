import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backoffMs } from '../../../src/journal/connection.js';
import { contentHash, fingerprint } from '../../../src/journal/fingerprint.js';
import { HEADER_BYTES, parseSqliteHeader } from '../../../src/journal/header.js';
import { capOutput, MAX_OUTPUT_CHARS } from '../../../src/journal/journal.js';
import { safeRelativePath } from '../../../src/journal/repro-files.js';
import { checkTransition, formatStatus, parseStatus } from '../../../src/journal/status.js';
import { ExitCode, UserError } from '../../../src/types/index.js';

describe('parseStatus', () => {
  it('accepts every status and the duplicate-of spellings', () => {
    for (const s of ['open', 'workaround', 'fixed', 'regressed', 'wontfix']) expect(parseStatus(s)).toEqual({ status: s });
    expect(parseStatus(' Fixed ')).toEqual({ status: 'fixed' });
    for (const s of ['duplicate-of:12', 'duplicate-of=12', 'duplicate-of 12', 'duplicate-of #12', 'duplicate:12']) {
      expect(parseStatus(s)).toEqual({ status: 'duplicate', duplicateOf: 12 });
    }
  });

  it('rejects unknown statuses and a duplicate without its id as usage errors', () => {
    for (const s of ['closed', 'duplicate-of', 'duplicate', '', 'fixed!']) {
      try {
        parseStatus(s);
        throw new Error(`accepted ${s}`);
      } catch (err) {
        expect(err).toBeInstanceOf(UserError);
        expect((err as UserError).exitCode).toBe(ExitCode.USAGE);
      }
    }
  });

  it('as a list filter, also accepts a bare duplicate (any duplicate)', () => {
    expect(parseStatus('duplicate', { filter: true })).toEqual({ status: 'duplicate' });
    expect(parseStatus('duplicate-of:3', { filter: true })).toEqual({ status: 'duplicate', duplicateOf: 3 });
    expect(() => parseStatus('closed', { filter: true })).toThrow(UserError);
  });

  it('formats duplicates with their target', () => {
    expect(formatStatus('duplicate', 3)).toBe('duplicate-of #3');
    expect(formatStatus('open', null)).toBe('open');
  });

  it('allows regressed only after fixed', () => {
    expect(() => checkTransition(1, 'fixed', 'regressed')).not.toThrow();
    expect(() => checkTransition(1, 'open', 'regressed')).toThrow(/cannot regress/);
    expect(() => checkTransition(1, 'open', 'fixed')).not.toThrow();
  });
});

describe('fingerprint', () => {
  it('depends on both the signature and its algorithm version', () => {
    expect(fingerprint('sig-v1', 'a')).toBe(fingerprint('sig-v1', 'a'));
    expect(fingerprint('sig-v1', 'a')).not.toBe(fingerprint('sig-v2', 'a'));
    expect(fingerprint('sig-v1', 'a')).toMatch(/^[0-9a-f]{16}$/);
  });

  it('hashes repro content independently of file order', () => {
    const a = new Map([['a.mpl', '1'], ['b.mpl', '2']]);
    const b = new Map([['b.mpl', '2'], ['a.mpl', '1']]);
    expect(contentHash(a)).toBe(contentHash(b));
    expect(contentHash(a)).not.toBe(contentHash(new Map([['a.mpl', '12'], ['b.mpl', '']])));
  });
});

describe('parseSqliteHeader', () => {
  it('reads the WAL flag, user_version and application_id', () => {
    const bytes = new Uint8Array(HEADER_BYTES);
    bytes.set(new TextEncoder().encode('SQLite format 3\u0000'));
    bytes[18] = 2;
    bytes[19] = 2;
    new DataView(bytes.buffer).setInt32(60, 7);
    new DataView(bytes.buffer).setUint32(68, 0x4d54524a);
    expect(parseSqliteHeader(bytes)).toEqual({ wal: true, userVersion: 7, applicationId: 0x4d54524a });
  });

  it('returns null for anything that is not an SQLite header', () => {
    expect(parseSqliteHeader(new Uint8Array(10))).toBeNull();
    expect(parseSqliteHeader(new TextEncoder().encode('x'.repeat(200)))).toBeNull();
  });
});

describe('capOutput', () => {
  it('never exceeds the cap by more than the marker and keeps short text whole', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_OUTPUT_CHARS * 3 }), (n) => {
        const text = 'a'.repeat(n);
        const { text: kept, truncated } = capOutput(text);
        expect(truncated).toBe(n > MAX_OUTPUT_CHARS);
        if (!truncated) expect(kept).toBe(text);
        else expect(kept.length).toBeLessThan(MAX_OUTPUT_CHARS + 64);
      }),
      { numRuns: 30 },
    );
  });
});

describe('safeRelativePath', () => {
  it('normalizes plain relative paths and refuses escapes', () => {
    expect(safeRelativePath('lib/./util.mpl')).toBe('lib/util.mpl');
    expect(safeRelativePath('lib\\util.mpl')).toBe('lib/util.mpl');
    for (const bad of ['../x.mpl', 'a/../../x.mpl', '/abs.mpl', '', '.', 'a\u0000b']) expect(() => safeRelativePath(bad)).toThrow(UserError);
  });
});

describe('backoffMs', () => {
  it('grows with the attempt and stays within 250 ms', () => {
    for (let tries = 0; tries < 20; tries++) {
      const ms = backoffMs(tries);
      expect(ms).toBeGreaterThan(0);
      expect(ms).toBeLessThanOrEqual(250);
    }
    expect(backoffMs(0)).toBeLessThanOrEqual(5);
    expect(backoffMs(10)).toBeGreaterThanOrEqual(125);
  });
});
