import { describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { renderJUnit, renderMarkdown, type GateResult, type GateSummary } from '../../../src/gate/report.js';

const result = (key: string, outcome: GateResult['outcome'], extra: Partial<GateResult> = {}): GateResult => ({
  key,
  title: `title of ${key}`,
  suite: 'known-gaps',
  outcome,
  detail: `detail of ${key}`,
  ms: 120,
  workaroundSites: [],
  ...extra,
});

const summary: GateSummary = {
  compiler: { path: '/usr/bin/meshc', version: 'meshc 0.1.0', dialect: 'april' },
  strict: true,
  results: [
    result('list-find-case', 'still-open'),
    result('map-collect-string', 'fixed', { workaroundSites: ['mesher/ingest.mpl:12:5', 'mesher/alerts.mpl:40:9'] }),
    result('nested-and', 'changed', { detail: 'expected <llvm-verify> & got "crash"' }),
    result('pipe-multiline', 'skipped'),
    result('bug-7', 'error', { suite: 'open-bugs' }),
  ],
};

describe('renderJUnit', () => {
  const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(renderJUnit(summary));

  it('is well-formed XML whose counts match the results', () => {
    const root = parsed.testsuites;
    expect(Number(root.tests)).toBe(5);
    expect(Number(root.failures)).toBe(2);
    expect(Number(root.errors)).toBe(1);
    expect(Number(root.skipped)).toBe(1);
    const suites = [root.testsuite].flat();
    expect(suites.map((s: { name: string }) => s.name)).toEqual(['known-gaps', 'open-bugs']);
    const cases = [suites[0].testcase].flat();
    expect(cases).toHaveLength(4);
    expect(Number(suites[0].tests)).toBe(cases.length);
  });

  it('escapes XML special characters in details', () => {
    const xml = renderJUnit(summary);
    expect(xml).toContain('expected &lt;llvm-verify&gt; &amp; got &quot;crash&quot;');
  });

  it('names the workaround sites in the failure of a fixed gap', () => {
    const cases = [[parsed.testsuites.testsuite].flat()[0].testcase].flat();
    const fixed = cases.find((c: { name: string }) => c.name.startsWith('map-collect-string'));
    expect(fixed.failure.type).toBe('fixed');
    expect(fixed.failure['#text']).toContain('mesher/alerts.mpl:40:9');
  });

  it('does not count a clean fix as a failure in lenient mode', () => {
    const lenient = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(renderJUnit({ ...summary, strict: false }));
    expect(Number(lenient.testsuites.failures)).toBe(1);
  });
});

describe('renderMarkdown', () => {
  const text = renderMarkdown(summary);
  it('lists every check and the workaround sites of fixed gaps', () => {
    for (const r of summary.results) expect(text).toContain(`\`${r.key}\``);
    expect(text).toContain('- `mesher/ingest.mpl:12:5`');
    expect(text).toContain('--update');
  });
  it('says how many need attention', () => {
    expect(text).toMatch(/^## mesher-triage gate: 3 need attention/);
  });
});
