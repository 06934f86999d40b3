import { describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { fixedMessage, renderJUnit, renderMarkdown, type GateResult, type GateSummary } from '../../../src/gate/report.js';

const fixedBug: GateResult = { key: 'bug-2', title: 'compiler-crash: boom', suite: 'open-bugs', outcome: 'fixed', detail: 'the stored repro builds and runs clean', ms: 3, workaroundSites: [] };
const fixedGap: GateResult = { key: 'nested-and', title: 'nested &&', suite: 'known-gaps', outcome: 'fixed', detail: 'builds', ms: 3, workaroundSites: ['app/main.mpl:3:1'] };
const summary: GateSummary = { compiler: { path: '/m', version: '0.2.0', dialect: 'april' }, strict: true, results: [fixedGap, fixedBug] };

describe('reports for fixed open bugs (--all-bugs)', () => {
  it('say the stored repro runs clean, not that a gap has workarounds to unwind', () => {
    expect(fixedMessage(fixedBug, '0.2.0')).toBe('bug-2 is fixed in 0.2.0: its stored repro builds and runs clean; run with --update to mark it fixed');
    expect(fixedMessage(fixedGap, '0.2.0')).toBe('gap nested-and is fixed in 0.2.0: run with --update, and unwind the workarounds at:\n  app/main.mpl:3:1');
  });

  it('say what --update recorded instead of asking for --update, once it has run', () => {
    expect(fixedMessage(fixedBug, '0.2.0', true)).toBe('bug-2 is fixed in 0.2.0: its stored repro builds and runs clean; marked fixed in the journal');
    expect(fixedMessage(fixedGap, '0.2.0', true)).toBe('gap nested-and is fixed in 0.2.0: recorded in the journal; now unwind the workarounds at:\n  app/main.mpl:3:1');
    const updated = { ...summary, updated: true };
    expect(renderMarkdown(updated)).toContain('The fixes are recorded in the journal (`--update`).');
    expect(renderMarkdown(updated)).not.toContain('Run `mesher-triage gate --update`');
    expect(renderJUnit(updated)).not.toContain('run with --update');
    expect(renderJUnit(summary)).toContain('run with --update');
  });

  it('Markdown lists workaround sites for the gap only, and names the fixed bug', () => {
    const md = renderMarkdown(summary);
    expect(md).toContain('### `nested-and` is fixed: unwind the workarounds');
    expect(md).not.toContain('### `bug-2`');
    expect(md).toContain('Fixed bugs (their stored repros build and run clean): `bug-2`.');
  });

  it('JUnit puts the bug in the open-bugs suite with its own failure text', () => {
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(renderJUnit(summary));
    const suites = [doc.testsuites.testsuite].flat() as Array<{ name: string; failures: string; testcase: { failure: { message: string } } }>;
    const bugs = suites.find((s) => s.name === 'open-bugs')!;
    expect(Number(bugs.failures)).toBe(1);
    expect(bugs.testcase.failure.message).toMatch(/^bug-2 is fixed in 0\.2\.0/);
  });
});
