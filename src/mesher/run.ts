import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { BuiltCandidate } from '../toolchain/index.js';
import type { CompilerInfo, KnownGap } from '../types/index.js';
import { AppLog, buildApp, loadApp, migrateApp, startApp, type RunningApp } from './app.js';
import { openDatabase, type Database } from './database.js';
import * as find from './findings.js';
import { freePorts } from './ports.js';
import { connect, type SqlSession } from './sql.js';
import { closeConnections, deadline as probeDeadline, routeOf, runStep, sleep, type StepContext, type WsConnection } from './steps.js';
import { fill, placeholders } from './template.js';
import type { Finding, PhaseResult, Profile, RunReport, Scenario, ScenarioResult, Step, StepResult } from './types.js';
import { Watch } from './watch.js';

export interface MesherRunOptions {
  appDir: string;
  meshc: string;
  compiler: CompilerInfo;
  profile: Profile;
  scenarios: Scenario[];
  /** `--database-url`: a server to make a scratch database on (default: an embedded cluster). */
  databaseUrl?: string;
  keep: boolean;
  /** The known-gap catalog, for verdicts (injected: the harness does not read it itself). */
  gaps: readonly KnownGap[];
  signal: AbortSignal;
  onPhase?: (phase: PhaseResult) => void;
  onScenario?: (result: ScenarioResult) => void;
}

const STOP_GRACE_MS = 5_000;

/**
 * One run: build → database → migrate → seed → start → ready → scenarios (watched) → stop.
 * A failure of the app is a finding and ends the run early; a problem of the machine or the
 * input is a UserError. Whatever happens, Ctrl-C included, the app and the database are
 * stopped and the temp folders removed (unless kept) before this returns or throws.
 */
