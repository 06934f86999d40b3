import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ExitCode, UserError } from '../types/index.js';
import { JsonReader } from './json-read.js';
import { MESHER_DATA_DIR } from './profiles.js';
import { placeholders } from './template.js';
import type { HttpStep, RepeatStep, Scenario, SqlStep, Step, WaitUntilStep, WsStep } from './types.js';

export const SCENARIOS_DIR = join(MESHER_DATA_DIR, 'scenarios');
/** Scenarios run when none is named, in this order. */
export const DEFAULT_SCENARIOS = ['smoke', 'bad-input', 'ingest', 'issue-lifecycle', 'websocket-stream'];

const HINT = 'the scenario format is in docs/mesher.md ("Scenarios")';
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
const DEFAULT_TIMEOUT_MS = 10_000;
export const MAX_REPEAT = 100_000;
export const MAX_CONCURRENCY = 64;

export async function loadScenario(file: string): Promise<Scenario> {
  const { reader, root } = await JsonReader.load(file, HINT);
  return readScenario(reader, root);
}

/** A scenario from a JSON value already parsed (repro builds them from a scenario's raw steps); errors name `source`. */
export function parseScenario(value: unknown, source: string): Scenario {
  return readScenario(new JsonReader(source, HINT), value);
}

function readScenario(r: JsonReader, root: unknown): Scenario {
  const file = r.file;
  const o = r.object(root, '', ['name', 'description', 'profiles', 'steps']);
  const stepsIn = r.array(o.steps, 'steps');
  if (stepsIn.length === 0) r.fail('steps', 'must have at least one step');
  return {
    name: r.nonEmpty(o.name, 'name'),
    description: r.optionalString(o.description, 'description', ''),
    source: file,
    profiles: r.stringArray(o.profiles, 'profiles'),
    steps: stepsIn.map((step, i) => readStep(r, step, `steps[${i}]`, true)),
  };
}

function readStep(r: JsonReader, value: unknown, path: string, topLevel: boolean): Step {
  const kind = r.string(r.object(value, path, Object.keys((value as object | null) ?? {})).kind, `${path}.kind`);
  switch (kind) {
    case 'http':
      return readHttp(r, value, path);
    case 'sql':
      return readSql(r, value, path);
    case 'ws':
      return readWs(r, value, path);
    case 'wait-until': {
      const o = r.object(value, path, ['kind', 'name', 'step', 'timeoutMs', 'intervalMs']);
      const inner = readStep(r, o.step, `${path}.step`, false);
      if (inner.kind !== 'http' && inner.kind !== 'sql') r.fail(`${path}.step.kind`, "must be 'http' or 'sql' inside wait-until");
      const step: WaitUntilStep = {
        kind: 'wait-until',
        name: r.optionalString(o.name, `${path}.name`, `until ${inner.name}`),
        step: inner,
        timeoutMs: r.optionalInt(o.timeoutMs, `${path}.timeoutMs`, 15_000, 1),
        intervalMs: r.optionalInt(o.intervalMs, `${path}.intervalMs`, 250, 10),
      };
      return step;
    }
    case 'repeat': {
      if (!topLevel) r.fail(`${path}.kind`, "'repeat' is only allowed at the top level of a scenario");
      const o = r.object(value, path, ['kind', 'name', 'count', 'concurrency', 'steps']);
      const inner = r.array(o.steps, `${path}.steps`).map((s, i) => readStep(r, s, `${path}.steps[${i}]`, false));
      if (inner.length === 0) r.fail(`${path}.steps`, 'must have at least one step');
      inner.forEach((s, i) => {
        if (s.kind !== 'http' && s.kind !== 'sql') r.fail(`${path}.steps[${i}].kind`, "must be 'http' or 'sql' inside repeat");
      });
      const count = r.int(o.count, `${path}.count`, 1, MAX_REPEAT);
      const step: RepeatStep = {
        kind: 'repeat',
        name: r.optionalString(o.name, `${path}.name`, `repeat ${count}×`),
        count,
        concurrency: r.optionalInt(o.concurrency, `${path}.concurrency`, 1, 1, MAX_CONCURRENCY),
        steps: inner as Array<HttpStep | SqlStep>,
      };
      return step;
    }
    default:
      return r.fail(`${path}.kind`, `unknown step kind '${kind}' (known: http, sql, ws, wait-until, repeat)`);
  }
}

