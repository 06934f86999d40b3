import type { Finding, PhaseResult, RunReport, ScenarioResult, WatchReport } from './types.js';

/** One progress line per pipeline phase: name, outcome, time, what happened. */
export function phaseLine(p: Omit<PhaseResult, 'name'> & { name: string; status?: string }): string {
  return `${p.name.padEnd(10)} ${(p.status ?? (p.ok ? 'ok' : 'FAILED')).padEnd(6)} ${seconds(p.ms).padStart(8)}  ${p.detail}`;
}

export function scenarioLine(s: ScenarioResult): string {
  const status = s.notRun ? 'SKIP' : s.ok ? 'ok' : 'FAILED';
  const steps = s.notRun ? s.notRun : `${s.steps.filter((x) => x.ok).length}/${s.steps.length} steps${s.watch ? `; ${watchLine(s.watch)}` : ''}`;
  return `  ${s.name.padEnd(18)} ${status.padEnd(6)} ${seconds(s.ms).padStart(8)}  ${steps}`;
}

export function watchLine(w: WatchReport): string {
  const growth = w.growth ? `; per 1,000 requests after warm-up: threads ${signed(w.growth.threadsPer1k)}, RSS ${signed(w.growth.rssMibPer1k)} MiB` : '';
  return `${w.requests} req, threads ${w.threads.start}→${w.threads.end} (max ${w.threads.max}), RSS ${mib(w.rssKb.start)}→${mib(w.rssKb.end)} MiB (max ${mib(w.rssKb.max)}), CPU ${w.cpuS.toFixed(2)} s${growth}`;
}

const KIND_WORDS: Record<Finding['kind'], string> = {
  crash: 'crash',
  panic: 'panic',
  'wrong-response': 'wrong response',
  hang: 'hang',
  'resource-growth': 'resource growth',
  'startup-failure': 'startup failure',
};

const CLASS_WORDS = { compiler: 'compiler bug', app: 'application bug', 'known-gap': 'known compiler gap', undetermined: 'undetermined: needs triage' } as const;

export function renderFinding(f: Finding, n: number): string {
  const at = f.step ? `${f.where}, step ${f.step.index} (${f.step.name})` : f.where;
  const lines = [
    `finding ${n}: ${KIND_WORDS[f.kind]} at ${at}`,
    `  ${f.message}`,
    `  signature: ${f.symptom.signature} (${f.symptom.signatureVersion})`,
    `  verdict:   ${CLASS_WORDS[f.verdict.class]}${f.verdict.gapKey ? ` (${f.verdict.gapKey})` : ''}, confidence ${f.verdict.confidence.toFixed(2)}`,
    ...f.verdict.reasons.slice(0, 3).map((r) => `    - ${r}`),
  ];
  const e = f.evidence;
  if (e.request) lines.push(`  request:   ${e.request}`);
  if (e.status !== undefined) lines.push(`  answer:    ${e.status} ${oneLine(e.body ?? '')}`);
  else if (e.body) lines.push(`  got:       ${oneLine(e.body)}`);
  if (e.expected) lines.push(`  expected:  ${e.expected}`);
  if (e.signal || (e.exitCode !== undefined && e.exitCode !== null)) lines.push(`  process:   ${e.signal ? `killed by ${e.signal}` : `exit ${e.exitCode}`}`);
  for (const note of e.notes) lines.push(`  note:      ${note}`);
  if (e.logTail.length) {
    lines.push('  log tail:');
    for (const line of e.logTail.slice(-10)) lines.push(`    | ${line}`);
  }
  return lines.join('\n');
}

export function renderReport(r: RunReport, journal: string[]): string {
  const lines = [`app:       ${r.app}`, `profile:   ${r.profile}`, `compiler:  ${r.compiler.path} (meshc ${r.compiler.version}, ${r.compiler.dialect})`];
  if (r.database.where) lines.push(`database:  ${r.database.where}`);
  if (r.scenarios.length) {
    lines.push('scenarios:');
    for (const s of r.scenarios) lines.push(scenarioLine(s));
  }
  lines.push('');
  r.findings.forEach((f, i) => lines.push(renderFinding(f, i + 1), ''));
  for (const line of journal) lines.push(line);
  if (r.kept.length) lines.push(`kept:      ${r.kept.join(', ')}`);
  const summary = r.interrupted ? 'interrupted' : r.findings.length === 0 ? 'no findings' : `${r.findings.length} finding(s)`;
  lines.push(`result:    ${summary}`);
  return `${lines.join('\n')}\n`;
}

/** JUnit XML: a test suite per scenario (plus "startup"), a test case per step. */
export function renderJUnit(r: RunReport): string {
  const suites: string[] = [];
  const startupFindings = r.findings.filter((f) => !f.step && f.kind !== 'resource-growth');
  const startupCases = r.phases
    .filter((p) => p.name !== 'scenarios')
    .map((p) => {
      const f = startupFindings.find((x) => x.where === p.name);
      return testcase('startup', p.name, p.ms, p.ok ? undefined : f ?? { message: p.detail });
    });
  suites.push(suite('startup', startupCases));
  for (const s of r.scenarios) {
    const cases = s.steps.map((step) => {
      const f = r.findings.find((x) => x.where === s.name && x.step?.index === step.index);
      if (step.skipped) return testcase(s.name, `${step.index}. ${step.name}`, 0, undefined, step.detail);
      return testcase(s.name, `${step.index}. ${step.name}`, step.ms, step.ok ? undefined : f ?? { message: step.detail });
    });
    const growth = r.findings.filter((x) => x.where === s.name && x.kind === 'resource-growth');
    if (s.watch) cases.push(testcase(s.name, 'resource watch', 0, growth[0]));
    if (s.notRun) cases.push(testcase(s.name, 'scenario', 0, undefined, s.notRun));
    suites.push(suite(s.name, cases));
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="mesher-triage mesher run">\n${suites.join('\n')}\n</testsuites>\n`;
}

function suite(name: string, cases: string[]): string {
  const failures = cases.filter((c) => c.includes('<failure')).length;
  const skipped = cases.filter((c) => c.includes('<skipped')).length;
  return `  <testsuite name="${xml(name)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}">\n${cases.join('\n')}\n  </testsuite>`;
}

function testcase(suiteName: string, name: string, ms: number, failure: Pick<Finding, 'message'> | Finding | undefined, skipped?: string): string {
  const open = `    <testcase classname="${xml(suiteName)}" name="${xml(name)}" time="${(ms / 1000).toFixed(3)}"`;
  if (skipped !== undefined) return `${open}>\n      <skipped message="${xml(skipped)}"/>\n    </testcase>`;
  if (!failure) return `${open}/>`;
  const full = 'symptom' in failure ? renderFinding(failure, 1) : failure.message;
  const type = 'kind' in failure ? failure.kind : 'failure';
  return `${open}>\n      <failure type="${xml(type)}" message="${xml(failure.message)}">${xml(full)}</failure>\n    </testcase>`;
}

function xml(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function mib(kb: number): string {
  return (kb / 1024).toFixed(1);
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 297)}...` : flat;
}