export async function runMesher(o: MesherRunOptions): Promise<RunReport> {
  const runId = randomBytes(4).toString('hex');
  const report: RunReport = {
    app: o.appDir,
    profile: o.profile.name,
    compiler: o.compiler,
    database: { kind: o.databaseUrl ? 'external' : 'embedded', where: '', kept: o.keep },
    phases: [],
    scenarios: [],
    findings: [],
    interrupted: false,
    kept: [],
  };
  const ctx = { gaps: o.gaps, dialect: o.compiler.dialect };
  const found = (f: Finding): void => void report.findings.push(f);
  let built: BuiltCandidate | undefined;
  let db: Database | undefined;
  let sql: SqlSession | undefined;
  let app: RunningApp | undefined;
  let log: AppLog | undefined;

  const phase = async (name: PhaseResult['name'], body: () => Promise<{ ok: boolean; detail: string }>): Promise<boolean> => {
    o.signal.throwIfAborted();
    const started = performance.now();
    const { ok, detail } = await body();
    const result: PhaseResult = { name, ok, ms: Math.round(performance.now() - started), detail };
    report.phases.push(result);
    o.onPhase?.(result);
    return ok;
  };

  try {
    const files = await loadApp(o.appDir);
    const meshFiles = [...files.keys()].filter((f) => f.endsWith('.mpl')).length;

    const builtOk = await phase('build', async () => {
      built = await buildApp(files, o.meshc, o.profile.build.timeoutS * 1000, o.keep, o.signal);
      if (built.binaryPath) return { ok: true, detail: `${meshFiles} Mesh files, meshc ${o.compiler.version} (${o.compiler.dialect})` };
      const f = find.buildFailure(built.record, ctx);
      found(f);
      return { ok: false, detail: f.message };
    });
    if (!builtOk || !built?.binaryPath) return report;
    const buildDir = built.dir;
    const binary = built.binaryPath;
    if (o.keep) report.kept.push(dirname(buildDir));

    await phase('database', async () => {
      db = await openDatabase({ externalUrl: o.databaseUrl, fixedUrl: o.profile.database.mode === 'fixed' ? o.profile.database.url : undefined, keep: o.keep, runId });
      report.database.where = db.where;
      if (o.keep && db.root) report.kept.push(db.root);
      return { ok: true, detail: db.where };
    });
    const database = db!;

    const [httpPort, wsPort] = await freePorts(2);
    const vars = new Map<string, string>([
      ['httpPort', String(httpPort)],
      ['wsPort', String(wsPort)],
      ['databaseUrl', database.url],
      ['apiKey', o.profile.auth.apiKey],
      ['authHeader', o.profile.auth.header.toLowerCase()],
      ['runId', runId],
      ...Object.entries(o.profile.vars),
    ]);

    const migrated = await phase('migrate', async () => {
      const step = await migrate(o.meshc, o.profile, buildDir, database.url, ctx, o.signal);
      if (!step.ok) found(step.finding);
      return step.ok ? { ok: true, detail: step.detail } : { ok: false, detail: step.finding.message };
    });
    if (!migrated) return report;

    const seeded = await phase('seed', async () => {
      sql = await connect(database.url);
      const step = await seed(sql, o.profile, vars, ctx);
      if (!step.ok) found(step.finding);
      return step.ok ? { ok: true, detail: step.detail } : { ok: false, detail: step.finding.message };
    });
    if (!seeded) return report;

    await phase('start', async () => {
      log = new AppLog(5_000, join(dirname(buildDir), 'app.log'));
      app = startApp(binary, buildDir, appEnv(o.profile, vars), log);
      return { ok: true, detail: `pid ${app.process.pid}, http :${httpPort}, ws :${wsPort}` };
    });
    const running = app!;
    const appLog = log!;
    const httpBase = `http://127.0.0.1:${httpPort}`;

    const ready = await phase('ready', () => waitReady(running, appLog, httpBase, vars, ctx, found, { profile: o.profile, signal: o.signal }));
    if (!ready) return report;

    await phase('scenarios', async () => {
      const stepCtx: Omit<StepContext, 'countRequest' | 'connections'> = {
        httpBase,
        wsBase: `ws://127.0.0.1:${wsPort}`,
        profile: o.profile,
        sql: sql!,
        vars,
        alive: running.alive,
        signal: o.signal,
      };
      for (const scenario of o.scenarios) {
        const result = await runScenario(scenario, { profile: o.profile, app: running, log: appLog, base: stepCtx, ctx, found });
        report.scenarios.push(result);
        o.onScenario?.(result);
      }
      const ran = report.scenarios.filter((s) => !s.notRun);
      return { ok: ran.every((s) => s.ok), detail: `${ran.filter((s) => s.ok).length} of ${report.scenarios.length} scenario(s) passed` };
    });
    return report;
  } catch (err) {
    if (!o.signal.aborted) throw err;
    report.interrupted = true;
    return report;
  } finally {
    if (app) {
      const appNow = app as RunningApp;
      const wasRunning = appNow.alive();
      const started = performance.now();
      const exit = await appNow.process.stop(STOP_GRACE_MS);
      const how = !wasRunning ? 'it had already exited' : exit.signal === 'SIGKILL' ? `SIGKILL after ${STOP_GRACE_MS / 1000} s (SIGTERM was ignored)` : `SIGTERM (${exit.signal ?? `exit ${exit.exitCode}`})`;
      const stop: PhaseResult = { name: 'stop', ok: true, ms: Math.round(performance.now() - started), detail: how };
      report.phases.push(stop);
      o.onPhase?.(stop);
    }
    await (log as AppLog | undefined)?.close();
    await (sql as SqlSession | undefined)?.close();
    await (db as Database | undefined)?.close();
    await (built as BuiltCandidate | undefined)?.dispose();
  }
}

/** The app's environment: the profile's variables filled in, the ones it removes removed. */
export function appEnv(profile: Profile, vars: ReadonlyMap<string, string>): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const name of Object.keys(process.env)) if (profile.unsetEnvPrefixes.some((p) => name.startsWith(p))) env[name] = undefined;
  for (const [name, value] of Object.entries(profile.env)) env[name] = value === null ? undefined : fill(value, vars);
  return env;
}

type Outcome = { ok: true; detail: string } | { ok: false; finding: Finding };

/** The profile's migrations, run by meshc in the built copy of the app. */
export async function migrate(meshc: string, profile: Profile, buildDir: string, databaseUrl: string, ctx: find.FindingContext, signal: AbortSignal): Promise<Outcome> {
  const record = await migrateApp(meshc, profile.migrate.args, buildDir, databaseUrl, profile.migrate.timeoutS * 1000, signal);
  if (record.exitCode === 0 && !record.timedOut) return { ok: true, detail: `meshc ${profile.migrate.args.join(' ')}: ${lastLine(record.stderr + record.stdout) || 'done'}` };
  return { ok: false, finding: find.migrateFailure(record, ctx) };
}

