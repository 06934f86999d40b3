/**
 * Test helpers for the Mesher harness without a real meshc: a small app folder (Mesh files
 * written here, never compiled for real) and a fake-meshc (the meshc TEST DOUBLE) whose
 * rules "build" it into test/support/mesher-standin.mjs, a STAND-IN server whose behaviour
 * the rules set. See docs/fake-meshc.md ("Stand-in servers").
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { makeFakeMeshc, type FakeMeshc, type FakeRule } from './fake-meshc.js';

export const STANDIN_SCHEMA = join(import.meta.dirname, 'mesher-standin-schema.sql');

/** What the stand-in does (the JSON next to its "binary"; read by mesher-standin.mjs). */
export interface StandinBehaviour {
  /** Environment variable names it reads (defaults: PORT, MESHER_WS_PORT, DATABASE_URL). */
  env?: { httpPort?: string; wsPort?: string; databaseUrl?: string };
  /** A built-in database URL (the app ignores its environment for it). */
  databaseUrl?: string;
  startup?: { logs?: string[]; exit?: number; message?: string; delayMs?: number; neverReady?: boolean };
  ignoreSigterm?: boolean;
  /** A file that gets a JSON line (pid, ports, database, time) when the stand-in starts and ends. */
  trace?: string;
  faults?: Array<{
    on?: { method?: string; path?: string; from?: number };
    do: 'crash' | 'panic' | 'handler-panic' | 'hang' | 'status' | 'grow-threads' | 'grow-memory';
    signal?: string;
    status?: number;
    body?: unknown;
    message?: string;
    every?: number;
    kb?: number;
    delayMs?: number;
  }>;
}

export interface StandinApp {
  /** The app folder (main.mpl, config.mpl, migrations/). */
  dir: string;
  meshc: FakeMeshc;
  cleanup(): Promise<void>;
}

export interface StandinOptions {
  dialect?: 'february' | 'april';
  server?: StandinBehaviour;
  /** The migration: SQL to apply (default: the stand-in schema) or a failure message. */
  migrate?: { sql?: string[]; fail?: string };
  /** Extra rules tried before the stand-in rule (e.g. a build failure). */
  rules?: FakeRule[];
  /** Leave out main.mpl. */
  noMain?: boolean;
  /** The app's Mesh files (path → text) instead of the one-line main.mpl (e.g. MESHER_LIKE_APP). */
  files?: Record<string, string>;
  /** Without the catch-all stand-in rule, a build no rule matches makes a program that prints and exits (default true). */
  fallback?: boolean;
}

