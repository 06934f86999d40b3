import WebSocket from 'ws';
import { matchJson, pick, show } from './match.js';
import type { SqlSession } from './sql.js';
import { fill, fillJson, type Vars } from './template.js';
import type { HttpStep, Profile, RepeatStep, SqlStep, Step, WaitUntilStep, WsStep } from './types.js';

/** What a step needs from the run. */
export interface StepContext {
  httpBase: string;
  wsBase: string;
  profile: Profile;
  sql: SqlSession;
  /** Template variables: the profile's, plus what earlier steps captured. */
  vars: Map<string, string>;
  /** False once the app process has exited. */
  alive(): boolean;
  /** Counts one request sent to the app (for the watch). */
  countRequest(): void;
  signal: AbortSignal;
  connections: Map<string, WsConnection>;
}

/** One way a step failed. `hang`: no answer in time; `noAnswer`: the connection closed unanswered. */
export interface Failure {
  code: string;
  message: string;
  request?: string;
  status?: number;
  body?: string;
  expected?: string;
  hang?: boolean;
  noAnswer?: boolean;
  /** A fact for the evidence that must not change the signature (e.g. how many iterations failed). */
  note?: string;
}

export interface StepOutcome {
  failures: Failure[];
  detail: string;
}

export async function runStep(step: Step, ctx: StepContext): Promise<StepOutcome> {
  switch (step.kind) {
    case 'http': {
      const r = await runHttp(step, ctx, ctx.vars);
      if (!r.failure) captureInto(ctx.vars, step.capture, r.json, r);
      return outcome(r.failure, r.detail);
    }
    case 'sql': {
      const r = await runSql(step, ctx, ctx.vars);
      if (!r.failure) captureInto(ctx.vars, step.capture, r.rows, r);
      return outcome(r.failure, r.detail);
    }
    case 'ws':
      return runWs(step, ctx);
    case 'wait-until':
      return runWaitUntil(step, ctx);
    case 'repeat':
      return runRepeat(step, ctx);
  }
}

function outcome(failure: Failure | undefined, detail: string): StepOutcome {
  return { failures: failure ? [failure] : [], detail: failure ? failure.message : detail };
}

/** The route as the scenario wrote it, without the leading slash (signatures must not read it as a file path). */
export function routeOf(step: HttpStep): string {
  return `${step.method} ${step.path.replace(/^\/+/, '')}`;
}

// ------------------------------------------------------------------------------------------
// http

interface HttpResult {
  failure?: Failure;
  detail: string;
  json?: unknown;
}

async function runHttp(step: HttpStep, ctx: StepContext, vars: Vars): Promise<HttpResult> {
  const route = routeOf(step);
  const path = fill(step.path, vars);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(step.headers)) headers[fill(name, vars).toLowerCase()] = fill(value, vars);
  if (step.auth) headers[ctx.profile.auth.header.toLowerCase()] = ctx.profile.auth.apiKey;
  let body: string | undefined;
  if (step.body !== undefined) {
    body = typeof step.body === 'string' ? fill(step.body, vars) : JSON.stringify(fillJson(step.body, vars));
    if (typeof step.body !== 'string' && !headers['content-type']) headers['content-type'] = 'application/json';
  }
  const request = `${step.method} ${path}${body !== undefined ? ` ${clip(body, 300)}` : ''}`;
  ctx.countRequest();
  const started = performance.now();
  let status: number;
  let text: string;
  const limit = deadline(step.timeoutMs, ctx.signal);
  try {
    const response = await fetch(`${ctx.httpBase}${path}`, { method: step.method, headers, body, redirect: 'manual', signal: limit.signal });
    status = response.status;
    text = await response.text();
  } catch (err) {
    ctx.signal.throwIfAborted();
    const reason = limit.expired() ? null : causeOf(err);
    if (reason === null) {
      return { detail: '', failure: { code: 'timeout', hang: true, request, message: `${route}: no answer within ${step.timeoutMs} ms` } };
    }
    return { detail: '', failure: { code: 'no-response', noAnswer: true, request, message: `${route}: no answer, the connection failed (${reason})` } };
  } finally {
    limit.clear();
  }
  const ms = Math.round(performance.now() - started);
  const seen = { request, status, body: clip(text, 2000) };
  const expect = step.expect;
  if (expect.status && !expect.status.includes(status)) {
    return { detail: '', failure: { ...seen, code: `status-${status}`, expected: `status ${expect.status.join(' or ')}`, message: `${route}: status ${status}, expected ${expect.status.join(' or ')}: ${clip(text, 200)}` } };
  }
  let json: unknown;
  if (expect.json !== undefined || Object.keys(step.capture).length > 0) {
    try {
      json = JSON.parse(text);
    } catch {
      return { detail: '', failure: { ...seen, code: 'not-json', expected: 'a JSON body', message: `${route}: the body is not JSON: ${clip(text, 200)}` } };
    }
  }
  if (expect.json !== undefined) {
    const wanted = fillJson(expect.json, vars);
    const miss = matchJson(wanted, json);
    if (miss) return { detail: '', failure: { ...seen, code: 'body', expected: show(wanted, 500), message: `${route}: body differs at ${miss}` } };
  }
  if (expect.bodyIncludes !== undefined && !text.includes(fill(expect.bodyIncludes, vars))) {
    return { detail: '', failure: { ...seen, code: 'body', expected: `a body containing ${JSON.stringify(expect.bodyIncludes)}`, message: `${route}: the body lacks ${JSON.stringify(expect.bodyIncludes)}: ${clip(text, 200)}` } };
  }
  if (expect.maxLatencyMs !== undefined && ms > expect.maxLatencyMs) {
    return { detail: '', failure: { ...seen, code: 'latency', expected: `an answer within ${expect.maxLatencyMs} ms`, message: `${route}: answered in ${ms} ms, over the ${expect.maxLatencyMs} ms allowed` } };
  }
  return { detail: `${status} in ${ms} ms`, json };
}

