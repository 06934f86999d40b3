import { decideVerdict, findRustPanics, makeSignature, observeBuild, observeRun, runObservation, type Observation } from '../classify/index.js';
import type { Dialect, KnownGap, RunRecord } from '../types/index.js';
import type { ServerExit } from '../toolchain/index.js';
import type { Failure } from './steps.js';
import type { Evidence, Finding, FindingKind, WatchReport } from './types.js';

/**
 * Turns what went wrong into findings: each gets a symptom signed with classify's sig-v1
 * and a verdict from classify's rules (no differential evidence is run here, so a wrong
 * answer or a hang is honestly "undetermined": it needs triage).
 */
export interface FindingContext {
  gaps: readonly KnownGap[];
  dialect: Dialect;
}

interface Place {
  where: string;
  step?: { index: number; name: string };
}

function finding(kind: FindingKind, place: Place, observation: Observation, evidence: Partial<Evidence>, ctx: FindingContext, message?: string): Finding {
  const verdict = decideVerdict({ primary: observation, differentials: [], gaps: ctx.gaps, dialect: ctx.dialect });
  return {
    kind,
    ...place,
    message: message ?? observation.symptom.message,
    evidence: { logTail: [], notes: [], ...evidence },
    symptom: observation.symptom,
    verdict,
  };
}


/** meshc could not build the app: the build's own symptom, as `classify` would sign it. */
export function buildFailure(record: RunRecord, ctx: FindingContext): Finding {
  const seen = observeBuild(record);
  return finding('startup-failure', { where: 'build' }, seen, { logTail: tail(record.stderr + record.stdout), notes: [seen.because] }, ctx, `build failed: ${seen.symptom.message}`);
}

/**
 * The migrations failed. meshc compiles each migration before running it, so compiler
 * text is signed as a build; anything else is the migration failing at run time.
 */
export function migrateFailure(record: RunRecord, ctx: FindingContext): Finding {
  const text = record.stderr + record.stdout;
  const asBuild = observeBuild(record);
  const seen =
    !asBuild.symptom.generic && asBuild.lean !== 'environment' && asBuild.symptom.stage !== 'ok'
      ? asBuild
      : runObservation(
          record.timedOut ? 'hang' : 'runtime-crash',
          'migrate',
          record.timedOut ? 'migrations did not finish within the timeout' : (firstMatch(text, /^(error: .*|MIGRATION_ERROR:.*|CONNECTION_ERROR:.*)$/m) ?? `meshc migrate exited with status ${record.exitCode ?? record.signal}`),
          'none',
          'the migrations failed while running (their SQL, or the database, refused them)',
        );
  return finding('startup-failure', { where: 'migrate' }, seen, { exitCode: record.exitCode, signal: record.signal, logTail: tail(text), notes: [seen.because] }, ctx, `migration failed: ${seen.symptom.message}`);
}

/** The profile's seed SQL failed (the schema is not what the profile expects). */
export function seedFailure(message: string, ctx: FindingContext): Finding {
  const seen = runObservation('wrong-output', 'seed', `seed SQL failed: ${message}`, 'none', "the profile's seed SQL does not fit the schema the migrations made");
  return finding('startup-failure', { where: 'seed' }, seen, {}, ctx);
}

/** The app printed a line the profile says means failure, or exited, before it was ready. */
export function startupExit(exit: ServerExit | null, logs: string, failedLine: string | undefined, ctx: FindingContext): Finding {
  const evidence = { exitCode: exit?.exitCode ?? null, signal: exit?.signal ?? null, logTail: tail(logs) };
  if (exit && (exit.signal || exit.exitCode !== 0)) {
    const seen = observeRun(asRecord(exit, logs));
    if (seen.symptom.stage !== 'ok') return finding('startup-failure', { where: 'ready' }, withSuffix(seen, 'before it was ready'), { ...evidence, notes: [seen.because] }, ctx);
  }
  const message = failedLine ? `the app logged a failure before it was ready: ${failedLine.trim()}` : `the app exited with status ${exit?.exitCode ?? '?'} before it was ready`;
  const seen = runObservation('runtime-crash', 'startup', message, 'none', failedLine ? 'the app gave up during startup (see its log)' : 'the app returned from main during startup');
  return finding('startup-failure', { where: 'ready' }, seen, evidence, ctx);
}

export function neverReady(probe: string, timeoutS: number, lastAnswer: string, logs: string, ctx: FindingContext): Finding {
  const seen = runObservation('hang', 'never-ready', `the app was not ready within ${timeoutS} s (${probe})`, 'none', 'the process kept running but its readiness probe never answered as expected');
  return finding('startup-failure', { where: 'ready' }, seen, { logTail: tail(logs), notes: [`last probe answer: ${lastAnswer}`] }, ctx);
}

