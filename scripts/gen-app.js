#!/usr/bin/env node
// Generates a large multi-module Mesh application (an error-tracker backend: structs, sum types,
// services, actors, HTTP routes, storage helpers, a self-check run at startup) with ONE planted
// real compiler bug, for the real-oracle reduction benchmark (scripts/bench-reduce.js --real).
// Everything is written here; deterministic from the seed (same seed + bug -> same bytes).
//
// Usage: node scripts/gen-app.js --bug <name> [--seed 1] --out <dir> [--clean] [--check]
//   --clean  plant nothing (the bug's spot gets its workaround): the app must build and run
//   --check  with $MESHC: build and run the clean app, then run interesting.sh on the bugged one
// Bugs (each a different stage; facts in src/gaps/catalog.ts):
//   nested-and         llvm-verify     `&&` chain inside a nested if (PHI node entries do not match)
//   collect-to-string  compiler-crash  `.to_string()` on a `List.collect()` result (meshc exits 101)
//   loop-let-stack     runtime-crash   `let` inside a 2,000,000-iteration loop: SIGSEGV at -O0, runs at -O2
//   bool-closure-abi   wrong-output    Bool closure passed to List.filter keeps every element (x86-64)
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENTITIES, m, rng, snake } from '../fixtures/mesh/bench/tools/filler.mjs';

/**
 * The planted bugs: stage, module holding it, and `call`, the main body a human who localised
 * the bug to that module would write to make it a standalone program (localisedProgram).
 */
export const BUGS = {
  'nested-and': { stage: 'llvm-verify', file: 'alerts/evaluator.mpl', call: 'println("${page_count([5, 50], 3, 1700000000)}")' },
  'collect-to-string': { stage: 'compiler-crash', file: 'reports/digest.mpl', call: 'println(digest_sizes([1, 2, 3]))' },
  'loop-let-stack': { stage: 'runtime-crash', file: 'ingest/warmup.mpl', call: 'println(warm_report(7))' },
  'bool-closure-abi': { stage: 'wrong-output', file: 'alerts/triage.mpl', call: 'println(triage_line([5, 50, 7], 10))' },
};

const ENTITY_COUNT = 16;

/**
 * The app as a Map of relative path -> text, plus the bug's file and its interesting.sh.
 * `bug: null` plants nothing.
 */
export function generateApp({ seed = 1, bug = null } = {}) {
  if (bug !== null && !BUGS[bug]) throw new Error(`unknown bug ${bug} (known: ${Object.keys(BUGS).join(', ')})`);
  const r = rng(seed * 7919 + 17);
  const entities = pickEntities(r);
  const files = new Map();
  for (const e of entities) {
    files.set(`types/${e.snake}.mpl`, typeModule(e, r));
    files.set(`storage/${e.snake}_store.mpl`, storeModule(e, r));
    files.set(`policies/${e.snake}_policy.mpl`, policyModule(e, r));
  }
  const pairs = [];
  for (let i = 0; i < entities.length; i += 2) pairs.push(entities.slice(i, i + 2));
  for (const pair of pairs) files.set(`api/${pair[0].snake}_routes.mpl`, routesModule(pair, r));
  files.set('api/router.mpl', routerModule(pairs));
  files.set('util/numbers.mpl', numbersModule(r));
  files.set('util/text.mpl', textModule(r));
  files.set('util/clock.mpl', clockModule(r));
  files.set('services/registry.mpl', registryService(r));
  files.set('services/rate_limiter.mpl', limiterService(r));
  files.set('services/metrics.mpl', metricsService(r));
  files.set('workers/jobs.mpl', jobsModule(r));
  files.set('boot/config.mpl', configModule(r));
  files.set('alerts/evaluator.mpl', evaluatorModule(r, bug === 'nested-and'));
  files.set('alerts/triage.mpl', triageModule(r, bug === 'bool-closure-abi'));
  files.set('reports/digest.mpl', digestModule(r, bug === 'collect-to-string'));
  files.set('ingest/warmup.mpl', warmupModule(r, bug === 'loop-let-stack'));
  files.set('boot/self_check.mpl', selfCheckModule(entities));
  files.set('main.mpl', mainModule(entities));
  return { files, bug, stage: bug ? BUGS[bug].stage : null, bugFile: bug ? BUGS[bug].file : null, script: bug ? interestingScript(bug) : null };
}

function pickEntities(r) {
  const pool = [...ENTITIES];
  const out = [];
  while (out.length < ENTITY_COUNT && pool.length > 0) {
    const [name, , fields] = pool.splice(Math.floor(r.next() * pool.length), 1)[0];
    // Field names that clash with the ones every entity has are renamed.
    const extra = fields.filter(([f]) => f !== 'id' && f !== 'project_id' && f !== 'name');
    if (!extra.some(([, t]) => t === 'Int')) extra.push(['revision', 'Int']);
    if (!extra.some(([, t]) => t === 'String')) extra.push(['label', 'String']);
    out.push({ name, snake: snake(name), fields: extra, k: r.int(2, 9), limit: r.int(15, 60) });
  }
  return out.sort((a, b) => a.snake.localeCompare(b.snake));
}

