import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { headKind, mayMatch, qualifiedCall, requiredLiterals, splitPatterns, anyOf } from '../../../src/gaps/queries.js';
import { scanSource } from '../../../src/gaps/index.js';

const ROOT = resolve(import.meta.dirname, '../../..');

describe('query helpers', () => {
  it('splits a query into top-level patterns, keeping trailing captures and ignoring parens in strings', () => {
    const q = anyOf('(pipe_expression) @risky', qualifiedCall('Map', 'get', 'risky'), '((string) @s (#eq? @s "(not a pattern)"))');
    const parts = splitPatterns(q);
    expect(parts).toHaveLength(3);
    expect(parts[0]).toBe('(pipe_expression) @risky');
    expect(parts[2]).toContain('"(not a pattern)"');
  });

  it('reads the #eq? literals and the head node kind of a pattern', () => {
    const call = qualifiedCall('Timer', 'send_after', 'risky');
    expect(requiredLiterals(call)).toEqual(['Timer', 'send_after']);
    expect(headKind(call)).toBe('call_expression');
    expect(requiredLiterals(qualifiedCall('HTTP', 'route|on_get', 'risky', { nameIsPattern: true }))).toEqual(['HTTP']);
  });

  it('pre-checks a file: false only when no pattern can match', () => {
    const q = anyOf(qualifiedCall('Map', 'collect', 'risky'), qualifiedCall('Map', 'from_list', 'risky', { tag: 'f' }));
    expect(mayMatch(q, 'x |> Map.collect()')).toBe(true);
    expect(mayMatch(q, 'Map.from_list(xs)')).toBe(true);
    expect(mayMatch(q, 'Map.get(m, k)')).toBe(false);
    expect(mayMatch('(pipe_expression) @risky', 'a', (k) => k !== 'pipe_expression')).toBe(false);
  });

  it('never changes scan results: with and without the pre-check agree on every fixture', () => {
    const dirs = ['fixtures/mesh/gap-scan', 'fixtures/mesh/gaps'];
    for (const dir of dirs) {
      for (const file of readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('.mpl'))) {
        const source = readFileSync(join(ROOT, dir, file), 'utf8');
        const quick = scanSource(source, file, { includeFixed: true });
        const full = scanSource(source, file, { includeFixed: true, exhaustive: true });
        expect(quick).toEqual(full);
      }
    }
  });
});
