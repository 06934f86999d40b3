#!/usr/bin/env node
// Records what real meshc compilers do with this project's Mesh programs, into
// fixtures/real-meshc/<dialect>/<name>.json (format: fixtures/real-meshc/README.md).
//
//   npm run record:real -- [--meshc-february PATH] [--meshc-april PATH] [--out DIR] [program...]
//
// Compilers come from the flags or from MESHC_FEBRUARY / MESHC_APRIL; each one given is recorded.
// A program is a probe (fixtures/mesh/gaps/<key>.mpl: its `# file:` sections become modules),
// a scenario folder (fixtures/mesh/scenarios/<name>: its .mpl files), or any other .mpl file
// (recorded as "own test program: <file>"). Without programs: every probe and every scenario.
//
// Each program is built three times, as `meshc build project --no-color` (O0), with
// `--opt-level 2` (O2) and with `--json`, from a temp folder holding project/; a successful O0
// or O2 build is run as ./project/project without stdin, killed after 10 s. Builds and runs get
// RUST_BACKTRACE=0, as mesher-triage gives them. February meshc links without -lm, which fails
// on Linux: its builds get a `cc` first on PATH that appends -lm.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, delimiter, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { runProcess } = await import(join(ROOT, 'dist/toolchain/index.js'));
const { splitModules } = await import(join(ROOT, 'dist/gaps/probe.js'));

const RUN_TIMEOUT_MS = 10_000;
const BUILD_TIMEOUT_MS = 300_000;
const MODES = [
  { mode: 'O0', flags: ['--no-color'], run: true },
  { mode: 'O2', flags: ['--no-color', '--opt-level', '2'], run: true },
  { mode: 'json', flags: ['--no-color', '--json'], run: false },
];
/** Probes keep their whole text under this one key (as the first records did). */
const PROBE_SOURCE_KEY = 'main.mpl (or # file: sections)';

const options = parseArgs(process.argv.slice(2));
const compilers = [
  ['february', options['meshc-february'] ?? process.env.MESHC_FEBRUARY],
  ['april', options['meshc-april'] ?? process.env.MESHC_APRIL],
].filter(([, path]) => path);
if (compilers.length === 0) fail('no compiler: give --meshc-february PATH and/or --meshc-april PATH (or set MESHC_FEBRUARY / MESHC_APRIL)');
for (const [dialect, path] of compilers) if (!existsSync(path)) fail(`${dialect} meshc ${path} does not exist`);
const outDir = resolve(options.out ?? join(ROOT, 'fixtures/real-meshc'));
const programs = (options._.length > 0 ? options._ : defaultPrograms()).map(loadProgram);

for (const [dialect, meshc] of compilers) {
  const version = (await runProcess(meshc, ['--version'], { timeoutMs: 30_000 })).stdout.trim();
  const env = { RUST_BACKTRACE: '0', ...(dialect === 'february' && process.platform === 'linux' ? libmPath() : {}) };
  mkdirSync(join(outDir, dialect), { recursive: true });
  for (const program of programs) {
    const cases = [];
    for (const { mode, flags, run } of MODES) cases.push(await recordCase(meshc, program.files, mode, flags, run, env));
    const record = { program: program.label, dialect, compiler: version, cases, source: program.source };
    const file = join(outDir, dialect, `${program.name}.json`);
    writeFileSync(file, pythonStyleJson(record));
    console.log(`${relative(process.cwd(), file)}: ${cases.map(summary).join(' | ')}`);
  }
}

