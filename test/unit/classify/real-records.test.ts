import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decideVerdict, normalizeMessage, observe, type Differential, type Observation } from '../../../src/classify/index.js';
import { applicableDifferentials, definesMain, shapeHintsFor } from '../../../src/cli/triage.js';
import { GAP_CATALOG, splitModules } from '../../../src/gaps/index.js';
import type { Candidate, RunRecord, Verdict } from '../../../src/types/index.js';

/**
 * Every case the two real compilers recorded (fixtures/real-meshc) is classified as
 * `classify` would, and checked against expectations written for it (expectations.json).
 */
interface RecordedFile {
  program: string;
  dialect: 'february' | 'april';
  source: Record<string, string>;
  cases: Array<{ mode: 'O0' | 'O2' | 'json'; build: RunRecord; run?: RunRecord }>;
}

interface Expectation {
  stage: string;
  code?: string;
  signature: string;
  lean: string;
  generic?: boolean;
  verdict: Verdict['class'];
  gapKey?: string;
  resembles?: string;
  reason?: string;
  reasonsInclude?: string;
}

interface Expectations {
  shapes: Record<string, Expectation>;
  programs: Record<string, { why: string; cases: Record<string, Expectation | string> }>;
}

const root = join(__dirname, '../../../fixtures/real-meshc');
const PROBES = join(__dirname, '../../../fixtures/mesh/gaps');
/** The one source key of a probe's record (scripts/record-real.js): its whole text, `# file:` sections included. */
const PROBE_SOURCE_KEY = 'main.mpl (or # file: sections)';
const expectations = JSON.parse(readFileSync(join(root, 'expectations.json'), 'utf8')) as Expectations;
const files = (['february', 'april'] as const).flatMap((dialect) =>
  readdirSync(join(root, dialect))
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({ name: f.replace(/\.json$/, ''), data: JSON.parse(readFileSync(join(root, dialect, f), 'utf8')) as RecordedFile })),
);

/** The recorded source as a project: a probe's `# file:` sections become modules. */
function candidateOf(file: RecordedFile): Candidate {
  const entries = Object.entries(file.source);
  return entries.length === 1 ? splitModules(entries[0]![1]) : new Map(entries);
}

const selects = (part: string, value: string): boolean => part === '*' || part.split('+').includes(value);

/** The one expectation whose selector matches the case (a selector per program may not overlap another). */
function expectationFor(program: string, dialect: string, mode: string, used: Set<string>): Expectation {
  const entry = expectations.programs[program];
  if (!entry) throw new Error(`no expectation for program ${program}`);
  const hits = Object.entries(entry.cases).filter(([selector]) => {
    const [dialects = '', modes = ''] = selector.split('/');
    return selects(dialects, dialect) && selects(modes, mode);
  });
  if (hits.length !== 1) throw new Error(`${program}/${dialect}/${mode}: ${hits.length} selectors match`);
  const [selector, value] = hits[0]!;
  used.add(`${program}|${selector}`);
  const shape = typeof value === 'string' ? expectations.shapes[value] : value;
  if (!shape) throw new Error(`${program}: unknown shape ${String(value)}`);
  return shape;
}

interface Classified {
  key: string;
  observation: Observation;
  verdict: Verdict;
  expected: Expectation;
}

const used = new Set<string>();
const classified: Classified[] = files.flatMap(({ name, data }) => {
  const candidate = candidateOf(data);
  const shapeHints = shapeHintsFor(candidate, GAP_CATALOG);
  const options = { definesMain: definesMain(candidate) };
  const observed = new Map(data.cases.map((c) => [c.mode, observe({ build: c.build, run: c.run }, options)]));
  return data.cases.map((c) => {
    const primary = observed.get(c.mode)!;
    const differentials: Differential[] = [];
    const [o0, o2] = [observed.get('O0'), observed.get('O2')];
    if (c.mode !== 'json' && o0 && o2 && applicableDifferentials(primary, false, false).opt) {
      differentials.push({ kind: 'opt-level', labels: ['--opt-level 0', '--opt-level 2'], outcomes: [o0, o2] });
    }
    const verdict = decideVerdict({ primary, differentials, gaps: GAP_CATALOG, dialect: data.dialect, shapeHints });
    return { key: `${name}/${data.dialect}/${c.mode}`, observation: primary, verdict, expected: expectationFor(name, data.dialect, c.mode, used) };
  });
});