/**
 * The app process died during a scenario step. `recent` is what it printed during that step
 * (a panic printed earlier and survived is not the cause); `logs` is the tail for evidence.
 */
export function crash(exit: ServerExit, recent: string, logs: string, place: Place, during: string, ctx: FindingContext): Finding {
  const seen = observeRun(asRecord(exit, recent));
  const base =
    seen.symptom.stage === 'ok'
      ? runObservation('runtime-crash', 'exit', `the app exited with status ${exit.exitCode}`, 'none', 'a server should not return from main while it serves')
      : seen;
  // A Mesh panic aborts the whole process: that is a panic (its message says why), not a bare crash.
  const kind = base.symptom.stage === 'runtime-panic' ? 'panic' : 'crash';
  return finding(kind, place, withSuffix(base, `during ${during}`), { exitCode: exit.exitCode, signal: exit.signal, logTail: tail(logs), notes: [base.because] }, ctx);
}

/**
 * Panic lines in the log while the process lives on (the runtime caught a handler's panic,
 * or an actor died). Read with classify's panic rules where the text is a panic block.
 */
export function panicLines(lines: string[], place: Place, during: string, ctx: FindingContext): Finding {
  const text = lines.join('\n');
  const seen = findRustPanics(text).length > 0 ? observeRun({ argv: [], exitCode: null, signal: null, stdout: '', stderr: text, ms: 0, timedOut: false }) : undefined;
  const base =
    seen && seen.symptom.stage !== 'ok' && !seen.symptom.generic
      ? seen
      : runObservation('runtime-panic', '', lines[0]!.trim(), 'none', 'the app logged a panic line (the process lived on)');
  return finding('panic', place, withSuffix(base, `during ${during}`), { logTail: lines.slice(-20), notes: [base.because] }, ctx);
}

/** A step's expectation failed (wrong status, body, rows, frame), or it got no answer. */
export function stepFailure(failure: Failure, place: Place, logs: string, ctx: FindingContext): Finding {
  const evidence: Partial<Evidence> = { request: failure.request, status: failure.status, body: failure.body, expected: failure.expected, logTail: tail(logs, 20), notes: failure.note ? [failure.note] : [] };
  if (failure.hang) {
    const seen = runObservation('hang', failure.code, failure.message, 'none', 'the app is alive but did not answer in time');
    return finding('hang', place, seen, evidence, ctx);
  }
  const seen = runObservation('wrong-output', failure.code, failure.message, 'none', 'the app answered, but not as the scenario expects');
  return finding('wrong-response', place, seen, evidence, ctx);
}

/** Threads or resident memory grew with requests past the profile's thresholds. */
export function growthFindings(report: WatchReport, limits: { threadsPer1k: number; rssMibPer1k: number }, place: Place, ctx: FindingContext): Finding[] {
  const g = report.growth;
  if (!g) return [];
  const out: Finding[] = [];
  const notes = [`${report.requests} requests; warm-up ${g.warmupRequests}; threads ${report.threads.start} → ${report.threads.end} (max ${report.threads.max}); RSS ${mib(report.rssKb.start)} → ${mib(report.rssKb.end)} MiB (max ${mib(report.rssKb.max)})`];
  if (g.threadsPer1k > limits.threadsPer1k) {
    const seen = runObservation('wrong-output', 'resource-growth', `threads grow with requests: ${g.threadsPer1k} per 1,000 requests (limit ${limits.threadsPer1k})`, 'none', 'the thread count keeps rising with load after warm-up');
    out.push(finding('resource-growth', place, seen, { notes }, ctx));
  }
  if (g.rssMibPer1k > limits.rssMibPer1k) {
    const seen = runObservation('wrong-output', 'resource-growth', `resident memory grows with requests: ${g.rssMibPer1k} MiB per 1,000 requests (limit ${limits.rssMibPer1k})`, 'none', 'resident memory keeps rising with load after warm-up');
    out.push(finding('resource-growth', place, seen, { notes }, ctx));
  }
  return out;
}

function withSuffix(seen: Observation, suffix: string): Observation {
  const message = `${seen.symptom.message} ${suffix}`;
  return { ...seen, symptom: { ...seen.symptom, message, signature: makeSignature(seen.symptom.stage, seen.symptom.code, message) } };
}

function asRecord(exit: ServerExit, logs: string): RunRecord {
  return { argv: [], exitCode: exit.exitCode, signal: exit.signal, stdout: '', stderr: logs, ms: 0, timedOut: false };
}

export function tail(text: string, lines = 40): string[] {
  return text.split('\n').filter((l) => l.trim() !== '').slice(-lines);
}

function firstMatch(text: string, pattern: RegExp): string | undefined {
  return pattern.exec(text)?.[0];
}

function mib(kb: number): string {
  return (kb / 1024).toFixed(1);
}
