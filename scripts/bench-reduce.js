#!/usr/bin/env node
// Side-by-side reduction benchmark: mesher-triage reduce vs cvise vs creduce on every input in
// fixtures/mesh/bench/{single,projects}/<name>/ (each with its C-Reduce-style interesting.sh).
// Same script, same --jobs, same per-test timeout and wall budget for every tool; oracle calls
// are counted by one wrapper (appends a byte per run) used the same way by all three tools.
// Projects: cvise/creduce cannot keep subdirectories, so they get the CONCATENATION of the
// project's files with `#@file <path>` marker comments, and their wrapper splits it back into
// the project before running the very same interesting.sh. mesher-triage gets the project dir.
//
// Usage: npm run bench:reduce -- [--only a,b] [--budget 300] [--jobs 2] [--timeout 60]
//                                 [--tools ours,cvise,creduce] [--json-out file]
//                                 [--keep dir]  (saves every tool's final output as dir/<input>/<tool>/)
//        npm run bench:reduce -- --real [--before <checkout>] [--only bug,...] [--seed 1] [--tools ours,before,cvise]
//   --real: real compiler oracles (needs MESHC): each planted bug of scripts/gen-app.js, in a
//   generated 70-module application; ours and `before` (the reducer of another built checkout,
//   e.g. a `git worktree` of the previous commit) get the whole application, cvise gets the
//   hand-localised single file (gen-app's localisedProgram, flattened), the head start a human
//   gives it. Prints test runs, wall time and final tokens per tool, and the command.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BENCH = join(ROOT, 'fixtures/mesh/bench');
const { measureCandidate, meshPort } = await import(join(ROOT, 'dist/repro/index.js'));

const args = parseArgs(process.argv.slice(2));
const budgetS = Number(args.budget ?? 300);
const jobs = Number(args.jobs ?? Math.min(2, availableParallelism()));
const testTimeoutS = Number(args.timeout ?? 60);
const tools = (args.tools ?? 'ours,cvise,creduce').split(',');
const only = args.only ? new Set(args.only.split(',')) : null;
const command = `npm run bench:reduce -- ${process.argv.slice(2).join(' ')}`.trim();
const TMP = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

if (args.real !== undefined) {
  await benchReal();
  process.exit(0);
}

ensureTools(tools.filter((t) => t !== 'ours'));
const inputs = discoverInputs().filter((i) => !only || only.has(i.name));
if (inputs.length === 0) fail('no bench inputs found (fixtures/mesh/bench/{single,projects}/<name>/interesting.sh)');

log(`bench: ${inputs.length} inputs × [${tools.join(', ')}], --jobs ${jobs}, per-test timeout ${testTimeoutS}s, budget ${budgetS}s per run, TMPDIR ${TMP}`);
log(`versions: ${toolVersions().join('; ')}`);
const rows = [];
for (const input of inputs) {
  const original = measureCandidate(input.files, meshPort);
  const row = { name: input.name, kind: input.kind, original, results: {} };
  for (const tool of tools) {
    log(`  ${input.name}: ${tool} ... (load ${loadavg()[0].toFixed(2)})`);
    row.results[tool] = runTool(tool, input);
    const r = row.results[tool];
    log(`  ${input.name}: ${tool}: ${r.tokens} tokens, ${r.calls} calls, ${r.seconds.toFixed(1)} s, ${r.valid ? 'valid' : 'INVALID'}${r.note ? ` (${r.note})` : ''}`);
  }
  rows.push(row);
}
printTable(rows);
if (args['json-out']) writeFileSync(args['json-out'], JSON.stringify({ command, budgetS, jobs, testTimeoutS, rows }, null, 2));
console.log(`\ncommand: ${command}`);

// ---------------------------------------------------------------------------------------

function discoverInputs() {
  const out = [];
  for (const kind of ['single', 'projects']) {
    const dir = join(BENCH, kind);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      const base = join(dir, name);
      const script = join(base, 'interesting.sh');
      if (!existsSync(script)) continue;
      const files = new Map();
      for (const rel of walk(base)) if (rel.endsWith('.mpl') || rel === 'mesh.toml') files.set(rel, readFileSync(join(base, rel), 'utf8'));
      out.push({ name, kind, dir: base, script, files });
    }
  }
  return out;
}

function* walk(dir, prefix = '') {
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) yield* walk(dir, rel);
    else yield rel;
  }
}

/** The root of the mesher-triage checkout a reducer tool runs from (null: not ours). */
function reducerRoot(tool) {
  if (tool === 'ours') return ROOT;
  if (tool === 'before') return resolve(args.before ?? fail('--tools before needs --before <checkout>'));
  return null;
}

