import { randomBytes } from 'node:crypto';
import { contentKey } from '../repro/index.js';
import type { BuiltCandidate } from '../toolchain/index.js';
import { ExitCode, UserError, type Candidate, type CompilerInfo, type KnownGap, type Oracle } from '../types/index.js';
import { AppLog, buildApp, loadApp, startApp, type RunningApp } from './app.js';
import { openDatabase, type Database } from './database.js';
import { buildFailure, type FindingContext } from './findings.js';
import { PortLease } from './ports.js';
import { appEnv, migrate, runScenario, seed, waitReady } from './run.js';
import { connect, type SqlSession } from './sql.js';
import type { Finding, FindingKind, PhaseResult, Profile, Scenario, ScenarioResult } from './types.js';

/**
 * The app oracle of `repro --scenario`: "step N of scenario S still fails the same way".
 * One session builds the original app, migrates and seeds a database once and keeps it as a
 * template; every replay then gets its own copy (`CREATE DATABASE … TEMPLATE …`), its own
 * ports, and its own process, so parallel candidates never share a port or a database.
 */
export interface ReproSessionOptions {
  appDir: string;
  meshc: string;
  compiler: CompilerInfo;
  profile: Profile;
  /** `--database-url`: a server to work on (default: an embedded cluster). */
  databaseUrl?: string;
  gaps: readonly KnownGap[];
  signal: AbortSignal;
  onPhase?: (phase: PhaseResult) => void;
}

/** What one replay saw. */
export interface Replay {
  built: boolean;
  ready: boolean;
  /** Every finding of the replay (startup and steps). */
  findings: Finding[];
  /** Time from start to ready, when it got ready. */
  readyMs?: number;
  result?: ScenarioResult;
  detail: string;
}

/** The failure a reduction must keep: this kind and this signature, at this step. */
export interface StepTarget {
  scenario: Scenario;
  /** 1-based step index in `scenario`. */
  step: number;
  kind: FindingKind;
  signature: string;
}

/** Apps a reduction made get the profile's probe answered by anything: the route it probes may be gone. */
const ANY_ANSWER = 'any';
/** Candidates are killed, not asked: a SIGTERM-ignoring app would cost the whole grace period each time. */
const CANDIDATE_STOP_GRACE_MS = 200;

export class ReproSession {
  readonly ctx: FindingContext;
  /** The profile candidates run with: ready on any answer to the probe. */
  readonly candidateProfile: Profile;
  private readonly ports = new PortLease();
  private readonly running = new Set<Promise<unknown>>();
  private queue: Promise<void> = Promise.resolve();
  private replays = 0;
  private readyTimeoutMs: number | undefined;

  private constructor(
    readonly o: ReproSessionOptions,
    /** Names this session's databases (and fills `${runId}` in scenarios). */
    readonly runId: string,
    /** The app's files as loaded (the reducer's input). */
    readonly files: Candidate,
    /** The original app, built once (its binary replays the step reduction). */
    readonly original: BuiltCandidate & { binaryPath: string },
    private readonly db: Database,
    private readonly template: string,
    /** Template variables every replay starts from (profile variables and lookups). */
    private readonly vars: ReadonlyMap<string, string>,
    /** The database name the app has built in (profile `database.mode: fixed`): replays take turns with it. */
    private readonly fixedName: string | undefined,
  ) {
    this.ctx = { gaps: o.gaps, dialect: o.compiler.dialect };
    this.candidateProfile = { ...o.profile, ready: { ...o.profile.ready, probe: { ...o.profile.ready.probe, status: ANY_ANSWER } } };
  }

