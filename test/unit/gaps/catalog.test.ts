import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GAP_CATALOG, GAP_PREDICATES, findGap, parseProbe } from '../../../src/gaps/index.js';
import { parseSource, query } from '../../../src/syntax/index.js';
import { STAGES } from '../../../src/types/index.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const STATUSES = ['open', 'fixed', 'not-applicable'];

// The twelve gaps of known-gaps.md §1 and the other bugs of §3 (O1-O20), by catalog key.
const TWELVE = [
  'list-find-case', 'multiline-pipe', 'trailing-pipe', 'map-collect-string-keys', 'collect-to-string',
  'middleware-untyped-param', 'timer-thread-per-call', 'timer-service-cast', 'map-linear-scan', 'list-group-by',
  'string-prefix-pattern', 'conservative-gc', 'pool-checkout-blocks', 'ws-reader-thread',
];
const OTHERS = [
  'try-operator-result', 'case-binder-reuse', 'trailing-closure-head', 'multi-statement-case-arm', 'nested-and',
  'unresolved-tyvar-unit', 'cross-module-poly-export', 'service-export', 'service-struct-state', 'service-branch-tuples',
  'struct-in-result', 'struct-layout', 'actor-params', 'actor-stack-size', 'closure-route-handler',
  'panic-aborts-process', 'forward-reference', 'map-get-interpolation', 'cross-module-from-json', 'formatter-damage',
];
// Compiler bugs found by running both real compilers on the probes and test programs.
const MEASURED = [
  'bool-closure-abi', 'option-int-payload', 'iter-closure-param', 'loop-let-stack', 'for-let-tail', 'string-ordering',
  'formatter-child-spec',
];
const RUNTIME_LIMITS = ['timer-thread-per-call', 'map-linear-scan', 'conservative-gc', 'pool-checkout-blocks', 'ws-reader-thread'];
// The compiler builds each dialect's status was measured with.
const SNAPSHOTS = { february: 'c8728bd2', april: '5bc8e7fa' } as const;

describe('gap catalog', () => {
  it('covers the twelve gaps, the twenty other Mesher bugs and the bugs the real compilers showed, and nothing else', () => {
    expect(GAP_CATALOG.map((g) => g.key).sort()).toEqual([...TWELVE, ...OTHERS, ...MEASURED].sort());
  });

  it('has unique kebab-case keys', () => {
    const keys = GAP_CATALOG.map((g) => g.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const key of keys) expect(key).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('marks exactly the five runtime design limits as runtime-limit', () => {
    expect(GAP_CATALOG.filter((g) => g.kind === 'runtime-limit').map((g) => g.key).sort()).toEqual([...RUNTIME_LIMITS].sort());
  });

  const empty = parseSource('fn main() do\n  1\nend\n');

  describe.each(GAP_CATALOG.map((g) => [g.key, g] as const))('%s', (_key, gap) => {
    it('is complete', () => {
      expect(gap.title.length).toBeGreaterThan(10);
      expect(gap.trigger.length).toBeGreaterThan(20);
      expect(gap.workaround.length).toBeGreaterThan(10);
      expect(STAGES).toContain(gap.stage);
      expect(STATUSES).toContain(gap.status.february);
      expect(STATUSES).toContain(gap.status.april);
      expect(gap.signaturePatterns.length).toBeGreaterThan(0);
      expect(gap.detection.risky).toBeTruthy();
      // A gap fixed somewhere says where.
      if (gap.status.february === 'fixed' || gap.status.april === 'fixed') expect(gap.fixedIn).toBeTruthy();
    });

    it('has signature patterns that compile as case-insensitive regular expressions', () => {
      for (const p of gap.signaturePatterns) expect(() => new RegExp(p, 'i')).not.toThrow();
    });

    it('has detection queries that compile and capture @risky / @workaround', () => {
      expect(() => query(empty, gap.detection.risky!)).not.toThrow();
      expect(gap.detection.risky).toContain('@risky');
      if (gap.detection.workaround) {
        expect(() => query(empty, gap.detection.workaround!)).not.toThrow();
        expect(gap.detection.workaround).toContain('@workaround');
      }
    });

    if (gap.kind === 'compiler') {
      it('says per dialect which real compiler run its status comes from', () => {
        for (const dialect of ['february', 'april'] as const) {
          const record = gap.verified?.[dialect];
          expect(record, `${gap.key} has no verified.${dialect}`).toBeDefined();
          expect(record!.snapshot).toBe(SNAPSHOTS[dialect]);
          expect(record!.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
          expect(record!.evidence.length).toBeGreaterThan(10);
        }
      });

      it('has a probe whose header names this gap and its stage', () => {
        expect(gap.probe).toBe(`fixtures/mesh/gaps/${gap.key}.mpl`);
        expect(gap.measurement).toBeUndefined();
        const path = join(ROOT, gap.probe!);
        expect(existsSync(path)).toBe(true);
        const probe = parseProbe(readFileSync(path, 'utf8'), path);
        expect(probe.key).toBe(gap.key);
        expect(probe.openStage).toBe(gap.stage);
        expect(probe.expectedOutput.length).toBeGreaterThan(0);
      });
    } else {
      it('has a measurement recipe instead of a probe (and no probe run to cite)', () => {
        expect(gap.probe).toBeUndefined();
        expect(gap.verified).toBeUndefined();
        expect(gap.measurement?.length ?? 0).toBeGreaterThan(40);
      });
    }
  });

  it('has no probe file without a catalog entry', () => {
    const files = readdirSync(join(ROOT, 'fixtures/mesh/gaps')).filter((f) => f.endsWith('.mpl'));
    for (const f of files) expect(findGap(f.replace(/\.mpl$/, ''))?.kind).toBe('compiler');
    expect(files.length).toBe(GAP_CATALOG.filter((g) => g.kind === 'compiler').length);
  });

  it('keys every predicate to a catalog gap', () => {
    for (const key of Object.keys(GAP_PREDICATES)) expect(findGap(key)).toBeDefined();
  });
});
