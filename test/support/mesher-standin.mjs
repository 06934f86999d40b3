#!/usr/bin/env node
// mesher-standin — a STAND-IN for a built Mesher binary, used with fake-meshc (a TEST DOUBLE
// of meshc). It is NOT Mesher and NOT compiled Mesh code. fake-meshc "builds" it when a rule
// says `then.run.server`: the built binary is a small script that runs this file with the
// JSON next to it (its behaviour). It serves a small subset of Mesher's HTTP and WebSocket
// API (docs/mesher.md lists it), honours the profile's environment variables (ports,
// database URL), really talks to PostgreSQL, and misbehaves where the JSON says so:
// crash, Mesh panic, caught handler panic, wrong status, hang, thread or memory growth.
// Everything here was written for this project.
//
// Usage: mesher-standin.mjs <behaviour.json>

import { createServer } from 'node:http';
import { appendFileSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { WebSocketServer } from 'ws';

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const envNames = { httpPort: 'PORT', wsPort: 'MESHER_WS_PORT', databaseUrl: 'DATABASE_URL', ...spec.env };
const startup = spec.startup ?? {};
const log = (line) => process.stdout.write(`${line}\n`);
const logErr = (line) => process.stderr.write(`${line}\n`);

for (const line of startup.logs ?? []) log(line);
if (startup.exit !== undefined) {
  if (startup.message) logErr(startup.message);
  process.exit(startup.exit);
}
if (spec.ignoreSigterm) process.on('SIGTERM', () => log('[standin] ignoring SIGTERM'));

const databaseUrl = spec.databaseUrl ?? process.env[envNames.databaseUrl];
if (!databaseUrl) {
  log(`[Mesher] Config error: Missing required environment variable ${envNames.databaseUrl}`);
  process.exit(1);
}
const httpPort = Number(process.env[envNames.httpPort] ?? 8080);
const wsPort = Number(process.env[envNames.wsPort] ?? 8081);

// `trace`: a file that gets a JSON line when this process starts serving and when it ends,
// with its ports and database, so a test can check that apps running at the same time never
// shared either (a SIGKILL leaves no end line: the test treats that as running to the end).
const trace = (event) => {
  if (!spec.trace) return;
  const database = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  appendFileSync(spec.trace, `${JSON.stringify({ event, pid: process.pid, httpPort, wsPort, database, at: Date.now() })}\n`);
};
trace('start');
process.on('exit', () => trace('end'));
if (spec.trace && !spec.ignoreSigterm) {
  process.once('SIGTERM', () => {
    trace('end');
    process.kill(process.pid, 'SIGTERM');
  });
}

log('[Mesher] Connecting to PostgreSQL pool...');
const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
pool.on('error', () => undefined);
try {
  await pool.query('SELECT 1');
} catch {
  log('[Mesher] Failed to connect to PostgreSQL');
  process.exit(0);
}
log('[Mesher] PostgreSQL pool ready');
if (startup.delayMs) await new Promise((r) => setTimeout(r, startup.delayMs));

// ---------------------------------------------------------------- faults

const faults = (spec.faults ?? []).map((f) => ({ ...f, seen: 0, re: f.on?.path ? new RegExp(`^(?:${f.on.path})$`) : null }));
const retained = [];
const workers = [];

/** The faults that apply to this request, side effects (growth) done here. */
function faultFor(method, path) {
  let terminal;
  for (const f of faults) {
    if (f.on?.method && f.on.method !== method) continue;
    if (f.re && !f.re.test(path)) continue;
    f.seen++;
    if (f.seen < (f.on?.from ?? 1)) continue;
    if (f.do === 'grow-memory') retained.push(Buffer.alloc((f.kb ?? 256) * 1024, 1));
    else if (f.do === 'grow-threads') {
      if (f.seen % (f.every ?? 25) === 0) workers.push(new Worker('setInterval(() => {}, 1 << 30);', { eval: true }));
    } else terminal ??= f;
  }
  return terminal;
}

function meshPanic(message) {
  trace('end');
  logErr(`thread '<unnamed>' (${process.pid}) panicked at compiler/mesh-rt/src/panic.rs:33:9:\nMesh panic at <unknown>:0: ${message}\nnote: run with \`RUST_BACKTRACE=1\` environment variable to display a backtrace`);
  logErr(`thread '<unnamed>' (${process.pid}) panicked at library/core/src/panicking.rs:225:5:\npanic in a function that cannot unwind\nthread caused non-unwinding panic. aborting.`);
  process.kill(process.pid, 'SIGABRT');
}

// ---------------------------------------------------------------- HTTP

const rooms = new Map();
function broadcast(projectId, message) {
  for (const socket of rooms.get(`project:${projectId}`) ?? []) socket.send(JSON.stringify(message));
}

const send = (res, status, body) => {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json; charset=utf-8', connection: 'close' });
  res.end(text);
};

async function projectId(idOrSlug) {
  if (idOrSlug.length === 36) return idOrSlug;
  const rows = (await pool.query('SELECT id::text AS id FROM projects WHERE slug = $1', [idOrSlug])).rows;
  return rows[0]?.id;
}

async function ingest(req, body) {
  const key = req.headers['x-sentry-auth'] ?? req.headers.authorization;
  const keyRows = key ? (await pool.query('SELECT project_id::text AS p FROM api_keys WHERE key_value = $1 AND revoked_at IS NULL', [key])).rows : [];
  if (keyRows.length === 0) return [401, { error: 'unauthorized' }];
  const project = keyRows[0].p;
  let event;
  try {
    event = JSON.parse(body);
  } catch (err) {
    return [400, { error: `invalid input syntax for type json: ${err.message}` }];
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return [400, { error: 'event must be an object' }];
  const message = typeof event.message === 'string' ? event.message : '';
  const level = typeof event.level === 'string' ? event.level : 'error';
  const fingerprint = `msg:${message.replaceAll('0x', '').toLowerCase()}`;
  const issue = (
    await pool.query(
      `INSERT INTO issues (project_id, fingerprint, title, level, event_count) VALUES ($1, $2, $3, $4, 1)
       ON CONFLICT (project_id, fingerprint) DO UPDATE SET event_count = issues.event_count + 1, last_seen = now(),
         status = CASE WHEN issues.status = 'resolved' THEN 'unresolved' ELSE issues.status END
       RETURNING id::text AS id`,
      [project, fingerprint, message || 'Untitled', level],
    )
  ).rows[0].id;
  await pool.query('INSERT INTO events (project_id, issue_id, level, message, fingerprint) VALUES ($1, $2, $3, $4, $5)', [project, issue, level, message, fingerprint]);
  broadcast(project, { type: 'event', issue_id: issue, data: event });
  const count = (await pool.query("SELECT count(*)::int AS n FROM issues WHERE project_id = $1 AND status = 'unresolved'", [project])).rows[0].n;
  broadcast(project, { type: 'issue_count', project_id: project, count });
  return [202, { status: 'accepted' }];
}

const ACTIONS = { resolve: 'resolved', unresolve: 'unresolved', archive: 'archived', discard: 'discarded' };

async function route(req, path, query, body) {
  let m;
  if (req.method === 'POST' && path === '/api/v1/events') return ingest(req, body);
  if (req.method === 'GET' && (m = /^\/api\/v1\/projects\/([^/]+)\/(settings|storage|issues|dashboard\/health)$/.exec(path))) {
    const project = await projectId(m[1]);
    if (!project) return [500, { error: 'invalid input syntax for type uuid: ""' }];
    if (m[2] === 'settings') {
      if (startup.neverReady) return [503, { error: 'starting' }];
      const rows = (await pool.query('SELECT retention_days, sample_rate FROM projects WHERE id = $1', [project])).rows;
      return rows[0] ? [200, rows[0]] : [404, { error: 'project not found' }];
    }
    if (m[2] === 'storage') {
      const n = (await pool.query('SELECT count(*)::int AS n FROM events WHERE project_id = $1', [project])).rows[0].n;
      return [200, { event_count: n, estimated_bytes: n * 1024 }];
    }
    if (m[2] === 'dashboard/health') {
      const row = (await pool.query("SELECT (SELECT count(*)::int FROM issues WHERE project_id = $1 AND status = 'unresolved') AS unresolved_count, (SELECT count(*)::int FROM events WHERE project_id = $1) AS events_24h, (SELECT count(*)::int FROM issues WHERE project_id = $1 AND first_seen > now() - interval '1 day') AS new_today", [project])).rows[0];
      return [200, row];
    }
    const status = query.get('status') ?? '';
    const rows = (await pool.query("SELECT id::text AS id, title, level, status, event_count, first_seen::text, last_seen::text, coalesce(assigned_to::text, '') AS assigned_to FROM issues WHERE project_id = $1 AND ($2 = '' OR status = $2) ORDER BY last_seen DESC LIMIT 25", [project, status])).rows;
    return [200, { data: rows, has_more: rows.length === 25 }];
  }
  if (req.method === 'GET' && (m = /^\/api\/v1\/issues\/([^/]+)\/events$/.exec(path))) {
    const rows = (await pool.query('SELECT id::text AS id, level, message, received_at::text FROM events WHERE issue_id::text = $1 ORDER BY received_at DESC LIMIT 25', [m[1]])).rows;
    return [200, { data: rows, has_more: rows.length === 25 }];
  }
  if (req.method === 'POST' && (m = /^\/api\/v1\/issues\/([^/]+)\/(resolve|unresolve|archive|discard|assign)$/.exec(path))) {
    const issue = (await pool.query('SELECT project_id::text AS p FROM issues WHERE id::text = $1', [m[1]])).rows[0];
    if (!issue) return [404, { error: 'issue not found' }];
    if (m[2] === 'assign') {
      const user = JSON.parse(body || '{}').user_id ?? '';
      await pool.query('UPDATE issues SET assigned_to = $2 WHERE id::text = $1', [m[1], user === '' ? null : user]);
      broadcast(issue.p, { type: 'issue', action: 'assigned', issue_id: m[1] });
      return [200, { status: 'ok' }];
    }
    await pool.query('UPDATE issues SET status = $2 WHERE id::text = $1', [m[1], ACTIONS[m[2]]]);
    broadcast(issue.p, { type: 'issue', action: ACTIONS[m[2]], issue_id: m[1] });
    return [200, { status: 'ok' }];
  }
  return [404, 'Not Found'];
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const url = new URL(req.url, 'http://standin');
    const fault = faultFor(req.method, url.pathname);
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    switch (fault?.do) {
      case 'crash':
        if (fault.message) logErr(fault.message);
        trace('end');
        return process.kill(process.pid, fault.signal ?? 'SIGSEGV');
      case 'panic':
        return meshPanic(fault.message ?? 'non-exhaustive match in switch');
      case 'handler-panic':
        logErr(`thread '<unnamed>' (${process.pid}) panicked at compiler/mesh-rt/src/http/server.rs:310:17:\n${fault.message ?? 'called `Option::unwrap()` on a `None` value'}`);
        logErr('[mesh-rt] HTTP handler panicked');
        return req.socket.destroy();
      case 'hang':
        return undefined;
      case 'status':
        return send(res, fault.status ?? 500, fault.body ?? { error: 'stand-in fault' });
      default:
        break;
    }
    try {
      const [status, body] = await route(req, url.pathname, url.searchParams, Buffer.concat(chunks).toString('utf8'));
      send(res, status, body);
    } catch (err) {
      send(res, 500, { error: err.message });
    }
  });
});

const wss = new WebSocketServer({ port: wsPort, host: '0.0.0.0' });
wss.on('connection', (socket, req) => {
  const stream = /\/stream\/projects\/([^/?]+)/.exec(req.url ?? '');
  if (stream) {
    const room = `project:${stream[1]}`;
    if (!rooms.has(room)) rooms.set(room, new Set());
    rooms.get(room).add(socket);
    socket.on('close', () => rooms.get(room)?.delete(socket));
    socket.on('message', () => socket.send(JSON.stringify({ type: 'filters_updated' })));
    return;
  }
  if (!req.headers['x-sentry-auth'] && !req.headers.authorization) return socket.close(1008, 'rejected');
  socket.on('message', () => socket.send(JSON.stringify({ error: 'invalid input syntax for type uuid: "ws-project"' })));
});
wss.on('listening', () => log(`[Mesher] WebSocket server starting on :${wsPort}`));
server.listen(httpPort, '127.0.0.1', () => {
  log(`[Mesher] HTTP server starting on :${httpPort}`);
  logErr(`[mesh-rt] HTTP server listening on 127.0.0.1:${httpPort}`);
});
server.on('error', (err) => {
  log(`[Mesher] HTTP server failed: ${err.message}`);
  process.exit(0);
});
