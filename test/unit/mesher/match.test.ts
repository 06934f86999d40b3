import { describe, expect, it } from 'vitest';
import { matchJson, pick } from '../../../src/mesher/match.js';
import { fill, fillJson, placeholders } from '../../../src/mesher/template.js';
import { summarize } from '../../../src/mesher/watch.js';

describe('matchJson', () => {
  it('matches subsets of objects, whole arrays and typed placeholders', () => {
    expect(matchJson({ a: 1 }, { a: 1, b: 2 })).toBeNull();
    expect(matchJson({ a: { b: 'x' } }, { a: { b: 'y' } })).toBe('$.a.b: expected "x", got "y"');
    expect(matchJson({ a: 1 }, {})).toBe('$.a: missing (expected 1)');
    expect(matchJson([{ n: 1 }], [{ n: 1 }, { n: 2 }])).toBe('$: expected 1 item(s), got 2');
    expect(matchJson({ n: 3 }, { n: '3' })).toBeNull(); // bigint comes back as text
    expect(matchJson({ id: '$uuid', s: '$string', n: '$number', x: '$any' }, { id: '9b2f6c1e-0d6a-4c1e-9a57-2b4f3c0d1e2f', s: 'a', n: 1.5, x: null })).toBeNull();
    expect(matchJson({ s: '$string' }, { s: '' })).toBe('$.s: expected string, got ""');
    expect(matchJson({ c: '$count' }, { c: 94395441394496 })).toBe('$.c: expected count, got 94395441394496');
    expect(matchJson({ c: '$count' }, { c: 3 })).toBeNull();
  });

  it('picks dotted paths', () => {
    expect(pick({ data: [{ id: 'x' }] }, 'data.0.id')).toBe('x');
    expect(pick({ data: [] }, 'data.0.id')).toBeUndefined();
  });
});

describe('templates', () => {
  it('fills placeholders, keeps $${ literal, and refuses unknown names', () => {
    const vars = new Map([['a', '1']]);
    expect(fill('x${a}y$${a}', vars)).toBe('x1y${a}');
    expect(() => fill('${b}', vars)).toThrow('no value for ${b}');
    expect(fillJson({ '${a}': ['${a}', 2] }, vars)).toEqual({ 1: ['1', 2] });
    expect(placeholders({ k: '${a} ${b}', l: ['$${c}'] })).toEqual(['a', 'b']);
  });
});

describe('watch summary', () => {
  const sample = (requests: number, threads: number, rssKb: number) => ({ atMs: requests, requests, threads, rssKb, cpuS: requests / 1000 });

  it('measures growth per 1,000 requests after warm-up', () => {
    const samples = [sample(0, 4, 10_240), sample(100, 4, 20_480), sample(600, 9, 20_480 + 51_200)];
    const r = summarize(samples, 500)!;
    expect(r.threads).toEqual({ start: 4, end: 9, max: 9 });
    expect(r.cpuS).toBe(0.6);
    expect(r.growth).toEqual({ warmupRequests: 100, threadsPer1k: 10, rssMibPer1k: 100 });
  });

  it('does not judge too few requests', () => {
    expect(summarize([sample(0, 4, 1), sample(300, 40, 9_999)], 500)!.growth).toBeNull();
    expect(summarize([], 500)).toBeNull();
  });
});