/** One build (and run) in a fresh temp folder; paths of this machine are normalised. */
async function recordCase(meshc, files, mode, flags, run, env) {
  const tmp = mkdtempSync(join(tmpdir(), 'record-real-'));
  try {
    for (const [rel, text] of files) {
      mkdirSync(dirname(join(tmp, 'project', rel)), { recursive: true });
      writeFileSync(join(tmp, 'project', rel), text);
    }
    const args = ['build', 'project', ...flags];
    const build = await runProcess(meshc, args, { cwd: tmp, env, timeoutMs: BUILD_TIMEOUT_MS });
    const result = { mode, build: normalise({ ...build, argv: ['meshc', ...args] }, tmp) };
    const binary = join(tmp, 'project', 'project');
    if (run && build.exitCode === 0 && existsSync(binary)) {
      const ran = await runProcess('./project/project', [], { cwd: tmp, env: { RUST_BACKTRACE: '0' }, timeoutMs: RUN_TIMEOUT_MS });
      result.run = normalise(ran, tmp);
    }
    return result;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** A RunRecord (src/types/run.ts) without machine-specific paths. */
function normalise(record, tmp) {
  const clean = (text) => text.split(tmp).join('<tmp>').split(`${homedir()}/`).join('/home/dev/');
  const { argv, exitCode, signal, stdout, stderr, ms, timedOut } = record;
  return { argv, exitCode, signal, stdout: clean(stdout), stderr: clean(stderr), ms, timedOut };
}

function defaultPrograms() {
  const gaps = join(ROOT, 'fixtures/mesh/gaps');
  const scenarios = join(ROOT, 'fixtures/mesh/scenarios');
  return [
    ...readdirSync(gaps).filter((f) => f.endsWith('.mpl')).sort().map((f) => join(gaps, f)),
    ...readdirSync(scenarios, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join(scenarios, d.name)).sort(),
  ];
}

/** Name, label, files to compile and source to keep for a probe, a scenario folder or a file. */
function loadProgram(given) {
  const path = resolve(given);
  if (!existsSync(path)) fail(`${given} does not exist`);
  const label = relative(ROOT, path);
  if (statSync(path).isDirectory()) {
    const rels = meshFiles(path);
    if (!rels.includes('main.mpl')) fail(`${given} has no main.mpl`);
    const ordered = ['main.mpl', ...rels.filter((r) => r !== 'main.mpl')];
    const source = Object.fromEntries(ordered.map((r) => [r, readFileSync(join(path, r), 'utf8')]));
    return { name: basename(path), label, files: Object.entries(source), source };
  }
  if (!path.endsWith('.mpl')) fail(`${given} is neither a .mpl file nor a folder`);
  const text = readFileSync(path, 'utf8');
  const isProbe = dirname(path) === join(ROOT, 'fixtures/mesh/gaps');
  const files = isProbe ? [...splitModules(text)] : [['main.mpl', text]];
  return { name: basename(path, '.mpl'), label: isProbe ? label : `own test program: ${basename(path)}`, files, source: { [PROBE_SOURCE_KEY]: text } };
}

function meshFiles(dir, sub = '') {
  const out = [];
  for (const entry of readdirSync(join(dir, sub), { withFileTypes: true })) {
    const rel = sub ? `${sub}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...meshFiles(dir, rel));
    else if (entry.name.endsWith('.mpl')) out.push(rel);
  }
  return out.sort();
}

/** PATH with a `cc` first that appends -lm (February meshc links without it). */
function libmPath() {
  const cc = (process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'cc')).find((p) => existsSync(p));
  if (!cc) fail('no cc on PATH: meshc links with cc');
  const dir = mkdtempSync(join(tmpdir(), 'record-real-cc-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'cc'), `#!/bin/sh\nexec '${cc}' "$@" -lm\n`);
  chmodSync(join(dir, 'cc'), 0o755);
  return { PATH: `${dir}${delimiter}${process.env.PATH ?? ''}` };
}

/** JSON as the first records were written: one-space indent, non-ASCII as \uXXXX, no final newline. */
function pythonStyleJson(value) {
  return JSON.stringify(value, null, 1).replace(/[\u0080-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function summary({ mode, build, run }) {
  const outcome = (r) => (r.timedOut ? 'timeout' : (r.signal ?? `exit ${r.exitCode}`));
  return `${mode} build ${outcome(build)}${run ? `, run ${outcome(run)}` : ''}`;
}

function parseArgs(argv) {
  const parsed = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') {
      console.log('usage: npm run record:real -- [--meshc-february PATH] [--meshc-april PATH] [--out DIR] [probe.mpl | scenario-folder | file.mpl]...');
      process.exit(0);
    }
    const m = /^--(meshc-february|meshc-april|out)(?:=(.*))?$/.exec(arg);
    if (m) parsed[m[1]] = m[2] ?? argv[++i] ?? fail(`${arg} needs a value`);
    else if (arg.startsWith('-')) fail(`unknown option ${arg}`);
    else parsed._.push(arg);
  }
  return parsed;
}

function fail(message) {
  console.error(`record:real: ${message}`);
  process.exit(2);
}