function causeOf(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}

// ------------------------------------------------------------------------------------------
// sql

interface SqlResult {
  failure?: Failure;
  detail: string;
  rows?: Record<string, unknown>[];
}

async function runSql(step: SqlStep, ctx: StepContext, vars: Vars): Promise<SqlResult> {
  const query = fill(step.query, vars);
  const request = `SQL ${clip(query.replace(/\s+/g, ' '), 300)}`;
  let rows: Record<string, unknown>[];
  try {
    rows = await ctx.sql.query(query, step.params.map((p) => fill(p, vars)), step.timeoutMs);
  } catch (err) {
    return { detail: '', failure: { code: 'sql-error', request, message: `${step.name}: the query failed: ${(err as Error).message}` } };
  }
  const seen = { request, body: clip(show(rows, 2000), 2000) };
  if (step.expect.rowCount !== undefined && rows.length !== step.expect.rowCount) {
    return { detail: '', failure: { ...seen, code: 'rows', expected: `${step.expect.rowCount} row(s)`, message: `${step.name}: ${rows.length} row(s), expected ${step.expect.rowCount}` } };
  }
  if (step.expect.rows !== undefined) {
    const wanted = fillJson(step.expect.rows, vars);
    const miss = matchJson(wanted, rows);
    if (miss) return { detail: '', failure: { ...seen, code: 'rows', expected: show(wanted, 500), message: `${step.name}: rows differ at ${miss}` } };
  }
  return { detail: `${rows.length} row(s)`, rows };
}

function captureInto(vars: Map<string, string>, capture: Record<string, string>, from: unknown, result: { failure?: Failure; detail: string }): void {
  for (const [name, path] of Object.entries(capture)) {
    const value = pick(from, path);
    if (value === undefined || value === null || typeof value === 'object') {
      result.failure = { code: 'capture', message: `capture ${name}: nothing usable at '${path}' in ${show(from, 200)}` };
      return;
    }
    vars.set(name, String(value));
  }
}

// ------------------------------------------------------------------------------------------
// ws

/** An open WebSocket connection of a scenario, with the frames it received so far. */
export interface WsConnection {
  socket: WebSocket;
  frames: string[];
  /** Frames before this index were looked at by an earlier expectation. */
  cursor: number;
  opened: boolean;
  closed: { code: number } | null;
  error: string | null;
  changed: () => Promise<void>;
}