describe('real meshc records: classification', () => {
  it('covers all 108 recorded files (54 programs × 2 compilers), each with O0, O2 and json cases', () => {
    expect(files).toHaveLength(108);
    expect(new Set(files.map((f) => f.name)).size).toBe(54);
    for (const { name, data } of files) expect(data.cases.map((c) => c.mode), name).toEqual(['O0', 'O2', 'json']);
    expect(classified).toHaveLength(324);
  });

  it('records every probe with both compilers, as the probe is now (a rewritten probe must be recorded again)', () => {
    const probes = readdirSync(PROBES).filter((f) => f.endsWith('.mpl'));
    for (const dialect of ['february', 'april'] as const) {
      const recorded = files.filter((f) => f.data.dialect === dialect && f.data.program.startsWith('fixtures/mesh/gaps/'));
      expect(recorded.map((f) => `${f.name}.mpl`).sort(), dialect).toEqual(probes.sort());
      for (const { name, data } of recorded) {
        expect(data.program, `${dialect}/${name}`).toBe(`fixtures/mesh/gaps/${name}.mpl`);
        // A changed probe must be recorded again (npm run record:real).
        expect(data.source, `re-record ${dialect}/${name}: npm run record:real -- fixtures/mesh/gaps/${name}.mpl`).toEqual({
          [PROBE_SOURCE_KEY]: readFileSync(join(PROBES, `${name}.mpl`), 'utf8'),
        });
      }
    }
  });

  it('has an expectation for every program and uses every expectation written', () => {
    expect(Object.keys(expectations.programs).sort()).toEqual([...new Set(files.map((f) => f.name))].sort());
    const written = Object.entries(expectations.programs).flatMap(([program, e]) => Object.keys(e.cases).map((s) => `${program}|${s}`));
    expect(written.filter((k) => !used.has(k))).toEqual([]);
  });

  it.each(classified.map((c) => [c.key, c] as const))('%s', (_key, { observation: o, verdict: v, expected: e }) => {
    const s = o.symptom;
    expect(s.stage).toBe(e.stage);
    expect(s.code).toBe(e.code ?? '');
    expect(o.lean).toBe(e.lean);
    expect(s.generic).toBe(e.generic ?? false);
    // Signature shape: stage|code|normalised message, stable across runs (no pids, paths, numbers).
    expect(s.signatureVersion).toBe('sig-v1');
    expect(s.signature).toBe(`${s.stage}|${s.code}|${normalizeMessage(s.message)}`);
    expect(s.signature).toBe(e.signature);
    expect(v.class).toBe(e.verdict);
    expect(v.gapKey).toBe(e.gapKey);
    expect(v.resemblesGap).toBe(e.resembles);
    if (e.reason) expect(v.reasons[0]).toMatch(new RegExp(e.reason));
    if (e.reasonsInclude) expect(v.reasons.join('\n')).toMatch(new RegExp(e.reasonsInclude));
  });
});

describe('real meshc records: the gap catalog', () => {
  it('has no signature pattern that only ever matches verifier detail (matching reads message + signature only)', () => {
    // Such a pattern is dead: it never names a gap, yet reads as if it did.
    const texts = classified.map(({ observation: o }) => `${o.symptom.message}\n${o.symptom.signature}`);
    const details = classified.map(({ observation: o }) => o.detail);
    const dead = GAP_CATALOG.flatMap((gap) =>
      gap.signaturePatterns
        .filter((p) => details.some((d) => new RegExp(p, 'i').test(d)) && !texts.some((t) => new RegExp(p, 'i').test(t)))
        .map((p) => `${gap.key}: ${p}`),
    );
    expect(dead).toEqual([]);
  });
});