function readHttp(r: JsonReader, value: unknown, path: string): HttpStep {
  const o = r.object(value, path, ['kind', 'name', 'method', 'path', 'headers', 'auth', 'body', 'expect', 'capture', 'timeoutMs']);
  const method = r.optionalString(o.method, `${path}.method`, 'GET').toUpperCase();
  if (!METHODS.includes(method)) r.fail(`${path}.method`, `must be one of ${METHODS.join(', ')}`);
  const target = r.nonEmpty(o.path, `${path}.path`);
  if (!target.startsWith('/')) r.fail(`${path}.path`, "must start with '/'");
  const e = r.object(o.expect ?? {}, `${path}.expect`, ['status', 'json', 'bodyIncludes', 'maxLatencyMs']);
  let status: number[] | undefined;
  if (e.status !== undefined) {
    status = Array.isArray(e.status) ? e.status.map((s, i) => r.int(s, `${path}.expect.status[${i}]`, 100, 599)) : [r.int(e.status, `${path}.expect.status`, 100, 599)];
    if (status.length === 0) r.fail(`${path}.expect.status`, 'must list at least one status');
  }
  return {
    kind: 'http',
    name: r.optionalString(o.name, `${path}.name`, `${method} ${target}`),
    method,
    path: target,
    headers: r.stringMap(o.headers, `${path}.headers`),
    auth: r.boolean(o.auth, `${path}.auth`, false),
    ...(o.body !== undefined ? { body: o.body } : {}),
    expect: {
      ...(status ? { status } : {}),
      ...(e.json !== undefined ? { json: e.json } : {}),
      ...(e.bodyIncludes !== undefined ? { bodyIncludes: r.string(e.bodyIncludes, `${path}.expect.bodyIncludes`) } : {}),
      ...(e.maxLatencyMs !== undefined ? { maxLatencyMs: r.int(e.maxLatencyMs, `${path}.expect.maxLatencyMs`, 1) } : {}),
    },
    capture: readCapture(r, o.capture, `${path}.capture`),
    timeoutMs: r.optionalInt(o.timeoutMs, `${path}.timeoutMs`, DEFAULT_TIMEOUT_MS, 1),
  };
}

function readSql(r: JsonReader, value: unknown, path: string): SqlStep {
  const o = r.object(value, path, ['kind', 'name', 'query', 'params', 'expect', 'capture', 'timeoutMs']);
  const query = r.nonEmpty(o.query, `${path}.query`);
  const e = r.object(o.expect ?? {}, `${path}.expect`, ['rows', 'rowCount']);
  return {
    kind: 'sql',
    name: r.optionalString(o.name, `${path}.name`, `sql ${query.replace(/\s+/g, ' ').slice(0, 50)}`),
    query,
    params: r.stringArray(o.params, `${path}.params`),
    expect: {
      ...(e.rows !== undefined ? { rows: r.array(e.rows, `${path}.expect.rows`) } : {}),
      ...(e.rowCount !== undefined ? { rowCount: r.int(e.rowCount, `${path}.expect.rowCount`, 0) } : {}),
    },
    capture: readCapture(r, o.capture, `${path}.capture`),
    timeoutMs: r.optionalInt(o.timeoutMs, `${path}.timeoutMs`, DEFAULT_TIMEOUT_MS, 1),
  };
}

function readWs(r: JsonReader, value: unknown, path: string): WsStep {
  const o = r.object(value, path, ['kind', 'name', 'connection', 'path', 'headers', 'send', 'expect', 'withinMs', 'close']);
  const connection = r.optionalString(o.connection, `${path}.connection`, 'ws');
  const target = o.path === undefined ? undefined : r.nonEmpty(o.path, `${path}.path`);
  if (target !== undefined && !target.startsWith('/')) r.fail(`${path}.path`, "must start with '/'");
  const e = r.object(o.expect ?? {}, `${path}.expect`, ['frame', 'frameIncludes', 'close']);
  const step: WsStep = {
    kind: 'ws',
    name: r.optionalString(o.name, `${path}.name`, target ? `ws ${target}` : `ws ${connection}`),
    connection,
    ...(target !== undefined ? { path: target } : {}),
    headers: r.stringMap(o.headers, `${path}.headers`),
    ...(o.send !== undefined ? { send: o.send } : {}),
    expect: {
      ...(e.frame !== undefined ? { frame: e.frame } : {}),
      ...(e.frameIncludes !== undefined ? { frameIncludes: r.string(e.frameIncludes, `${path}.expect.frameIncludes`) } : {}),
      ...(e.close !== undefined ? { close: r.int(e.close, `${path}.expect.close`, 1000, 4999) } : {}),
    },
    withinMs: r.optionalInt(o.withinMs, `${path}.withinMs`, 5_000, 1),
    close: r.boolean(o.close, `${path}.close`, false),
  };
  if (step.expect.close !== undefined && (step.expect.frame !== undefined || step.expect.frameIncludes !== undefined)) {
    r.fail(`${path}.expect`, "expects either a frame or a close, not both");
  }
  return step;
}