/** The profile's seed SQL, then its lookups (which add template variables to `vars`). */
export async function seed(sql: SqlSession, profile: Profile, vars: Map<string, string>, ctx: find.FindingContext): Promise<Outcome> {
  try {
    for (const statement of profile.seed) await sql.query(fill(statement, vars));
    for (const [name, query] of Object.entries(profile.lookup)) {
      const rows = await sql.query(fill(query, vars));
      const value = rows[0] ? Object.values(rows[0])[0] : undefined;
      if (value === undefined || value === null) throw new Error(`lookup ${name} found nothing: ${query}`);
      vars.set(name, String(value));
    }
  } catch (err) {
    return { ok: false, finding: find.seedFailure((err as Error).message, ctx) };
  }
  const looked = Object.keys(profile.lookup).map((name) => `${name}=${vars.get(name)}`);
  return { ok: true, detail: `${profile.seed.length} statement(s)${looked.length ? `; ${looked.join(', ')}` : ''}` };
}

export interface ReadyOptions {
  profile: Profile;
  signal: AbortSignal;
  /** Overrides the profile's `ready.timeoutS`. */
  timeoutMs?: number;
}

/**
 * Probes until the profile's probe answers as expected (any answer at all with status
 * `any`). Exiting first, logging a failure line or running out of time is a finding.
 */
