import { isFailure, type GateOutcome } from './outcome.js';

/** One checked probe (a known gap) or stored repro (an open bug, with --all-bugs). */
export interface GateResult {
  /** Gap key, or `bug-<id>` for a journal bug. */
  key: string;
  title: string;
  suite: 'known-gaps' | 'open-bugs';
  outcome: GateOutcome;
  detail: string;
  ms: number;
  /** `file:line:col` of workaround sites to unwind (for fixed gaps). */
  workaroundSites: string[];
}

export interface GateSummary {
  compiler: { path: string; version: string; dialect: string } | null;
  strict: boolean;
  results: GateResult[];
  /** True when `--update` recorded this run's fixes and regressions in the journal. */
  updated?: boolean;
}

export function countOutcomes(results: readonly GateResult[]): Record<GateOutcome, number> {
  const counts: Record<GateOutcome, number> = {
    'still-open': 0,
    'still-fixed': 0,
    fixed: 0,
    changed: 0,
    regressed: 0,
    skipped: 0,
    error: 0,
  };
  for (const r of results) counts[r.outcome]++;
  return counts;
}

/**
 * The message for a fixed gap, with the sites to unwind (or for a fixed bug). `recorded`:
 * `--update` has already written the fix to the journal, so the message says so instead of
 * asking for it.
 */
export function fixedMessage(result: GateResult, version: string, recorded = false): string {
  if (result.suite === 'open-bugs') {
    const next = recorded ? 'marked fixed in the journal' : 'run with --update to mark it fixed';
    return `${result.key} is fixed in ${version}: its stored repro builds and runs clean; ${next}`;
  }
  const next = recorded ? 'recorded in the journal; now unwind the workarounds at:' : 'run with --update, and unwind the workarounds at:';
  const head = `gap ${result.key} is fixed in ${version}: ${next}`;
  const sites = result.workaroundSites.length > 0 ? result.workaroundSites.map((s) => `  ${s}`) : ['  (no workaround sites found)'];
  return [head, ...sites].join('\n');
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

function xml(text: string): string {
  // Control characters other than tab/newline are not allowed in XML 1.0.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);
}

/** JUnit XML, one testsuite per kind of check, for CI test-report widgets. */
export function renderJUnit(summary: GateSummary): string {
  const version = summary.compiler?.version ?? 'unknown';
  const suites = (['known-gaps', 'open-bugs'] as const)
    .map((name) => ({ name, cases: summary.results.filter((r) => r.suite === name) }))
    .filter((s) => s.cases.length > 0);
  const totals = tally(summary.results, summary.strict);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="mesher-triage gate" tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}" skipped="${totals.skipped}" time="${seconds(totals.ms)}">`,
  ];
  for (const suite of suites) {
    const t = tally(suite.cases, summary.strict);
    lines.push(
      `  <testsuite name="${suite.name}" tests="${t.tests}" failures="${t.failures}" errors="${t.errors}" skipped="${t.skipped}" time="${seconds(t.ms)}">`,
    );
    for (const r of suite.cases) {
      const open = `    <testcase classname="${suite.name}" name="${xml(`${r.key}: ${r.title}`)}" time="${seconds(r.ms)}"`;
      const body = testcaseBody(r, summary, version);
      lines.push(body ? `${open}>\n${body}\n    </testcase>` : `${open}/>`);
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}

function testcaseBody(r: GateResult, summary: GateSummary, version: string): string {
  const strict = summary.strict;
  const text = r.outcome === 'fixed' ? fixedMessage(r, version, summary.updated) : r.detail;
  if (r.outcome === 'skipped') return `      <skipped message="${xml(r.detail)}"/>`;
  if (r.outcome === 'error') return `      <error type="error" message="${xml(r.detail)}"/>`;
  if (isFailure(r.outcome, strict)) return `      <failure type="${r.outcome}" message="${xml(firstLine(text))}">${xml(text)}</failure>`;
  return `      <system-out>${xml(`${r.outcome}: ${text}`)}</system-out>`;
}

interface Tally {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  ms: number;
}

function tally(results: readonly GateResult[], strict: boolean): Tally {
  const t: Tally = { tests: results.length, failures: 0, errors: 0, skipped: 0, ms: 0 };
  for (const r of results) {
    t.ms += r.ms;
    if (r.outcome === 'error') t.errors++;
    else if (r.outcome === 'skipped') t.skipped++;
    else if (isFailure(r.outcome, strict)) t.failures++;
  }
  return t;
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);
const firstLine = (text: string): string => text.split('\n')[0] ?? '';

const ICON: Record<GateOutcome, string> = {
  'still-open': '✅',
  'still-fixed': '✅',
  fixed: '🎉',
  changed: '❌',
  regressed: '❌',
  skipped: '⏭️',
  error: '⚠️',
};

function md(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** A Markdown summary for a pull-request comment or a CI step summary. */
export function renderMarkdown(summary: GateSummary): string {
  const counts = countOutcomes(summary.results);
  const failed = summary.results.filter((r) => isFailure(r.outcome, summary.strict)).length;
  const compiler = summary.compiler ? `\`${summary.compiler.version}\` (${summary.compiler.dialect} dialect)` : 'no compiler';
  const out = [
    `## mesher-triage gate: ${failed === 0 ? 'passed' : `${failed} need attention`}`,
    '',
    `Compiler: ${compiler}; mode: ${summary.strict ? 'strict' : 'lenient'}.`,
    '',
    Object.entries(counts)
      .filter(([, n]) => n > 0)
      .map(([o, n]) => `${n} ${o}`)
      .join(' · '),
    '',
    '| | check | outcome | detail |',
    '|---|---|---|---|',
    ...summary.results.map((r) => `| ${ICON[r.outcome]} | \`${r.key}\` ${md(r.title)} | ${r.outcome} | ${md(r.detail)} |`),
  ];
  const fixed = summary.results.filter((r) => r.outcome === 'fixed' && r.suite === 'known-gaps');
  for (const r of fixed) {
    out.push('', `### \`${r.key}\` is fixed: unwind the workarounds`, '');
    out.push(...(r.workaroundSites.length > 0 ? r.workaroundSites.map((s) => `- \`${s}\``) : ['- no workaround sites found in the scanned code']));
  }
  const fixedBugs = summary.results.filter((r) => r.outcome === 'fixed' && r.suite === 'open-bugs');
  if (fixedBugs.length > 0) out.push('', `Fixed bugs (their stored repros build and run clean): ${fixedBugs.map((r) => `\`${r.key}\``).join(', ')}.`);
  if (fixed.length + fixedBugs.length > 0) {
    out.push('', summary.updated ? 'The fixes are recorded in the journal (`--update`).' : 'Run `mesher-triage gate --update` to record the fixes in the journal.');
  }
  return `${out.join('\n')}\n`;
}