function readCapture(r: JsonReader, value: unknown, path: string): Record<string, string> {
  const capture = r.stringMap(value, path);
  for (const name of Object.keys(capture)) if (!/^[A-Za-z_]\w*$/.test(name)) r.fail(`${path}.${name}`, 'a variable name is letters, digits and _');
  return capture;
}

/**
 * Checks, before anything starts, that every `${name}` a step uses is known by then: one
 * of `available` (the profile's variables), captured by an earlier step, or `i` inside a
 * repeat. The error names the JSON path.
 */
export function checkScenarioVariables(scenario: Scenario, available: ReadonlySet<string>): void {
  const r = new JsonReader(scenario.source, HINT);
  const known = new Set(available);
  const check = (value: unknown, path: string, extra: readonly string[] = []): void => {
    for (const name of placeholders(value)) {
      if (!known.has(name) && !extra.includes(name)) {
        r.fail(path, `\${${name}} is not set: not a profile variable (${[...available].join(', ')}) and not captured by an earlier step`);
      }
    }
  };
  const visit = (step: Step, path: string, extra: readonly string[]): void => {
    switch (step.kind) {
      case 'http':
        check(step.path, `${path}.path`, extra);
        check(step.headers, `${path}.headers`, extra);
        check(step.body, `${path}.body`, extra);
        check(step.expect.json, `${path}.expect.json`, extra);
        check(step.expect.bodyIncludes, `${path}.expect.bodyIncludes`, extra);
        break;
      case 'sql':
        check(step.query, `${path}.query`, extra);
        check(step.params, `${path}.params`, extra);
        check(step.expect.rows, `${path}.expect.rows`, extra);
        break;
      case 'ws':
        check(step.path, `${path}.path`, extra);
        check(step.headers, `${path}.headers`, extra);
        check(step.send, `${path}.send`, extra);
        check(step.expect.frame, `${path}.expect.frame`, extra);
        check(step.expect.frameIncludes, `${path}.expect.frameIncludes`, extra);
        break;
      case 'wait-until':
        visit(step.step, `${path}.step`, extra);
        break;
      case 'repeat':
        step.steps.forEach((s, i) => visit(s, `${path}.steps[${i}]`, [...extra, 'i']));
        break;
    }
    if (step.kind === 'http' || step.kind === 'sql') for (const name of Object.keys(step.capture)) known.add(name);
    if (step.kind === 'wait-until') for (const name of Object.keys(step.step.capture)) known.add(name);
  };
  scenario.steps.forEach((step, i) => visit(step, `steps[${i}]`, []));
}

/** Built-in scenario names (files in mesher/scenarios/). */
export async function builtinScenarioNames(): Promise<string[]> {
  const entries = await readdir(SCENARIOS_DIR).catch(() => [] as string[]);
  return entries.filter((name) => name.endsWith('.json')).map((name) => name.slice(0, -5)).sort();
}

/** `--scenario <name|file>`: a name is a built-in scenario; a path (slash or .json) is a file. */
export async function resolveScenario(spec: string): Promise<Scenario> {
  if (spec.includes('/') || spec.endsWith('.json')) return loadScenario(resolve(spec));
  const names = await builtinScenarioNames();
  if (!names.includes(spec)) throw new UserError(`no scenario named '${spec}'`, ExitCode.USAGE, `built-in scenarios: ${names.join(', ')}; or pass a scenario file (path ending in .json)`);
  return loadScenario(join(SCENARIOS_DIR, `${spec}.json`));
}