/** input.single: the text a single-file tool gets instead of the input's files. */
function runTool(tool, input) {
  const runDir = mkdtempSync(join(TMP, `bench-reduce-${tool}-`));
  const counter = join(runDir, 'calls');
  writeFileSync(counter, '');
  const root = reducerRoot(tool);
  const concat = input.kind === 'projects' && root === null && input.single === undefined;
  const wrapper = join(runDir, 'test.sh');
  writeFileSync(wrapper, wrapperScript(counter, input.script, concat));
  chmodSync(wrapper, 0o755);
  const env = { ...process.env, MESHER_TRIAGE_ROOT: ROOT, HOME: runDir, XDG_CACHE_HOME: join(runDir, 'cache'), TMPDIR: TMP, CI: '1' };
  const started = performance.now();
  let result;
  let note = '';
  if (root !== null) {
    const inDir = join(runDir, 'in');
    writeFiles(inDir, input.files);
    const target = input.kind === 'single' ? join(inDir, 'main.mpl') : inDir;
    const out = join(runDir, 'out');
    const run = timed(['node', join(root, 'bin/mesher-triage.js'), 'reduce', target, '--test', wrapper, '--out', out, '--jobs', String(jobs), '--timeout', String(testTimeoutS), '--time-limit', String(budgetS)], runDir, env, 30);
    if (run.status !== 0) note = `exit ${run.status}: ${run.stderr.trim().split('\n').slice(-2).join(' / ')}`;
    result = readResult(out);
  } else {
    const work = join(runDir, 'work');
    const text = input.single ?? (concat ? concatenate(input.files) : input.files.get('main.mpl'));
    writeFiles(work, new Map([['main.mpl', text]]));
    const argv = tool === 'cvise'
      ? ['cvise', '--n', String(jobs), '--not-c', '--timeout', String(testTimeoutS), wrapper, 'main.mpl']
      : ['creduce', '--n', String(jobs), '--not-c', '--timeout', String(testTimeoutS), wrapper, 'main.mpl'];
    const run = timed(argv, work, env);
    if (run.timedOut) note = 'hit the wall budget';
    else if (run.status !== 0) note = `exit ${run.status}`;
    const reduced = readFileSync(join(work, 'main.mpl'), 'utf8');
    result = concat ? split(reduced) : new Map([['main.mpl', reduced]]);
  }
  const seconds = (performance.now() - started) / 1000;
  const calls = statSync(counter).size;
  const size = measureCandidate(result, meshPort);
  const valid = isStillInteresting(input.script, result, env);
  if (args.keep) writeFiles(join(resolve(args.keep), input.name, tool), result);
  rmSync(runDir, { recursive: true, force: true });
  return { tokens: size.tokens, bytes: size.bytes, files: result.size, calls, seconds, valid, note };
}

