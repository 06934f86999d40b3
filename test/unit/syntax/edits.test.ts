import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyEdits } from '../../../src/syntax/index.js';

describe('applyEdits', () => {
  it('applies edits given in any order', () => {
    const src = 'fn main() do\n  foo()\nend\n';
    const edits = [
      { start: 15, end: 18, text: 'bar' },
      { start: 3, end: 7, text: 'start' },
    ];
    expect(applyEdits(src, edits)).toBe('fn start() do\n  bar()\nend\n');
  });

  it('does not mutate its inputs', () => {
    const edits = Object.freeze([Object.freeze({ start: 0, end: 1, text: 'X' })]);
    expect(applyEdits('abc', edits)).toBe('Xbc');
  });

  it('keeps insertions at one index in the given order, before a replacement there', () => {
    expect(
      applyEdits('abc', [
        { start: 1, end: 2, text: 'B' },
        { start: 1, end: 1, text: '1' },
        { start: 1, end: 1, text: '2' },
      ]),
    ).toBe('a12Bc');
  });

  it('handles non-ASCII text with string indices', () => {
    const src = 'let s = "héllo 🌍"';
    const at = src.indexOf('🌍');
    expect(applyEdits(src, [{ start: at, end: at + 2, text: 'world' }])).toBe('let s = "héllo world"');
  });

  it('rejects overlaps and out-of-range edits', () => {
    expect(() => applyEdits('abcdef', [{ start: 0, end: 3, text: '' }, { start: 2, end: 4, text: '' }])).toThrow(RangeError);
    expect(() => applyEdits('abc', [{ start: 0, end: 3, text: '' }, { start: 1, end: 1, text: 'x' }])).toThrow(RangeError);
    expect(() => applyEdits('abc', [{ start: 2, end: 5, text: '' }])).toThrow(RangeError);
    expect(() => applyEdits('abc', [{ start: 2, end: 1, text: '' }])).toThrow(RangeError);
    expect(() => applyEdits('abc', [{ start: -1, end: 1, text: '' }])).toThrow(RangeError);
  });

  it('matches a naive right-to-left application for random disjoint edits', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.array(fc.tuple(fc.nat(), fc.nat(), fc.string({ maxLength: 5 })), { maxLength: 6 }), (src, raw) => {
        // Build disjoint edits by sorting cut points.
        const cuts = raw.map(([a, b, t]) => {
          const x = a % (src.length + 1);
          const y = b % (src.length + 1);
          return { start: Math.min(x, y), end: Math.max(x, y), text: t };
        });
        const disjoint: typeof cuts = [];
        let last = -1;
        for (const e of [...cuts].sort((p, q) => p.start - q.start || p.end - q.end)) {
          if (e.start > last && e.start !== e.end) {
            disjoint.push(e);
            last = e.end;
          }
        }
        let expected = src;
        for (const e of [...disjoint].sort((p, q) => q.start - p.start)) expected = expected.slice(0, e.start) + e.text + expected.slice(e.end);
        expect(applyEdits(src, [...disjoint].reverse())).toBe(expected);
      }),
    );
  });
});