  /**
   * build → database → migrate → seed → template, with a progress call per phase. An app that
   * does not build, migrate or seed cannot show a failing step: NOT_REPRODUCIBLE (exit 4).
   */
  static async open(o: ReproSessionOptions): Promise<ReproSession> {
    const ctx: FindingContext = { gaps: o.gaps, dialect: o.compiler.dialect };
    const runId = randomBytes(4).toString('hex');
    const phase = async <T>(name: PhaseResult['name'], body: () => Promise<{ value: T; detail: string }>): Promise<T> => {
      o.signal.throwIfAborted();
      const started = performance.now();
      const { value, detail } = await body();
      o.onPhase?.({ name, ok: true, ms: Math.round(performance.now() - started), detail });
      return value;
    };
    const files = await loadApp(o.appDir);
    let built: BuiltCandidate | undefined;
    let db: Database | undefined;
    try {
      const meshFiles = [...files.keys()].filter((f) => f.endsWith('.mpl')).length;
      const original = await phase('build', async () => {
        built = await buildApp(files, o.meshc, o.profile.build.timeoutS * 1000, false, o.signal);
        if (!built.binaryPath) throw cannotStart(buildFailure(built.record, ctx), o);
        return { value: built as BuiltCandidate & { binaryPath: string }, detail: `${meshFiles} Mesh files, meshc ${o.compiler.version} (${o.compiler.dialect})` };
      });
      const fixedUrl = o.profile.database.mode === 'fixed' ? o.profile.database.url : undefined;
      const database = await phase('database', async () => {
        db = await openDatabase({ externalUrl: o.databaseUrl, fixedUrl, keep: false, runId });
        return { value: db, detail: db.where };
      });
      const migrated = databaseName(database.url);
      await phase('migrate', async () => {
        const step = await migrate(o.meshc, o.profile, original.dir, database.url, ctx, o.signal);
        if (!step.ok) throw cannotStart(step.finding, o);
        return { value: undefined, detail: step.detail };
      });
      const vars = new Map<string, string>([
        ['databaseUrl', database.url],
        ['apiKey', o.profile.auth.apiKey],
        ['authHeader', o.profile.auth.header.toLowerCase()],
        ['runId', runId],
        ...Object.entries(o.profile.vars),
      ]);
      await phase('seed', async () => {
        const sql = await connect(database.url);
        try {
          const step = await seed(sql, o.profile, vars, ctx);
          if (!step.ok) throw cannotStart(step.finding, o);
          return { value: undefined, detail: step.detail };
        } finally {
          await sql.close(); // a template must have no open sessions
        }
      });
      const template = `mesher_triage_tpl_${runId}`;
      await phase('template', async () => {
        await database.cloneDatabase(migrated, template);
        return { value: undefined, detail: `${migrated} copied as ${template}; each replay gets its own copy` };
      });
      return new ReproSession(o, runId, files, original, database, template, vars, fixedUrl ? migrated : undefined);
    } catch (err) {
      await (db as Database | undefined)?.close();
      await (built as BuiltCandidate | undefined)?.dispose();
      throw err;
    }
  }

  /** Parallel candidates are possible unless the app has its database built in (they take turns). */
  get sharedDatabase(): boolean {
    return this.fixedName !== undefined;
  }

  /** Replays `scenario` up to step `upTo` on the original build. */
  replayOriginal(scenario: Scenario, upTo: number, signal: AbortSignal): Promise<Replay> {
    return this.track(this.replay(this.original.binaryPath, this.original.dir, scenario, upTo, signal));
  }

  /** Builds `candidate` and replays `scenario` up to step `upTo` on it. */
  replayCandidate(candidate: Candidate, scenario: Scenario, upTo: number, signal: AbortSignal): Promise<Replay> {
    return this.track(
      (async () => {
        const built = await buildApp(candidate, this.o.meshc, this.o.profile.build.timeoutS * 1000, false, signal);
        try {
          if (!built.binaryPath) return { built: false, ready: false, findings: [], detail: 'the candidate does not build' };
          return await this.replay(built.binaryPath, built.dir, scenario, upTo, signal);
        } finally {
          await built.dispose();
        }
      })(),
    );
  }

  /**
   * Candidates wait for readiness at most 4× as long as the original took, plus 2 s (at least
   * 3 s, at most the profile's timeout): a candidate that never serves must not cost 30 s.
   */
  calibrate(originalReadyMs: number): void {
    this.readyTimeoutMs = Math.min(this.o.profile.ready.timeoutS * 1000, Math.max(3_000, 4 * originalReadyMs + 2_000));
  }

  /** Waits for every replay still running (and its cleanup), drops the template, stops the database. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.running]);
    await this.db.dropDatabase(this.template).catch(() => undefined);
    await this.db.close();
    await this.original.dispose();
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    void work.finally(() => this.running.delete(work)).catch(() => undefined);
    return work;
  }

  /** Takes turns when the app has its database built in; runs at once otherwise. */
  private async turn<T>(body: () => Promise<T>): Promise<T> {
    if (!this.fixedName) return body();
    const before = this.queue;
    let done!: () => void;
    this.queue = new Promise<void>((resolve) => (done = resolve));
    try {
      await before;
      return await body();
    } finally {
      done();
    }
  }