/** --real: each planted bug of scripts/gen-app.js reduced with the real compiler as the oracle. */
async function benchReal() {
  if (!process.env.MESHC) fail('--real needs MESHC, the real April meshc (see docs/toolchain.md)');
  const { BUGS, generateApp, localisedProgram, appSize } = await import(join(ROOT, 'scripts/gen-app.js'));
  const { flattenCandidate } = await import(join(ROOT, 'dist/repro/index.js'));
  const realTools = (args.tools ?? (args.before ? 'ours,before,cvise' : 'ours,cvise')).split(',');
  ensureTools(realTools.filter((t) => reducerRoot(t) === null));
  const bugs = Object.keys(BUGS).filter((b) => !only || only.has(b));
  const seed = Number(args.seed ?? 1);
  const scripts = mkdtempSync(join(TMP, 'bench-real-'));
  log(`bench --real: ${bugs.length} bugs × [${realTools.join(', ')}], --jobs ${jobs}, budget ${budgetS}s per run, MESHC ${process.env.MESHC}`);
  const rows = [];
  for (const bug of bugs) {
    const app = generateApp({ seed, bug });
    const script = join(scripts, `${bug}.sh`);
    writeFileSync(script, app.script);
    chmodSync(script, 0o755);
    const single = flattenCandidate(localisedProgram(app));
    if (single === null) fail(`cannot flatten the localised ${bug} program`);
    const input = { name: bug, kind: 'projects', script, files: app.files, single };
    const row = { bug, stage: app.stage, size: appSize(app), original: measureCandidate(app.files, meshPort), localised: measureCandidate(new Map([['main.mpl', single]]), meshPort), results: {} };
    for (const tool of realTools) {
      log(`  ${bug}: ${tool} ... (load ${loadavg()[0].toFixed(2)})`);
      const r = (row.results[tool] = runTool(tool, input));
      log(`  ${bug}: ${tool}: ${r.tokens} tokens in ${r.files} file(s), ${r.calls} test runs, ${r.seconds.toFixed(1)} s, ${r.valid ? 'valid' : 'INVALID'}${r.note ? ` (${r.note})` : ''}`);
    }
    rows.push(row);
  }
  rmSync(scripts, { recursive: true, force: true });
  console.log('\nper planted bug (final tokens / test runs / wall s / still interesting); ours and before get the whole app, cvise the localised file:');
  console.log(`${'bug'.padEnd(19)}${'stage'.padEnd(16)}${'app tok'.padStart(8)}${'file tok'.padStart(9)}  ${realTools.map((t) => t.padStart(26)).join('')}`);
  for (const row of rows) {
    const cells = realTools.map((t) => {
      const r = row.results[t];
      const capped = /budget/.test(r.note ?? '') || (r.seconds >= budgetS && reducerRoot(t) !== null) ? '*' : '';
      return ` ${r.tokens} / ${r.calls} / ${r.seconds.toFixed(0)}${capped} / ${r.valid ? 'ok' : 'BAD'}`.padStart(26);
    });
    console.log(`${row.bug.padEnd(19)}${row.stage.padEnd(16)}${String(row.original.tokens).padStart(8)}${String(row.localised.tokens).padStart(9)}  ${cells.join('')}`);
  }
  console.log(`(* = stopped by the ${budgetS} s wall budget; apps: ${rows.map((r) => `${r.size.modules} modules/${r.size.lines} lines`).join(', ')})`);
  if (realTools.includes('ours')) {
    const goals = rows.map((row) => {
      const ours = row.results.ours;
      const cvise = row.results.cvise;
      const met = [ours.valid && ours.files === 1 && ours.tokens <= 40, ours.calls <= 300, ours.seconds <= 300];
      if (cvise) met.push(ours.calls < cvise.calls, ours.tokens <= cvise.tokens);
      return `${row.bug}: ${met.every(Boolean) ? 'met' : 'MISSED'}`;
    });
    console.log(`goals (standalone ≤ 40 tokens, ≤ 300 runs, ≤ 300 s${realTools.includes('cvise') ? ', fewer runs and no more tokens than cvise' : ''}): ${goals.join(', ')}`);
  }
  if (args['json-out']) writeFileSync(args['json-out'], JSON.stringify({ command, budgetS, jobs, rows }, null, 2));
  console.log(`\ncommand: MESHC=${process.env.MESHC} ${command}`);
}