function openConnection(url: string, headers: Record<string, string>): WsConnection {
  const socket = new WebSocket(url, { headers, handshakeTimeout: 10_000 });
  let wake: () => void = () => undefined;
  let waiting = new Promise<void>((resolve) => (wake = resolve));
  const poke = (): void => {
    wake();
    waiting = new Promise<void>((resolve) => (wake = resolve));
  };
  const connection: WsConnection = {
    socket,
    frames: [],
    cursor: 0,
    opened: false,
    closed: null,
    error: null,
    changed: () => waiting,
  };
  socket.on('open', () => {
    connection.opened = true;
    poke();
  });
  socket.on('message', (data: WebSocket.RawData) => {
    connection.frames.push(Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8'));
    poke();
  });
  socket.on('close', (code: number) => {
    connection.closed = { code };
    poke();
  });
  socket.on('error', (err: Error) => {
    connection.error = err.message;
    poke();
  });
  return connection;
}

async function runWs(step: WsStep, ctx: StepContext): Promise<StepOutcome> {
  const what = `ws ${step.connection}`;
  let connection = ctx.connections.get(step.connection);
  const deadline = Date.now() + step.withinMs;
  const waitFor = async (done: (c: WsConnection) => boolean): Promise<boolean> => {
    while (!done(connection!)) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      ctx.signal.throwIfAborted();
      await Promise.race([connection!.changed(), sleep(Math.min(left, 250))]);
    }
    return true;
  };
  if (step.path !== undefined) {
    connection?.socket.terminate();
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(step.headers)) headers[fill(name, ctx.vars).toLowerCase()] = fill(value, ctx.vars);
    ctx.countRequest();
    connection = openConnection(`${ctx.wsBase}${fill(step.path, ctx.vars)}`, headers);
    ctx.connections.set(step.connection, connection);
  }
  if (!connection) return outcome({ code: 'ws-no-connection', message: `${what}: no open connection named '${step.connection}' (open it with a step that has a path)` }, '');
  const request = `WS ${step.path ? fill(step.path, ctx.vars) : step.connection}`;
  if (step.expect.close !== undefined) {
    const closed = await waitFor((c) => c.closed !== null);
    if (!closed) return outcome({ code: 'ws-close', request, expected: `close ${step.expect.close}`, hang: true, message: `${what}: not closed within ${step.withinMs} ms, expected close ${step.expect.close}` }, '');
    if (connection.closed!.code !== step.expect.close) {
      return outcome({ code: `ws-close-${connection.closed!.code}`, request, expected: `close ${step.expect.close}`, message: `${what}: closed with ${connection.closed!.code}, expected ${step.expect.close}` }, '');
    }
    return outcome(undefined, `closed with ${connection.closed!.code}`);
  }
  const opened = await waitFor((c) => c.opened || c.closed !== null || c.error !== null);
  if (!opened || !connection.opened) {
    const why = connection.error ?? (connection.closed ? `closed with ${connection.closed.code}` : `no upgrade within ${step.withinMs} ms`);
    return outcome({ code: 'ws-open', request, hang: !opened, message: `${what}: could not open (${why})` }, '');
  }
  if (step.send !== undefined) {
    if (connection.closed) return outcome({ code: 'ws-closed', request, message: `${what}: closed (${connection.closed.code}) before the frame could be sent` }, '');
    connection.socket.send(typeof step.send === 'string' ? fill(step.send, ctx.vars) : JSON.stringify(fillJson(step.send, ctx.vars)));
  }
  const wantFrame = step.expect.frame !== undefined ? fillJson(step.expect.frame, ctx.vars) : undefined;
  const wantText = step.expect.frameIncludes !== undefined ? fill(step.expect.frameIncludes, ctx.vars) : undefined;
  if (wantFrame === undefined && wantText === undefined) {
    if (step.close) connection.socket.close(1000);
    return outcome(undefined, step.path ? 'open' : 'sent');
  }
  const matches = (frame: string): boolean => {
    if (wantText !== undefined && !frame.includes(wantText)) return false;
    if (wantFrame === undefined) return true;
    try {
      return matchJson(wantFrame, JSON.parse(frame)) === null;
    } catch {
      return false;
    }
  };
  const found = await waitFor((c) => {
    while (c.cursor < c.frames.length) if (matches(c.frames[c.cursor++]!)) return true;
    return c.closed !== null;
  });
  const expected = wantFrame !== undefined ? show(wantFrame, 500) : `a frame containing ${JSON.stringify(wantText)}`;
  const seen = connection.frames.slice(-5).map((f) => clip(f, 300)).join('\n');
  if (!found || !connection.frames.some(matches)) {
    const why = connection.closed ? `the connection closed (${connection.closed.code})` : `nothing matching within ${step.withinMs} ms`;
    return outcome({ code: 'ws-frame', request, expected, body: seen, message: `${what}: no frame like ${show(step.expect.frame ?? step.expect.frameIncludes, 160)}, ${why}; ${connection.frames.length} frame(s) received` }, '');
  }
  if (step.close) connection.socket.close(1000);
  return outcome(undefined, `frame received (${connection.frames.length} so far)`);
}