  private replay(binary: string, dir: string, scenario: Scenario, upTo: number, signal: AbortSignal): Promise<Replay> {
    const n = ++this.replays;
    return this.turn(async () => {
      signal.throwIfAborted();
      const name = this.fixedName ?? `mesher_triage_${this.runId}_${n}`;
      const ports = await this.ports.lease(2);
      const [httpPort, wsPort] = ports as [number, number];
      const findings: Finding[] = [];
      const found = (f: Finding): void => void findings.push(f);
      let sql: SqlSession | undefined;
      let app: RunningApp | undefined;
      let log: AppLog | undefined;
      try {
        let url: string;
        try {
          if (this.fixedName) await this.db.dropDatabase(name);
          url = await this.db.cloneDatabase(this.template, name);
          sql = await connect(url);
        } catch (err) {
          signal.throwIfAborted();
          // The server went away or refuses: no candidate can run any more.
          throw new UserError(`cannot copy the template database for a replay: ${(err as Error).message}`, ExitCode.SETUP, 'check the database server (or drop --database-url to use an embedded one)');
        }
        const vars = new Map(this.vars).set('httpPort', String(httpPort)).set('wsPort', String(wsPort)).set('databaseUrl', url);
        log = new AppLog(2_000);
        const started = performance.now();
        app = startApp(binary, dir, appEnv(this.candidateProfile, vars), log);
        const httpBase = `http://127.0.0.1:${httpPort}`;
        const ready = await waitReady(app, log, httpBase, vars, this.ctx, found, { profile: this.candidateProfile, signal, timeoutMs: this.readyTimeoutMs });
        if (!ready.ok) return { built: true, ready: false, findings, detail: ready.detail };
        const readyMs = Math.round(performance.now() - started);
        const running = app;
        const base = { httpBase, wsBase: `ws://127.0.0.1:${wsPort}`, profile: this.candidateProfile, sql, vars, alive: running.alive, signal };
        const result = await runScenario(scenario, { profile: this.candidateProfile, app: running, log, base, ctx: this.ctx, found, upTo });
        const last = result.steps.at(-1);
        return { built: true, ready: true, findings, readyMs, result, detail: last ? `step ${last.index} (${last.name}): ${last.detail}` : result.notRun ?? '' };
      } finally {
        await app?.process.stop(CANDIDATE_STOP_GRACE_MS);
        await log?.close();
        await sql?.close();
        await this.db.dropDatabase(name).catch(() => undefined);
        this.ports.release(ports);
      }
    });
  }
}

/** The finding of `findings` that is `target`'s failure (same step, kind and signature), if any. */
export function matchTarget(findings: readonly Finding[], target: StepTarget): Finding | undefined {
  return findings.find((f) => f.where === target.scenario.name && f.step?.index === target.step && f.kind === target.kind && f.symptom.signature === target.signature);
}

/**
 * The reducer's oracle: build the candidate, replay up to the step, interesting when the step
 * fails the same way. The finding of each interesting candidate is kept in `seen` (by content
 * key), so the result's finding is known without another replay.
 */
export function appOracle(session: ReproSession, target: StepTarget, seen: Map<string, Finding>): Oracle {
  return async (candidate, signal) => {
    const abort = signal ?? session.o.signal;
    try {
      const replay = await session.replayCandidate(candidate, target.scenario, target.step, abort);
      const match = matchTarget(replay.findings, target);
      if (match) {
        seen.set(contentKey(candidate), match);
        return 'interesting';
      }
      return replay.built && !replay.ready && replay.findings.some((f) => f.symptom.code === 'never-ready') ? 'timeout' : 'boring';
    } catch (err) {
      if (abort.aborted) return 'boring'; // not cached: the engine drops answers to aborted calls
      throw err;
    }
  };
}

function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

function cannotStart(finding: Finding, o: ReproSessionOptions): UserError {
  return new UserError(
    `the app does not start, so no scenario step can fail: ${finding.message}`,
    ExitCode.NOT_REPRODUCIBLE,
    `see the whole startup with \`mesher-triage mesher run ${o.appDir}\`; a build failure is reduced by \`mesher-triage repro ${o.appDir}\` (without --scenario)`,
  );
}