const ints = (e) => e.fields.filter(([, t]) => t === 'Int').map(([f]) => f);
const strs = (e) => e.fields.filter(([, t]) => t === 'String').map(([f]) => f);
const bools = (e) => e.fields.filter(([, t]) => t === 'Bool').map(([f]) => f);
const zero = (t) => (t === 'Int' ? '0' : t === 'Bool' ? 'false' : '""');

// ---------------------------------------------------------------------------------------------
// types/<entity>.mpl: the struct, a state sum type, setters, scoring, validation, samples

function typeModule(e, r) {
  const E = e.name;
  const x = e.snake;
  const all = [['id', 'String'], ['project_id', 'String'], ...e.fields];
  const out = [];
  out.push(`# ${E} records: construction, updates, scoring, validation and sample data.\n`);
  out.push(`pub struct ${E} do\n${all.map(([f, t]) => `  ${f} :: ${t}`).join('\n')}\nend deriving(Json)\n`);
  out.push(`pub type ${E}State do\n  ${E}Fresh\n  ${E}Seen(Int)\n  ${E}Closed(String)\nend\n`);
  const init = all.map(([f, t]) => `${f}: ${f === 'id' || f === 'project_id' ? f : zero(t)}`).join(', ');
  out.push(`pub fn new_${x}(id :: String, project_id :: String) -> ${E} do\n  ${E} { ${init} }\nend\n`);
  for (const [f, t] of e.fields) {
    const fields = all.map(([g]) => `${g}: ${g === f ? 'value' : `x.${g}`}`).join(', ');
    out.push(`pub fn ${x}_with_${f}(x :: ${E}, value :: ${t}) -> ${E} do\n  ${E} { ${fields} }\nend\n`);
  }
  const terms = [...ints(e).map((f, i) => `x.${f} * ${e.k + i}`), ...strs(e).map((f) => `String.length(x.${f})`)];
  const weight = [`pub fn ${x}_weight(x :: ${E}) -> Int do`, `  let base = ${terms.join(' + ')}`];
  if (bools(e).length > 0) weight.push(`  if x.${bools(e)[0]} do`, `    base + ${e.k}`, '  else', '    base', '  end');
  else weight.push('  base');
  out.push(`${weight.join('\n')}\nend\n`);
  out.push(m`pub fn ${x}_state(x :: ${E}) -> ${E}State do
  let w = ${x}_weight(x)
  if w > ${e.limit * 2} do
    ${E}Closed(x.id)
  else
    if w > ${e.limit} do
      ${E}Seen(w)
    else
      ${E}Fresh
    end
  end
end

pub fn ${x}_state_label(s :: ${E}State) -> String do
  case s do
    ${E}Fresh -> "fresh"
    ${E}Seen(n) -> "seen @{n}"
    ${E}Closed(why) -> "closed @{why}"
  end
end

pub fn ${x}_summary(x :: ${E}) -> String do
  "${x} @{x.id} [@{x.project_id}] ${all.slice(2).map(([f]) => `${f}=@{x.${f}}`).join(' ')}"
end

pub fn ${x}_key(x :: ${E}) -> String do
  "@{x.project_id}/@{x.id}"
end
`);
  const checks = [
    `  let a = if String.length(x.id) == 0 do ["id is empty"] else [] end`,
    `  let b = if String.length(x.project_id) == 0 do ["project_id is empty"] else [] end`,
    ...ints(e).map((f, i) => `  let c${i} = if x.${f} < 0 do ["${f} is negative"] else [] end`),
  ];
  const names = ['a', 'b', ...ints(e).map((_, i) => `c${i}`)];
  let expr = names[0];
  for (const n of names.slice(1)) expr = `List.concat(${expr}, ${n})`;
  out.push(`pub fn ${x}_errors(x :: ${E}) -> List<String> do\n${checks.join('\n')}\n  ${expr}\nend\n`);
  out.push(m`pub fn ${x}_is_valid(x :: ${E}) -> Bool do
  List.length(${x}_errors(x)) == 0
end

pub fn ${x}_compare(a :: ${E}, b :: ${E}) -> Int do
  ${x}_weight(a) - ${x}_weight(b)
end

pub fn ${x}_bucket(x :: ${E}, buckets :: Int) -> Int do
  if buckets <= 0 do
    0
  else
    ${x}_weight(x) % buckets
  end
end
`);
  const sample = [`pub fn sample_${x}(n :: Int) -> ${E} do`, `  let x = new_${x}("${x}-@{n}", "proj-@{n % ${r.int(2, 5)}}")`];
  for (const [f, t] of e.fields) {
    const value = t === 'Int' ? `n * ${r.int(3, 13)} % ${r.int(40, 90)}` : t === 'Bool' ? `n % ${r.int(2, 4)} == 0` : `"${f} @{n}"`;
    sample.push(`  let x = ${x}_with_${f}(x, ${value})`);
  }
  sample.push('  x');
  out.push(m`${sample.join('\n')}
end

pub fn ${x}_stats_map(x :: ${E}) -> Map<String, Int> do
  let m = Map.new()
${ints(e).map((f) => `  let m = Map.put(m, "${f}", x.${f})`).join('\n')}
  let m = Map.put(m, "weight", ${x}_weight(x))
  m
end
`);
  if (r.chance(0.7)) {
    out.push(m`pub fn ${x}_touch(x :: ${E}, by :: Int) -> ${E} do
  ${x}_with_${ints(e)[0]}(x, x.${ints(e)[0]} + by)
end
`);
  }
  if (r.chance(0.7)) {
    out.push(m`pub fn ${x}_rename(x :: ${E}, suffix :: String) -> ${E} do
  ${x}_with_${strs(e)[0]}(x, x.${strs(e)[0]} <> suffix)
end
`);
  }
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// storage/<entity>_store.mpl: tables of one entity (keys, weights, lookups). Records live one at
// a time; collections hold keys and weights (Lists of Strings and Ints, Maps of Ints).

function storeModule(e, r) {
  const E = e.name;
  const x = e.snake;
  const imports = [E, `sample_${x}`, `${x}_weight`, `${x}_summary`, `${x}_key`, `${x}_is_valid`, `${x}_state`, `${x}_state_label`];
  return m`# In-memory tables of ${E} records.

from Types.${E} import ${imports.join(', ')}

pub fn ${x}_weights(count :: Int) -> List<Int> do
  for i in 0..count do
    ${x}_weight(sample_${x}(i))
  end
end

pub fn ${x}_keys(count :: Int) -> List<String> do
  for i in 0..count do
    ${x}_key(sample_${x}(i))
  end
end

pub fn ${x}_total_weight(count :: Int) -> Int do
  List.reduce(${x}_weights(count), 0, fn(acc, w) -> acc + w end)
end

pub fn ${x}_max_weight(count :: Int) -> Int do
  List.reduce(${x}_weights(count), 0, fn(acc, w) -> if w > acc do w else acc end end)
end

pub fn ${x}_table(m :: Map<String, Int>, i :: Int, n :: Int) -> Map<String, Int> do
  if i >= n do
    m
  else
    let x = sample_${x}(i)
    ${x}_table(Map.put(m, x.id, ${x}_weight(x)), i + 1, n)
  end
end

pub fn ${x}_lookup(count :: Int, id :: String) -> Option<${E}> do
  let hits = for i in 0..count when sample_${x}(i).id == id do
    i
  end
  if List.length(hits) > 0 do
    Some(sample_${x}(List.head(hits)))
  else
    None
  end
end

pub fn ${x}_heavy_count(count :: Int, limit :: Int) -> Int do
  let heavy = for w in ${x}_weights(count) when w > limit do
    w
  end
  List.length(heavy)
end

pub fn ${x}_valid_count(count :: Int) -> Int do
  let valid = for i in 0..count when (${x}_is_valid(sample_${x}(i))) do
    i
  end
  List.length(valid)
end

pub fn ${x}_histogram(count :: Int, buckets :: Int) -> Map<Int, Int> do
  List.reduce(${x}_weights(count), Map.new(), fn(m, w) -> Map.put(m, w % buckets, w) end)
end

pub fn ${x}_report(count :: Int) -> String do
  let lines = for i in 0..count do
    ${x}_summary(sample_${x}(i))
  end
  String.join(lines, "; ")
end

pub fn ${x}_states(count :: Int) -> List<String> do
  for i in 0..count do
    ${x}_state_label(${x}_state(sample_${x}(i)))
  end
end

pub fn ${x}_describe(count :: Int, id :: String) -> String do
  let found = ${x}_lookup(count, id)
  case found do
    Some(x) -> ${x}_state_label(${x}_state(x))
    None -> "missing @{id}"
  end
end

pub fn ${x}_stats(count :: Int) -> String do
  let total = ${x}_total_weight(count)
  let avg = if count > 0 do
    total / count
  else
    0
  end
  let table = ${x}_table(Map.new(), 0, count)
  "${x}s count=@{count} rows=@{Map.size(table)} total=@{total} avg=@{avg} max=@{${x}_max_weight(count)} heavy=@{${x}_heavy_count(count, ${e.limit})} valid=@{${x}_valid_count(count)}"
end

pub fn ${x}_page(count :: Int, page :: Int, size :: Int) -> List<String> do
  List.take(List.drop(${x}_keys(count), page * size), size)
end

pub fn ${x}_latest(count :: Int, n :: Int) -> List<String> do
  List.take(List.reverse(${x}_keys(count)), n)
end
${r.chance(0.6) ? m`
pub fn ${x}_merge(a :: List<String>, b :: List<String>) -> List<String> do
  List.concat(a, b)
end
` : ''}`;
}

// policies/<entity>_policy.mpl: retention and tiering rules for one entity

function policyModule(e, r) {
  const E = e.name;
  const x = e.snake;
  const f = ints(e)[0];
  const gold = e.limit * r.int(2, 4);
  const silver = e.limit;
  return m`# Retention and tiering policy for ${E} records.

from Types.${E} import ${E}, sample_${x}, ${x}_weight, ${x}_with_${f}
from Util.Numbers import clamp, percent

pub fn ${x}_tier(x :: ${E}) -> String do
  let w = ${x}_weight(x)
  if w > ${gold} do
    "gold"
  else
    if w > ${silver} do
      "silver"
    else
      "bronze"
    end
  end
end

pub fn ${x}_retention_days(x :: ${E}) -> Int do
  case ${x}_tier(x) do
    "gold" -> ${r.int(60, 120)}
    "silver" -> ${r.int(20, 40)}
    _ -> ${r.int(3, 10)}
  end
end

pub fn ${x}_should_archive(x :: ${E}, age_days :: Int) -> Bool do
  age_days > ${x}_retention_days(x)
end

pub fn ${x}_archive_count(count :: Int, age_days :: Int) -> Int do
  let old = for i in 0..count when (${x}_should_archive(sample_${x}(i), age_days)) do
    i
  end
  List.length(old)
end

pub fn ${x}_boosted(x :: ${E}, by :: Int) -> ${E} do
  ${x}_with_${f}(x, clamp(x.${f} + by, 0, ${r.int(500, 2000)}))
end

pub fn ${x}_gold_share(count :: Int) -> Int do
  let gold = for i in 0..count when ${x}_tier(sample_${x}(i)) == "gold" do
    i
  end
  percent(List.length(gold), count)
end

pub fn ${x}_policy_line(count :: Int) -> String do
  "${x} policy: archive=@{${x}_archive_count(count, ${r.int(10, 40)})} gold=@{${x}_gold_share(count)}% first=@{${x}_tier(${x}_boosted(sample_${x}(0), ${r.int(1, 9)}))}"
end
`;
}

// ---------------------------------------------------------------------------------------------
// api/<entity>_routes.mpl: HTTP handlers for two entities; api/router.mpl mounts them all

function routesModule(pair, r) {
  const out = [`# HTTP handlers for ${pair.map((e) => e.name).join(' and ')}.\n`];
  for (const e of pair) {
    out.push(`from Storage.${e.name}Store import ${e.snake}_report, ${e.snake}_describe, ${e.snake}_stats, ${e.snake}_page`);
    out.push(`from Policies.${e.name}Policy import ${e.snake}_policy_line`);
  }
  out.push('');
  for (const e of pair) {
    const x = e.snake;
    const size = r.int(4, 12);
    out.push(m`pub fn handle_list_${x}s(request :: Request) -> Response do
  HTTP.response(200, ${x}_report(${size}))
end

pub fn handle_get_${x}(request :: Request) -> Response do
  let id = Request.param(request, "id")
  case id do
    Some(v) -> HTTP.response(200, ${x}_describe(${size}, v))
    None -> HTTP.response(400, "missing id")
  end
end

pub fn handle_${x}_stats(request :: Request) -> Response do
  HTTP.response(200, ${x}_stats(${size * 2}))
end

pub fn handle_${x}_page(request :: Request) -> Response do
  let page = ${x}_page(${size * 3}, 1, ${size})
  HTTP.response(200, String.join(page, ","))
end

pub fn handle_${x}_policy(request :: Request) -> Response do
  HTTP.response(200, ${x}_policy_line(${size}))
end

pub fn mount_${x}_routes(r :: Router) -> Router do
  let r = HTTP.on_get(r, "/api/${x}s", handle_list_${x}s)
  let r = HTTP.on_get(r, "/api/${x}s/stats", handle_${x}_stats)
  let r = HTTP.on_get(r, "/api/${x}s/page", handle_${x}_page)
  let r = HTTP.on_get(r, "/api/${x}s/policy", handle_${x}_policy)
  HTTP.on_get(r, "/api/${x}s/:id", handle_get_${x})
end
`);
  }
  return out.join('\n');
}

function routerModule(pairs) {
  const lines = ['# The router: every entity\'s routes plus health.\n'];
  for (const pair of pairs) lines.push(`from Api.${pair[0].name}Routes import ${pair.map((e) => `mount_${e.snake}_routes`).join(', ')}`);
  const mounts = pairs.flat().map((e) => `  let r = mount_${e.snake}_routes(r)`).join('\n');
  lines.push(m`
pub fn handle_health(request :: Request) -> Response do
  HTTP.response(200, "ok")
end

pub fn build_router() -> Router do
  let r = HTTP.router()
${mounts}
  HTTP.on_get(r, "/health", handle_health)
end

pub fn route_count() -> Int do
  ${pairs.flat().length * 5 + 1}
end
`);
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// util/*, services/*, workers/*, boot/config

function numbersModule(r) {
  return m`# Small integer helpers.

pub fn clamp(x :: Int, lo :: Int, hi :: Int) -> Int do
  if x < lo do
    lo
  else
    if x > hi do
      hi
    else
      x
    end
  end
end

pub fn in_range(x :: Int, lo :: Int, hi :: Int) -> Bool do
  if x < lo do
    false
  else
    x <= hi
  end
end

pub fn percent(part :: Int, whole :: Int) -> Int do
  if whole == 0 do
    0
  else
    part * 100 / whole
  end
end

pub fn mean(xs :: List<Int>) -> Int do
  let n = List.length(xs)
  if n == 0 do
    0
  else
    List.reduce(xs, 0, fn(acc, x) -> acc + x end) / n
  end
end

pub fn max_of(xs :: List<Int>) -> Int do
  List.reduce(xs, 0, fn(acc, x) -> if x > acc do x else acc end end)
end

pub fn gcd(a :: Int, b :: Int) -> Int do
  if b == 0 do
    a
  else
    gcd(b, a % b)
  end
end

pub fn scaled(x :: Int) -> Int do
  clamp(x * ${r.int(2, 5)}, 0, ${r.int(500, 900)})
end

pub fn sum_of(xs :: List<Int>) -> Int do
  List.reduce(xs, 0, fn(acc, x) -> acc + x end)
end
`;
}

function textModule(r) {
  return m`# String helpers.

pub fn repeat(s :: String, n :: Int) -> String do
  if n <= 0 do
    ""
  else
    s <> repeat(s, n - 1)
  end
end

pub fn pad_left(s :: String, width :: Int) -> String do
  repeat(" ", width - String.length(s)) <> s
end

pub fn slug(s :: String) -> String do
  String.replace(String.to_lower(String.trim(s)), " ", "-")
end

pub fn shorten(s :: String, n :: Int) -> String do
  if String.length(s) > n do
    String.slice(s, 0, n) <> "..."
  else
    s
  end
end

pub fn words(s :: String) -> Int do
  List.length(String.split(s, " "))
end

pub fn banner(title :: String) -> String do
  let line = repeat("=", ${r.int(6, 12)})
  "@{line} @{title} @{line}"
end
`;
}

function clockModule(r) {
  return m`# Time arithmetic on unix seconds.

pub fn hour_of(ts :: Int) -> Int do
  ts / 3600 % 24
end

pub fn day_of(ts :: Int) -> Int do
  ts / 86400
end

pub fn minutes_between(a :: Int, b :: Int) -> Int do
  if a > b do
    (a - b) / 60
  else
    (b - a) / 60
  end
end

pub fn start_of_day(ts :: Int) -> Int do
  day_of(ts) * 86400
end

pub fn epoch_base() -> Int do
  ${1_700_000_000 + r.int(0, 86_400)}
end
`;
}

function registryService(r) {
  return m`# Project registry: project key -> weight.

service ProjectRegistry do
  fn init() -> Map<String, Int> do
    Map.new()
  end

  call Register(key :: String, weight :: Int) :: Int do |state|
    let next = Map.put(state, key, weight)
    (next, Map.size(next))
  end

  call Known(key :: String) :: Int do |state|
    let known = if Map.has_key(state, key) do
      1
    else
      0
    end
    (state, known)
  end

  cast Forget(key :: String) do |state|
    Map.delete(state, key)
  end

  call Size() :: Int do |state|
    (state, Map.size(state))
  end
end

pub fn registry_banner(size :: Int) -> String do
  "registry holds @{size} projects (cap ${r.int(50, 200)})"
end
`;
}

function limiterService(r) {
  return m`# Per-key rate limiter.

service RateLimiter do
  fn init(limit :: Int) -> Map<String, Int> do
    Map.put(Map.new(), "__limit", limit)
  end

  call Hit(key :: String) :: Int do |state|
    let used = if Map.has_key(state, key) do
      Map.get(state, key) + 1
    else
      1
    end
    let next = Map.put(state, key, used)
    (next, used)
  end

  call Remaining(key :: String) :: Int do |state|
    let limit = Map.get(state, "__limit")
    let used = if Map.has_key(state, key) do
      Map.get(state, key)
    else
      0
    end
    (state, limit - used)
  end

  cast Reset() do |state|
    Map.put(Map.new(), "__limit", Map.get(state, "__limit"))
  end
end

pub fn default_limit() -> Int do
  ${r.int(20, 120)}
end
`;
}

function metricsService(r) {
  return m`# Counters for the self check.

service Metrics do
  fn init() -> Int do
    0
  end

  cast Add(n :: Int) do |total|
    total + n
  end

  call Total() :: Int do |total|
    (total, total)
  end
end

pub fn metrics_label(total :: Int) -> String do
  "metrics total=@{total} (scale ${r.int(1, 9)})"
end
`;
}

function jobsModule(r) {
  return m`# Background jobs, one actor per unit of work.

actor digest_job(project :: String, weight :: Int) do
  let score = weight * ${r.int(2, 7)} + String.length(project)
  score
end

actor cleanup_job(limit :: Int) do
  let kept = limit / 2
  kept
end

pub fn schedule_digests(projects :: List<String>) -> Int do
  let started = for p in projects do
    spawn(digest_job, p, String.length(p))
    1
  end
  List.length(started)
end

pub fn schedule_cleanup(limit :: Int) -> Int do
  let pid = spawn(cleanup_job, limit)
  1
end
`;
}

function configModule(r) {
  return m`# Application configuration.

pub struct AppConfig do
  port :: Int
  listen :: Bool
  sample_size :: Int
  page_threshold :: Int
  seed :: Int
  region :: String
end

pub fn default_config() -> AppConfig do
  AppConfig { port: ${r.int(8000, 8999)}, listen: false, sample_size: ${r.int(8, 14)}, page_threshold: ${r.int(20, 40)}, seed: ${r.int(1, 97)}, region: "eu-${r.int(1, 4)}" }
end

pub fn config_summary(c :: AppConfig) -> String do
  "config port=@{c.port} region=@{c.region} samples=@{c.sample_size} threshold=@{c.page_threshold}"
end
`;
}

// ---------------------------------------------------------------------------------------------
// The four modules where a bug can be planted (each has the workaround form when clean)

function evaluatorModule(r, planted) {
  const lo = r.int(6, 9);
  const hi = r.int(20, 22);
  const decision = planted
    ? `    not muted && hour >= ${lo} && hour <= ${hi}`
    : `    if muted do\n      false\n    else\n      in_range(hour, ${lo}, ${hi})\n    end`;
  return m`# Alert evaluation: when does a rule page someone.

from Util.Numbers import in_range, clamp
from Util.Clock import hour_of

pub fn should_page(count :: Int, threshold :: Int, muted :: Bool, hour :: Int) -> Bool do
  if count > threshold do
${decision}
  else
    false
  end
end

pub fn severity(count :: Int, threshold :: Int) -> Int do
  clamp(count * 10 / (threshold + 1), 0, 10)
end

pub fn page_count(counts :: List<Int>, threshold :: Int, ts :: Int) -> Int do
  let hour = hour_of(ts)
  let pages = for c in counts when (should_page(c, threshold, false, hour)) do
    c
  end
  List.length(pages)
end

pub fn cooldown_left(last :: Int, now :: Int, minutes :: Int) -> Int do
  let left = minutes * 60 - (now - last)
  if left > 0 do
    left
  else
    0
  end
end

pub fn escalation(severity :: Int) -> String do
  case severity do
    0 -> "none"
    1 -> "low"
    2 -> "low"
    _ -> "high"
  end
end
`;
}

function triageModule(r, planted) {
  const keep = planted ? '  let hot = List.filter(weights, fn(w) -> w > limit end)' : '  let hot = for w in weights when w > limit do\n    w\n  end';
  return m`# Triage: which issues are hot.

from Util.Numbers import percent

pub fn hot_count(weights :: List<Int>, limit :: Int) -> Int do
${keep}
  List.length(hot)
end

pub fn triage_line(weights :: List<Int>, limit :: Int) -> String do
  let hot = hot_count(weights, limit)
  "hot issues: @{hot} of @{List.length(weights)} (@{percent(hot, List.length(weights))}%)"
end

pub fn cold_share(weights :: List<Int>, limit :: Int) -> Int do
  100 - percent(hot_count(weights, limit), List.length(weights))
end
`;
}

function digestModule(r, planted) {
  const text = planted ? '  squares.to_string()' : '  "@{squares}"';
  return m`# Daily digest figures.

from Util.Text import banner

pub fn digest_sizes(weights :: List<Int>) -> String do
  let squares = weights |> Iter.from() |> Iter.map(fn(x) -> x * ${r.int(2, 5)} end) |> List.collect()
${text}
end

pub fn digest_header(day :: Int) -> String do
  banner("digest day @{day}")
end

pub fn digest_total(weights :: List<Int>) -> Int do
  List.reduce(weights, 0, fn(acc, w) -> acc + w end)
end
`;
}

function warmupModule(r, planted) {
  const body = planted ? '    let slot = (i * 31 + seed) % 97\n    slot' : '    (i * 31 + seed) % 97';
  return m`# Cache warm-up at startup.

pub fn rebuild_slot_table(seed :: Int) -> Int do
  let slots = for i in 0..2000000 do
${body}
  end
  List.length(slots)
end

pub fn warm_keys(projects :: List<String>) -> List<String> do
  List.map(projects, fn(p) -> "warm:@{p}" end)
end

pub fn warm_report(seed :: Int) -> String do
  "slots warmed: @{rebuild_slot_table(seed)}"
end
`;
}

// ---------------------------------------------------------------------------------------------
// boot/self_check.mpl and main.mpl

function selfCheckModule(entities) {
  const lines = ['# The startup self check: exercises every module once and prints what it saw.\n'];
  lines.push('from Boot.Config import AppConfig');
  for (const e of entities) lines.push(`from Storage.${e.name}Store import ${e.snake}_stats, ${e.snake}_weights`);
  for (const e of entities) lines.push(`from Policies.${e.name}Policy import ${e.snake}_policy_line`);
  lines.push('from Alerts.Evaluator import page_count, severity, escalation');
  lines.push('from Alerts.Triage import triage_line');
  lines.push('from Reports.Digest import digest_sizes, digest_header');
  lines.push('from Ingest.Warmup import warm_report');
  lines.push('from Util.Clock import epoch_base, day_of');
  lines.push('');
  const first = entities[0].snake;
  const checks = entities.map((e) => `  println(${e.snake}_stats(c.sample_size))\n  println(${e.snake}_policy_line(c.sample_size))`).join('\n');
  lines.push(m`pub fn entity_checks(c :: AppConfig) -> Int do
${checks}
  ${entities.length}
end

pub fn alert_checks(c :: AppConfig) -> Int do
  let weights = ${first}_weights(c.sample_size)
  println(triage_line(weights, c.page_threshold))
  println("pages: @{page_count(weights, c.page_threshold, epoch_base())} severity: @{escalation(severity(List.length(weights), 3))}")
  2
end

pub fn report_checks(c :: AppConfig) -> Int do
  let weights = ${entities[1].snake}_weights(c.sample_size)
  println(digest_header(day_of(epoch_base())))
  println("digest: @{digest_sizes(weights)}")
  println(warm_report(c.seed))
  3
end

pub fn run_self_check(c :: AppConfig) -> Int do
  let a = entity_checks(c)
  let b = alert_checks(c)
  let d = report_checks(c)
  a + b + d
end
`);
  return lines.join('\n');
}

function mainModule(entities) {
  const projects = entities.slice(0, 4).map((e) => `"${e.snake}"`).join(', ');
  return m`# Entry point: configuration, services, workers, routes, then the self check.

from Boot.Config import default_config, config_summary
from Boot.SelfCheck import run_self_check
from Api.Router import build_router, route_count
from Services.Registry import ProjectRegistry, registry_banner
from Services.RateLimiter import RateLimiter, default_limit
from Services.Metrics import Metrics, metrics_label
from Workers.Jobs import schedule_digests, schedule_cleanup

fn register_projects(projects :: List<String>) -> Int do
  let registry = ProjectRegistry.start()
  let sizes = for p in projects do
    ProjectRegistry.register(registry, p, String.length(p))
  end
  ProjectRegistry.size(registry)
end

fn limiter_check() -> Int do
  let limiter = RateLimiter.start(default_limit())
  let first = RateLimiter.hit(limiter, "boot")
  let second = RateLimiter.hit(limiter, "boot")
  RateLimiter.remaining(limiter, "boot") + first - second
end

fn main() do
  let cfg = default_config()
  println(config_summary(cfg))
  let projects = [${projects}]
  println(registry_banner(register_projects(projects)))
  println("limiter remaining: @{limiter_check()}")
  let metrics = Metrics.start()
  Metrics.add(metrics, schedule_digests(projects))
  Metrics.add(metrics, schedule_cleanup(cfg.sample_size))
  println(metrics_label(Metrics.total(metrics)))
  let router = build_router()
  let checks = run_self_check(cfg)
  println("self check: @{checks} checks, @{route_count()} routes")
  if cfg.listen do
    HTTP.serve(router, cfg.port)
  else
    println("dry run: not listening")
  end
end
`;
}

// ---------------------------------------------------------------------------------------------
// Interestingness tests (C-Reduce convention: no arguments, cwd = the candidate, exit 0 =
// interesting). They need MESHC. Builds go to ./.out* (dot names: meshc skips them).

const PREAMBLE = `#!/bin/sh
# C-Reduce convention: no arguments, the current directory holds the candidate project,
# exit 0 = interesting. Needs MESHC (the real April meshc).
ulimit -c 0
M="\${MESHC:?set MESHC to the real meshc}"
`;

export function interestingScript(bug) {
  switch (bug) {
    case 'nested-and':
      return `${PREAMBLE}# Interesting: LLVM verification fails with the PHI message (gap nested-and).
timeout 60 "$M" build . --no-color -o ./.out >.build.log 2>&1
grep -q 'PHI node entries do not match predecessors' .build.log
`;
    case 'collect-to-string':
      return `${PREAMBLE}# Interesting: meshc panics (exit 101) with index out of bounds (gap collect-to-string).
timeout 60 "$M" build . --no-color -o ./.out >.build.log 2>&1
[ $? -eq 101 ] || exit 1
grep -q 'index out of bounds' .build.log
`;
    case 'loop-let-stack':
      return `${PREAMBLE}# Interesting: the -O0 build dies of SIGSEGV, the -O2 build of the same program runs (gap loop-let-stack).
timeout 60 "$M" build . --no-color -o ./.out0 >.build0.log 2>&1 || exit 1
timeout 10 ./.out0 >/dev/null 2>&1
[ $? -eq 139 ] || exit 1
timeout 60 "$M" build . --no-color --opt-level 2 -o ./.out2 >.build2.log 2>&1 || exit 1
timeout 10 ./.out2 >/dev/null 2>&1
`;
    case 'bool-closure-abi':
      return `${PREAMBLE}# Interesting: the program prints something else once every List.filter( is replaced by a
# for-comprehension filter (keep_ints), which does the same thing (gap bool-closure-abi).
timeout 60 "$M" build . --no-color -o ./.out >.build.log 2>&1 || exit 1
timeout 10 ./.out >.run.txt 2>&1 || exit 1
# A program that prints the words the rewrite changes would differ for that reason alone.
! grep -q -e 'List\\.filter' -e 'keep_ints' .run.txt || exit 1
mkdir .ref || exit 1
find . -name '*.mpl' ! -path './.ref/*' | while read -r f; do
  mkdir -p ".ref/$(dirname "$f")"
  if grep -q 'List\\.filter(' "$f"; then
    sed 's/List\\.filter(/keep_ints(/g' "$f" >".ref/$f"
    printf '\\nfn keep_ints(xs :: List<Int>, keep :: Fun(Int) -> Bool) -> List<Int> do\\n  for x in xs when (keep(x)) do\\n    x\\n  end\\nend\\n' >>".ref/$f"
  else
    cp "$f" ".ref/$f"
  fi
done
timeout 60 "$M" build .ref --no-color -o ./.ref-out >.ref-build.log 2>&1 || exit 1
timeout 10 ./.ref-out >.ref-run.txt 2>&1 || exit 1
! cmp -s .run.txt .ref-run.txt
`;
    default:
      throw new Error(`unknown bug ${bug}`);
  }
}

/**
 * The head start a human gives a generic reducer: the module holding the bug as main.mpl, with
 * a main that calls into it (BUGS[bug].call), plus the modules it imports, as project files.
 * (Flatten them into one file to give it to a single-file reducer.)
 */
export function localisedProgram(app) {
  const text = app.files.get(app.bugFile);
  const files = new Map([['main.mpl', `${text}\nfn main() do\n  ${BUGS[app.bug].call}\nend\n`]]);
  for (const [, module] of text.matchAll(/^from (\S+) import/gm)) {
    const path = `${module.split('.').map(snake).join('/')}.mpl`;
    files.set(path, app.files.get(path));
  }
  return files;
}

/** Writes an app (and interesting.sh beside it when a bug is planted) to `dir`. */
export function writeApp(app, dir) {
  for (const [rel, text] of app.files) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
}

export function writeScript(app, path) {
  writeFileSync(path, app.script);
  chmodSync(path, 0o755);
}

/** Lines and modules of an app (for the ">= 5,000 lines, >= 30 modules" check). */
export function appSize(app) {
  let lines = 0;
  for (const text of app.files.values()) lines += text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  return { modules: app.files.size, lines };
}

// ---------------------------------------------------------------------------------------------
// CLI

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = {};
  for (let i = 2; i < process.argv.length; i++) {
    const a = process.argv[i];
    if (a === '--clean' || a === '--check') args[a.slice(2)] = true;
    else args[a.replace(/^--/, '')] = process.argv[++i];
  }
  const seed = Number(args.seed ?? 1);
  if (args.check) process.exit(check(seed, args.bug ? [args.bug] : Object.keys(BUGS)));
  if (!args.out || (!args.bug && !args.clean)) {
    console.error('usage: node scripts/gen-app.js --bug <name>|--clean [--seed N] --out <dir>   |   --check [--bug <name>] [--seed N]');
    process.exit(2);
  }
  const app = generateApp({ seed, bug: args.clean ? null : args.bug });
  writeApp(app, resolve(args.out));
  if (app.script) writeScript(app, join(resolve(args.out), '..', `${args.bug}.interesting.sh`));
  const size = appSize(app);
  console.log(`${args.out}: ${size.modules} modules, ${size.lines} lines${app.bug ? `, bug ${app.bug} (${app.stage}) in ${app.bugFile}` : ', clean'}`);
}

/** Builds and runs the clean app, then checks each bugged app is interesting. Returns an exit code. */
function check(seed, bugs) {
  if (!process.env.MESHC) {
    console.error('gen-app --check needs MESHC (the real April meshc)');
    return 2;
  }
  const root = mkdtempSync(join(tmpdir(), 'gen-app-'));
  let failures = 0;
  try {
    const clean = generateApp({ seed, bug: null });
    const dir = join(root, 'clean');
    writeApp(clean, dir);
    const build = spawnSync(process.env.MESHC, ['build', '.', '--no-color', '-o', './.out'], { cwd: dir, encoding: 'utf8' });
    const run = build.status === 0 ? spawnSync('./.out', [], { cwd: dir, encoding: 'utf8', timeout: 20_000 }) : null;
    const ok = build.status === 0 && run?.status === 0;
    if (!ok) failures++;
    const size = appSize(clean);
    console.log(`${ok ? 'ok  ' : 'FAIL'} clean app (seed ${seed}, ${size.modules} modules, ${size.lines} lines): build ${build.status}${run ? `, run ${run.status ?? run.signal}` : ''}`);
    if (!ok) console.log((build.stderr + (run?.stderr ?? '')).split('\n').slice(0, 30).join('\n'));
    for (const bug of bugs) {
      const app = generateApp({ seed, bug });
      const bugDir = join(root, bug);
      writeApp(app, bugDir);
      writeScript(app, join(root, `${bug}.sh`));
      const started = Date.now();
      const test = spawnSync('sh', [join(root, `${bug}.sh`)], { cwd: bugDir, encoding: 'utf8', env: process.env });
      const good = test.status === 0;
      if (!good) failures++;
      console.log(`${good ? 'ok  ' : 'FAIL'} ${bug} (${app.stage}, ${app.bugFile}): interesting.sh exit ${test.status} in ${Date.now() - started} ms`);
    }
  } finally {
    if (existsSync(root)) rmSync(root, { recursive: true, force: true });
  }
  return failures === 0 ? 0 : 1;
}