export function closeConnections(connections: Map<string, WsConnection>): void {
  for (const c of connections.values()) c.socket.terminate();
  connections.clear();
}

// ------------------------------------------------------------------------------------------
// wait-until, repeat

async function runWaitUntil(step: WaitUntilStep, ctx: StepContext): Promise<StepOutcome> {
  const deadline = Date.now() + step.timeoutMs;
  let attempts = 0;
  for (;;) {
    attempts++;
    const r = step.step.kind === 'http' ? await runHttp(step.step, ctx, ctx.vars) : await runSql(step.step, ctx, ctx.vars);
    if (!r.failure) {
      const from = 'json' in r ? r.json : 'rows' in r ? r.rows : undefined;
      captureInto(ctx.vars, step.step.capture, from, r);
      if (!r.failure) return outcome(undefined, `held after ${attempts} attempt(s)`);
    }
    if (Date.now() + step.intervalMs > deadline || !ctx.alive()) {
      const failure = r.failure!;
      return outcome({ ...failure, hang: false, message: `still not true after ${step.timeoutMs} ms (${attempts} attempts): ${failure.message}` }, '');
    }
    await sleep(step.intervalMs, ctx.signal);
  }
}

/**
 * Runs the inner steps `count` times with `concurrency` workers (`${i}` is the iteration,
 * from 0). Failures are grouped by inner step and kind: "37 of 2000 failed like this".
 * Stops early when the app is gone or stops answering.
 */
async function runRepeat(step: RepeatStep, ctx: StepContext): Promise<StepOutcome> {
  const groups = new Map<string, { failure: Failure; count: number }>();
  let next = 0;
  let done = 0;
  let stop = '';
  const worker = async (): Promise<void> => {
    while (next < step.count && !stop) {
      const i = next++;
      const vars = new Map(ctx.vars).set('i', String(i));
      for (const [k, inner] of step.steps.entries()) {
        const r = inner.kind === 'http' ? await runHttp(inner, ctx, vars) : await runSql(inner, ctx, vars);
        if (r.failure) {
          const key = `${k}|${r.failure.code}`;
          const group = groups.get(key);
          if (group) group.count++;
          else groups.set(key, { failure: r.failure, count: 1 });
          if (!ctx.alive()) stop = 'the app exited';
          else if (r.failure.hang) stop = 'the app stopped answering';
          break;
        }
      }
      done++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(step.concurrency, step.count) }, worker));
  const failures = [...groups.values()].map(({ failure, count }) => ({ ...failure, note: `${count} of ${done} iteration(s) of the repeat failed like this` }));
  const stopped = stop ? `; stopped after ${done} of ${step.count}: ${stop}` : '';
  return { failures, detail: failures.length ? `${failures[0]!.note}: ${failures[0]!.message}${stopped}` : `${done} iteration(s), concurrency ${Math.min(step.concurrency, step.count)}${stopped}` };
}

/**
 * A signal that aborts after `ms` or with `parent`. (AbortSignal.any over AbortSignal.timeout
 * was seen never to fire under load on Node 20, leaving a request to a hung server waiting
 * forever; a plain timer does not have that problem.)
 */
export function deadline(ms: number, parent: AbortSignal): { signal: AbortSignal; expired(): boolean; clear(): void } {
  const controller = new AbortController();
  let expired = false;
  const onParent = (): void => controller.abort(parent.reason);
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new Error(`no answer within ${ms} ms`));
  }, ms);
  if (parent.aborted) onParent();
  else parent.addEventListener('abort', onParent, { once: true });
  return {
    signal: controller.signal,
    expired: () => expired,
    clear: () => {
      clearTimeout(timer);
      parent.removeEventListener('abort', onParent);
    },
  };
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}