export async function waitReady(
  app: RunningApp,
  log: AppLog,
  httpBase: string,
  vars: ReadonlyMap<string, string>,
  ctx: find.FindingContext,
  found: (f: Finding) => void,
  o: ReadyOptions,
): Promise<{ ok: boolean; detail: string }> {
  const ready = o.profile.ready;
  const probe = `${ready.probe.method} ${fill(ready.probe.path, vars)}`;
  const failed = ready.failedLines.map((p) => new RegExp(p));
  const timeoutMs = o.timeoutMs ?? ready.timeoutS * 1000;
  const deadline = Date.now() + timeoutMs;
  let lastAnswer = 'no answer yet';
  let attempts = 0;
  for (;;) {
    if (!app.alive()) {
      const f = find.startupExit(await app.process.exited, log.text(), undefined, ctx);
      found(f);
      return { ok: false, detail: f.message };
    }
    const bad = log.since(0).find((line) => failed.some((re) => re.test(line)));
    if (bad !== undefined) {
      const f = find.startupExit(null, log.text(), bad, ctx);
      found(f);
      return { ok: false, detail: f.message };
    }
    attempts++;
    const limit = probeDeadline(Math.max(100, Math.min(2_000, deadline - Date.now())), o.signal);
    try {
      const response = await fetch(`${httpBase}${fill(ready.probe.path, vars)}`, { method: ready.probe.method, signal: limit.signal });
      const body = await response.text();
      if (ready.probe.status === 'any' || response.status === ready.probe.status) return { ok: true, detail: `${probe} → ${response.status} after ${attempts} probe(s)` };
      lastAnswer = `${response.status} ${body.slice(0, 200)}`;
    } catch (err) {
      o.signal.throwIfAborted();
      lastAnswer = limit.expired() ? 'no answer in time' : ((err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message);
    } finally {
      limit.clear();
    }
    if (Date.now() >= deadline) {
      const f = find.neverReady(probe, timeoutMs / 1000, lastAnswer, log.text(), ctx);
      found(f);
      return { ok: false, detail: f.message };
    }
    await sleep(ready.intervalMs, o.signal);
  }
}

export interface ScenarioRun {
  profile: Profile;
  app: RunningApp;
  log: AppLog;
  base: Omit<StepContext, 'countRequest' | 'connections'>;
  ctx: find.FindingContext;
  found: (f: Finding) => void;
  /** Run steps 1..upTo only (repro replays a scenario up to the failing step). */
  upTo?: number;
}

/**
 * Runs a scenario's steps in order under the resource watch. After each step: is the app
 * alive, did it print a panic line; each failure becomes a finding (one per cause).
 */
export async function runScenario(scenario: Scenario, r: ScenarioRun): Promise<ScenarioResult> {
  const { profile, app, log, ctx, found } = r;
  const result: ScenarioResult = { name: scenario.name, source: scenario.source, ok: true, ms: 0, steps: [], watch: null };
  if (scenario.profiles.length > 0 && !scenario.profiles.includes(profile.name)) {
    return { ...result, notRun: `written for profile(s) ${scenario.profiles.join(', ')}, not ${profile.name}` };
  }
  if (!app.alive()) return { ...result, ok: false, notRun: 'the app is no longer running' };
  let requests = 0;
  const connections = new Map<string, WsConnection>();
  const watch = app.process.pid !== undefined ? new Watch(app.process.pid, () => requests) : undefined;
  const stepCtx: StepContext = { ...r.base, connections, countRequest: () => watch?.requestSent(++requests) };
  const panicPatterns = profile.panicLines.map((p) => new RegExp(p));
  const started = performance.now();
  let mark = log.mark;
  try {
    for (const [i, step] of scenario.steps.slice(0, r.upTo ?? scenario.steps.length).entries()) {
      const place = { where: scenario.name, step: { index: i + 1, name: step.name } };
      if (!app.alive()) {
        result.steps.push({ index: i + 1, name: step.name, kind: step.kind, ok: false, ms: 0, detail: 'not run: the app is no longer running', requests: 0, skipped: true });
        continue;
      }
      // A value an earlier failed step should have captured: not a step to run (nor a crash of ours).
      // (A repeat sets `${i}` and may capture per iteration: its inner steps are not checked here.)
      const unset = step.kind === 'repeat' ? [] : [...new Set(placeholders(step))].filter((name) => !stepCtx.vars.has(name));
      if (unset.length > 0) {
        result.steps.push({ index: i + 1, name: step.name, kind: step.kind, ok: false, ms: 0, detail: `not run: no value for ${unset.map((n) => `\${${n}}`).join(', ')} (the step that captures it failed)`, requests: 0, skipped: true });
        result.ok = false;
        continue;
      }
      const before = requests;
      const stepStarted = performance.now();
      const out = await runStep(step, stepCtx);
      // A crash shows first as a dropped connection; give the exit a moment to arrive.
      if (out.failures.length > 0 && app.alive()) await Promise.race([app.process.exited, sleep(300)]);
      const newLines = log.since(mark);
      mark = log.mark;
      const firstPanic = newLines.findIndex((line) => panicPatterns.some((re) => re.test(line)));
      const during = describe(step);
      let explained = false;
      if (!app.alive()) {
        found(find.crash(await app.process.exited, newLines.join('\n'), log.text(), place, during, ctx));
        explained = true;
      } else if (firstPanic >= 0) {
        found(find.panicLines(newLines.slice(firstPanic), place, during, ctx));
        explained = true;
      }
      for (const failure of out.failures) if (!(explained && (failure.noAnswer || failure.hang))) found(find.stepFailure(failure, place, log.text(), ctx));
      const ok = out.failures.length === 0 && !explained;
      const stepResult: StepResult = { index: i + 1, name: step.name, kind: step.kind, ok, ms: Math.round(performance.now() - stepStarted), detail: explained && out.failures.length === 0 ? 'the app crashed or panicked' : out.detail, requests: requests - before };
      result.steps.push(stepResult);
      if (!ok) result.ok = false;
    }
  } finally {
    closeConnections(connections);
    result.ms = Math.round(performance.now() - started);
    result.watch = watch?.stop({ minRequests: profile.growth.minRequests }) ?? null;
  }
  if (result.watch) {
    const growth = find.growthFindings(result.watch, profile.growth, { where: scenario.name }, ctx);
    growth.forEach(found);
    if (growth.length > 0) result.ok = false;
  }
  return result;
}

function describe(step: Step): string {
  switch (step.kind) {
    case 'http':
      return routeOf(step);
    case 'repeat':
      // The requests, not the step's name: the same crash in two scenarios is one signature.
      return step.steps.map((s) => (s.kind === 'http' ? routeOf(s) : s.name)).join(', ');
    case 'wait-until':
      return step.step.kind === 'http' ? routeOf(step.step) : step.step.name;
    default:
      return step.name;
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop()?.trim() ?? '';
}