/** Runs argv within the wall budget (ours stops itself at the budget; the grace only guards a hang): SIGINT first so tools keep their best, then SIGKILL. */
function timed(argv, cwd, env, grace = 0) {
  const limit = budgetS + grace;
  const run = spawnSync('timeout', ['--signal=INT', '--kill-after=30', String(limit), ...argv], { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { status: run.status, stderr: run.stderr ?? '', timedOut: run.status === 124 || run.status === 130 };
}

function wrapperScript(counter, script, concat) {
  const count = `printf x >> '${counter}'\n`;
  if (!concat) return `#!/bin/sh\n${count}exec sh '${script}'\n`;
  return `#!/bin/sh\n${count}rm -rf split && mkdir split || exit 1\n` +
    `awk 'BEGIN { out = "" } /^#@file / { out = "split/" $2; d = out; sub(/\\/[^\\/]*$/, "", d); system("mkdir -p \\"" d "\\""); printf "" > out; next } out != "" { print >> out }' main.mpl || exit 1\n` +
    `cd split && exec sh '${script}'\n`;
}

function concatenate(files) {
  return [...files].filter(([p]) => p.endsWith('.mpl')).map(([p, t]) => `#@file ${p}\n${t.endsWith('\n') ? t : `${t}\n`}`).join('');
}

function split(text) {
  const files = new Map();
  let current = null;
  for (const line of text.split('\n')) {
    const m = /^#@file (\S+)$/.exec(line);
    if (m) {
      current = m[1];
      files.set(current, '');
    } else if (current) files.set(current, `${files.get(current)}${line}\n`);
  }
  return files;
}

function readResult(out) {
  const files = new Map();
  if (!existsSync(out)) return files;
  for (const rel of walk(out)) if (rel.endsWith('.mpl') || rel === 'mesh.toml') files.set(rel, readFileSync(join(out, rel), 'utf8'));
  return files;
}

function writeFiles(dir, files) {
  for (const [rel, text] of files) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
}

function isStillInteresting(script, files, env) {
  if (files.size === 0) return false;
  const dir = mkdtempSync(join(TMP, 'bench-check-'));
  try {
    writeFiles(dir, files);
    return spawnSync('sh', [script], { cwd: dir, env, timeout: testTimeoutS * 1000 }).status === 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function printTable(rows) {
  const cols = tools;
  const pad = (s, n) => String(s).padStart(n);
  console.log('\nper input (tokens / oracle calls run / wall s / valid):');
  console.log(`${'input'.padEnd(26)}${pad('orig tok', 9)}  ${cols.map((t) => pad(t, 26)).join('')}`);
  for (const row of rows) {
    const cells = cols.map((t) => {
      const r = row.results[t];
      const capped = /budget/.test(r.note ?? '') ? '*' : '';
      return pad(`${r.tokens} / ${r.calls} / ${r.seconds.toFixed(0)}${capped} / ${r.valid ? 'ok' : 'BAD'}`, 26);
    });
    console.log(`${row.name.padEnd(26)}${pad(row.original.tokens, 9)}  ${cells.join('')}`);
  }
  console.log(`(* = stopped by the ${budgetS} s wall budget before the tool finished)`);
  if (!tools.includes('ours')) return;
  console.log('\ngeometric means of ours / other (valid outputs of both only; < 1 is better for ours):');
  for (const other of tools.filter((t) => t !== 'ours')) {
    const pairs = rows.filter((r) => r.results.ours.valid && r.results[other].valid);
    if (pairs.length === 0) {
      console.log(`  vs ${other}: no input where both outputs are valid`);
      continue;
    }
    const g = (f) => Math.exp(pairs.reduce((s, r) => s + Math.log(f(r.results.ours) / f(r.results[other])), 0) / pairs.length);
    const tok = g((x) => Math.max(1, x.tokens));
    const calls = g((x) => Math.max(1, x.calls));
    const time = g((x) => Math.max(0.001, x.seconds));
    const worst = Math.max(...pairs.map((r) => r.results.ours.tokens / Math.max(1, r.results[other].tokens)));
    console.log(`  vs ${other} (${pairs.length} inputs): tokens ${tok.toFixed(3)}, oracle calls ${calls.toFixed(3)}, wall time ${time.toFixed(3)}; worst token ratio ${worst.toFixed(2)}`);
    const goals = [`tokens ≤ 1: ${tok <= 1 ? 'met' : 'MISSED'}`, `no input > 1.25: ${worst <= 1.25 ? 'met' : 'MISSED'}`];
    if (other === 'cvise') goals.push(`calls ≤ 1/3: ${calls <= 1 / 3 ? 'met' : 'MISSED'}`, `time ≤ 1/2: ${time <= 0.5 ? 'met' : 'MISSED'}`);
    console.log(`    goals: ${goals.join(', ')}`);
  }
  const invalid = rows.flatMap((r) => tools.filter((t) => !r.results[t].valid).map((t) => `${r.name}/${t}`));
  if (invalid.length > 0) console.log(`  invalid outputs (excluded): ${invalid.join(', ')}`);
}

function ensureTools(needed) {
  const missing = needed.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
  if (missing.length === 0) return;
  log(`installing ${missing.join(', ')} with apt-get (Debian packages cvise, creduce)`);
  const sudo = process.getuid && process.getuid() === 0 ? [] : ['sudo'];
  const run = (argv) => spawnSync(sudo[0] ?? argv[0], sudo.length ? argv : argv.slice(1), { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  run(['apt-get', 'update']);
  run(['apt-get', 'install', '-y', ...missing]);
  const still = missing.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
  if (still.length > 0) fail(`could not install ${still.join(', ')}; install them or pass --tools ours`);
}

function toolVersions() {
  return tools.map((t) => {
    if (t === 'ours') return `mesher-triage ${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}`;
    const v = spawnSync(t, ['--version'], { encoding: 'utf8' });
    return (v.stdout || v.stderr || t).trim().split('\n')[0];
  });
}

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) fail(`unexpected argument ${a}`);
    // A flag (--real) has no value.
    if (argv[i + 1] === undefined || argv[i + 1].startsWith('--')) out[a.slice(2)] = true;
    else out[a.slice(2)] = argv[++i];
  }
  return out;
}

function log(message) {
  process.stderr.write(`${message}\n`);
}

function fail(message) {
  process.stderr.write(`bench-reduce: ${message}\n`);
  process.exit(2);
}