export async function makeStandinApp(options: StandinOptions = {}): Promise<StandinApp> {
  const dir = await mkdtemp(join(tmpdir(), 'mesher-standin-app-'));
  await mkdir(join(dir, 'migrations'));
  if (options.files) {
    for (const [path, text] of Object.entries(options.files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
  } else {
    if (!options.noMain) await writeFile(join(dir, 'main.mpl'), 'fn main() do\n  println("stand-in app: the fake meshc replaces this with a stand-in server")\nend\n');
    if ((options.dialect ?? 'april') === 'april') await writeFile(join(dir, 'config.mpl'), 'pub fn http_port() -> Int do\n  8080\nend\n');
    await writeFile(join(dir, 'migrations', '20260101000000_create_schema.mpl'), 'pub fn up(pool) do\n  0\nend\n');
  }
  const schema = await readFile(STANDIN_SCHEMA, 'utf8');
  const meshc = await makeFakeMeshc({
    dialect: options.dialect ?? 'april',
    rules: [...(options.rules ?? []), ...(options.fallback === false ? [] : [{ name: 'mesher-standin', then: { run: { server: options.server ?? {} } } }])],
    migrate: options.migrate ?? { sql: [schema] },
  });
  return {
    dir,
    meshc,
    async cleanup() {
      await meshc.cleanup();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A small Mesher-like app (9 files, written for these tests; never compiled): routes, a rate
 * limiter service whose `CheckLimit` replies a Bool, a writer service, auth, settings and
 * dashboard handlers, configuration, one migration. `PLANTED_FAILURE_RULES` key the stand-in's behaviour on
 * its shapes, so that a reduction has something to keep and much to drop.
 */
export const MESHER_LIKE_APP: Record<string, string> = {
  'main.mpl': `# A small Mesher-like app, written for mesher-triage's tests. fake-meshc (the meshc TEST
# DOUBLE) never compiles it: its rules look at the source's shape and build a stand-in server.
from Services.RateLimiter import RateLimiter
from Services.Writer import EventWriter
from Ingestion.Routes import handle_event
from Api.Settings import handle_settings, handle_storage
from Api.Dashboard import handle_health, handle_issues
from Config import env_or, port_of

fn start_services(pool :: PoolHandle) do
  let limiter = RateLimiter.start(60, 1000)
  let writer = EventWriter.start(pool)
  println("[Mesher] services started")
  HTTP.serve((HTTP.router()
    |> HTTP.on_post("/api/v1/events", handle_event)
    |> HTTP.on_get("/api/v1/projects/:project_id/settings", handle_settings)
    |> HTTP.on_get("/api/v1/projects/:project_id/storage", handle_storage)
    |> HTTP.on_get("/api/v1/projects/:project_id/dashboard/health", handle_health)
    |> HTTP.on_get("/api/v1/projects/:project_id/issues", handle_issues)), port_of("PORT", 8080))
end

fn main() do
  println("[Mesher] Connecting to PostgreSQL pool...")
  case Pool.open(env_or("DATABASE_URL", ""), 1, 4, 5000) do
    Ok(pool) -> start_services(pool)
    Err(reason) -> println("[Mesher] Failed to connect: \${reason}")
  end
end
`,
  'config.mpl': `# Configuration from the environment, with defaults.
pub fn env_or(name :: String, fallback :: String) -> String do
  case Env.get(name) do
    Some(value) -> value
    None -> fallback
  end
end

pub fn port_of(name :: String, fallback :: Int) -> Int do
  case String.to_int(env_or(name, "")) do
    Some(port) -> port
    None -> fallback
  end
end
`,
  'services/rate_limiter.mpl': `# Counts events per project in a fixed window.
struct Window do
  limit :: Int
  seconds :: Int
  counts :: Map<String, Int>
end

service RateLimiter do
  fn init(seconds :: Int, limit :: Int) -> Window do
    Window { limit: limit, seconds: seconds, counts: Map.new() }
  end

  call CheckLimit(project :: String) :: Bool do |state|
    let seen = Map.get(state.counts, project)
    let allowed = seen < state.limit
    let next = %{state | counts: Map.put(state.counts, project, seen + 1)}
    (next, allowed)
  end

  cast Reset() do |state|
    %{state | counts: Map.new()}
  end
end
`,
  'services/writer.mpl': `# Buffers events and writes them in batches.
service EventWriter do
  fn init(pool :: PoolHandle) -> List<String> do
    []
  end

  cast Store(event :: String) do |buffer|
    List.append(buffer, event)
  end

  call Flush() :: Int do |buffer|
    ([], List.length(buffer))
  end
end
`,
  'ingestion/routes.mpl': `from Services.RateLimiter import RateLimiter
from Ingestion.Auth import project_for_key

fn accepted() do
  HTTP.response(202, "{\\"status\\":\\"accepted\\"}")
end

fn limited() do
  HTTP.response(429, "{\\"error\\":\\"rate limited\\"}")
end

pub fn handle_event(request) do
  let project = project_for_key(Request.header(request, "x-sentry-auth"))
  let limiter = Process.whereis("rate_limiter")
  if RateLimiter.check_limit(limiter, project) do
    accepted()
  else
    limited()
  end
end
`,
  'ingestion/auth.mpl': `pub fn project_for_key(key) -> String do
  case key do
    Some(value) -> value
    None -> ""
  end
end
`,
  'api/settings.mpl': `pub fn handle_settings(request) do
  HTTP.response(200, "{\\"retention_days\\":90,\\"sample_rate\\":1.0}")
end

pub fn handle_storage(request) do
  HTTP.response(200, "{\\"event_count\\":0,\\"estimated_bytes\\":0}")
end
`,
  'api/dashboard.mpl': `pub fn handle_health(request) do
  HTTP.response(200, "{\\"unresolved_count\\":0,\\"events_24h\\":0,\\"new_today\\":0}")
end

pub fn handle_issues(request) do
  let status = Request.query(request, "status")
  HTTP.response(200, "{\\"data\\":[],\\"has_more\\":false}")
end
`,
  'migrations/20260101000000_create_schema.mpl': `pub fn up(pool) do
  Pool.execute(pool, "CREATE TABLE projects (id uuid PRIMARY KEY)", [])
end
`,
};

/**
 * February's recorded ingest failure, planted on source shapes: while the source has a
 * service call handler `CheckLimit(…) :: Bool`, a call of it and the events route, the
 * stand-in answers the first event 429 and dies of SIGSEGV on the next. With the events
 * route and HTTP.serve but not the rest, it serves normally; without them, no rule matches
 * and the "binary" prints and exits (use with `fallback: false`). `server` adds to both
 * stand-ins' behaviour (a trace file, a built-in database URL, …).
 */
export function plantedFailureRules(server: StandinBehaviour = {}): FakeRule[] {
  const serve = '(?=[\\s\\S]*HTTP\\.serve)(?=[\\s\\S]*HTTP\\.on_post\\("/api/v1/events")';
  return [
    {
      name: 'bool reply of a service call (planted)',
      when: { source: `^${serve}(?=[\\s\\S]*call CheckLimit\\([^)]*\\) :: Bool)(?=[\\s\\S]*RateLimiter\\.check_limit\\()` },
      then: {
        run: {
          server: {
            ...server,
            faults: [
              { on: { method: 'POST', path: '/api/v1/events', from: 2 }, do: 'crash', signal: 'SIGSEGV' },
              { on: { method: 'POST', path: '/api/v1/events' }, do: 'status', status: 429, body: { error: 'rate limited' } },
            ],
          },
        },
      },
    },
    { name: 'serves', when: { source: `^${serve}` }, then: { run: { server } } },
  ];
}

/** A copy of a built-in profile (mesher/profiles) with some fields changed, written to `path`. */
export async function writeProfile(path: string, base: 'april' | 'february', change: Record<string, unknown>): Promise<string> {
  const profile = JSON.parse(await readFile(join(import.meta.dirname, '../../mesher/profiles', `${base}.json`), 'utf8')) as Record<string, unknown>;
  await writeFile(path, JSON.stringify({ ...profile, ...change }, null, 2));
  return path;
}

export function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

export async function freeLoopbackPort(): Promise<number> {
  const server = await listen(0);
  const address = server.address();
  await new Promise((r) => server.close(r));
  return typeof address === 'object' && address ? address.port : 0;
}
