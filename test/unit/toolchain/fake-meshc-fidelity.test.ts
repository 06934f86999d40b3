/**
 * The double is faithful: every case the two real compilers recorded (fixtures/real-meshc) is
 * replayed through the fake-meshc rule derived from that record, built and run the way the
 * record was made, and the double must print what the real compiler printed: same stdout,
 * stderr, exit code, signal and timeout, once pids, build-machine paths and the frames of a
 * runtime backtrace are normalised. A difference is a bug of the double's rendering.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { splitModules } from '../../../src/gaps/index.js';
import { runProcess } from '../../../src/toolchain/index.js';
import type { RunRecord } from '../../../src/types/index.js';
import { makeFakeMeshc, type FakeBuildOutcome, type FakeDiagnostic, type FakeRule, type FakeRunOutcome } from '../../support/fake-meshc.js';
import { scanJsonObjects } from '../../support/json-stream.js';

type Mode = 'O0' | 'O2' | 'json';
interface RecordedCase {
  mode: Mode;
  build: RunRecord;
  run?: RunRecord;
}
interface RecordedFile {
  program: string;
  dialect: 'february' | 'april';
  source: Record<string, string>;
  cases: RecordedCase[];
}
interface JsonDiagnostic {
  code: string;
  severity: string;
  message: string;
  file: string;
  spans: Array<{ start: number; end: number; label: string }>;
  fix: string | null;
}

/** What a derivation gives: a part of a rule, or why the double cannot replay that shape. */
type Derived<T> = { ok: T } | { unsimulated: string };

/**
 * Cases whose shape the double does not simulate, keyed `dialect/file/mode/build|run`, with
 * the reason. The test fails when the derivation gives up on any case not listed here (or a
 * listed case becomes replayable), so this list cannot grow unnoticed.
 */
const NOT_SIMULATED: Record<string, string> = {};

// ---------------------------------------------------------------- record → rule (pure)

const FINAL_LINE = 'Compilation failed due to errors above.';
const PANIC =
  /^\nthread 'main' \(\d+\) panicked at (\S+):\n([\s\S]*?)\n(?:stack backtrace:\n((?: +\d+: .*\n)+)note: Some details are omitted, run with `RUST_BACKTRACE=full` for a verbose backtrace\.|note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace)\n$/;
const RUNTIME_PANIC =
  /^\nthread '<unnamed>' \(\d+\) panicked at \S+:\n(Mesh panic at <unknown>:0: )?(.*)\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n\nthread '<unnamed>' \(\d+\) panicked at \S+:\npanic in a function that cannot unwind\nstack backtrace:\n[\s\S]*\nthread caused non-unwinding panic\. aborting\.\n$/;
const HTTP_LISTENING = /^\[mesh-rt\] HTTP server listening on (?:\[::\]|0\.0\.0\.0):(\d+)\n$/;

/** Reads a Rust `{:?}` string literal back (the verifier text of an LLVM failure). */
function rustUnescape(quoted: string): string {
  const inner = quoted.replace(/^"|"$/g, '');
  return inner.replace(/\\(u\{([0-9a-f]+)\}|.)/g, (_, ch: string, hex?: string) =>
    hex ? String.fromCodePoint(parseInt(hex, 16)) : ({ n: '\n', t: '\t', r: '\r', '0': '\0' } as Record<string, string>)[ch] ?? ch,
  );
}

/** The `error:` message of a failed build: the human `error:` text, or the JSON C0001 message. */
function finalMessage(record: RunRecord, json: boolean): string | undefined {
  if (json) {
    const objects = scanJsonObjects(record.stderr).objects as JsonDiagnostic[];
    return objects.at(-1)?.code === 'C0001' ? objects.at(-1)!.message : undefined;
  }
  const at = record.stderr.startsWith('error: ') ? 0 : record.stderr.lastIndexOf('\nerror: ') + 1;
  return at > 0 || record.stderr.startsWith('error: ') ? record.stderr.slice(at + 'error: '.length).replace(/\n$/, '') : undefined;
}

/** The human fields of each ariadne report (headline, label, help, note), in order. */
function humanReports(stderr: string): Array<{ code?: string; headline: string; label?: string; help?: string; note?: string }> {
  const reports = stderr.split(/^(?=(?:\[\w+\] )?(?:Error|Warning): )/m).filter((part) => !part.startsWith('error: '));
  return reports.map((report) => {
    const header = /^(?:\[(\w+)\] )?(?:Error|Warning): (.*)$/m.exec(report)!;
    const labels = [...report.matchAll(/╰─+ (.*)$/gm)];
    return {
      code: header[1],
      headline: header[2]!,
      label: labels.at(-1)?.[1],
      help: /^ *│ Help: (.*)$/m.exec(report)?.[1],
      note: /^ *│ Note: (.*)$/m.exec(report)?.[1],
    };
  });
}

/** Parse and type errors: spans, messages and fixes from the `--json` case, wording from the human one. */
function diagnostics(file: RecordedFile): Derived<FakeBuildOutcome> {
  const jsonCase = file.cases.find((c) => c.mode === 'json')!;
  const humanCase = file.cases.find((c) => c.mode === 'O0')!;
  const objects = (scanJsonObjects(jsonCase.build.stderr).objects as JsonDiagnostic[]).filter((o) => o.code !== 'C0001');
  const human = humanReports(humanCase.build.stderr.replace(/error: [^\n]*\n$/, ''));
  if (objects.length === 0 || objects.length !== human.length) return { unsimulated: 'human and JSON diagnostics do not pair up' };
  if (objects.some((o) => o.spans.length !== 1 || o.severity !== 'error')) return { unsimulated: 'a diagnostic with several spans, or a warning' };
  const parse = objects.every((o) => o.code === 'P0001');
  if (!parse && objects.some((o) => o.code === 'P0001')) return { unsimulated: 'parse and type errors in one build' };
  const errors = objects.map((o, i): FakeDiagnostic => {
    const [span] = o.spans;
    const where = { file: o.file.replace(/^project\//, ''), start: span!.start, end: span!.end };
    if (parse) return { ...where, message: span!.label };
    const words = human[i]!;
    return { ...where, code: o.code, headline: words.headline, message: o.message, label: words.label, jsonLabel: span!.label, help: words.help, note: words.note, fix: o.fix };
  });
  return { ok: { kind: parse ? 'parse-error' : 'type-error', errors } };
}

/** The build outcome that makes the double print what this build record holds. */
function buildOutcomeFor(file: RecordedFile, recorded: RecordedCase): Derived<FakeBuildOutcome | undefined> {
  const { build } = recorded;
  if (build.exitCode === 0) {
    return build.stderr === '  Compiled: project/project\n' ? { ok: undefined } : { unsimulated: 'a successful build with more output than `Compiled:`' };
  }
  if (build.exitCode === 101) {
    const m = PANIC.exec(build.stderr);
    if (!m) return { unsimulated: 'a compiler panic of an unknown layout' };
    const backtrace = m[3]?.trimEnd().split('\n').map((line) => line.replace(/^ +\d+: /, ''));
    return { ok: { kind: 'panic', location: m[1]!, message: m[2]!, ...(backtrace ? { backtrace } : {}) } };
  }
  const message = build.exitCode === 1 ? finalMessage(build, recorded.mode === 'json') : undefined;
  if (message === undefined) return { unsimulated: `a build ending with exit ${build.exitCode} / ${build.signal}` };
  if (message === FINAL_LINE) return diagnostics(file);
  const verify = /^LLVM module verification failed: (".*")$/s.exec(message);
  if (verify) return { ok: { kind: 'llvm-verify', text: rustUnescape(verify[1]!) } };
  const link = /^Linking failed(?: for target '[^']*'\.\nlinker: cc\nruntime: [^\n]*\nstderr:\n|:\n)([\s\S]*)$/.exec(message);
  if (link) return { ok: { kind: 'link', stderr: link[1]! } };
  return { ok: { kind: 'error', message } };
}

/** What the built binary must do to print what this run record holds. */
function runOutcomeFor(run: RunRecord): Derived<FakeRunOutcome> {
  const stdout = { stdout: run.stdout };
  const listening = HTTP_LISTENING.exec(run.stderr);
  if (run.timedOut) {
    // A server that never exits: its only stderr is the runtime's listening line.
    if (listening) return { ok: { ...stdout, listening: Number(listening[1]), hang: true } };
    return run.stderr ? { unsimulated: 'a hang that printed to stderr' } : { ok: { ...stdout, hang: true } };
  }
  const panic = RUNTIME_PANIC.exec(run.stderr);
  if (panic && run.signal === 'SIGABRT') return { ok: { ...stdout, ...(panic[1] ? { panic: panic[2]! } : { runtimePanic: panic[2]! }) } };
  const stderr = listening ? { listening: Number(listening[1]) } : run.stderr ? { stderr: run.stderr } : {};
  if (run.signal) return { ok: { ...stdout, ...stderr, signal: run.signal } };
  return { ok: { ...stdout, ...stderr, ...(run.exitCode ? { exitCode: run.exitCode } : {}) } };
}

const WHEN: Record<Mode, NonNullable<FakeRule['when']>> = { O0: { json: false, optLevel: 0 }, O2: { json: false, optLevel: 2 }, json: { json: true } };

// ---------------------------------------------------------------- normalising

/** Pids, the rustc commit, the runtime's build-machine path and a runtime backtrace's frames. */
function normalise(text: string): string {
  return text
    .replace(/thread '([^']*)' \(\d+\)/g, "thread '$1' (<pid>)")
    .replace(/\/rustc\/[0-9a-f]{40}\//g, '/rustc/<hash>/')
    .replace(/runtime: \S*?libmesh_rt\.a/g, 'runtime: <target>/libmesh_rt.a')
    .replace(/(panic in a function that cannot unwind\nstack backtrace:\n)[\s\S]*?(?=thread caused non-unwinding panic)/g, '$1<frames>\n');
}

const comparable = (record: RunRecord): Record<string, unknown> => ({
  exitCode: record.exitCode,
  signal: record.signal,
  timedOut: record.timedOut,
  stdout: normalise(record.stdout),
  stderr: normalise(record.stderr),
});

// ---------------------------------------------------------------- the replay

const root = join(__dirname, '../../../fixtures/real-meshc');
const recorded = (['february', 'april'] as const).flatMap((dialect) =>
  readdirSync(join(root, dialect))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ key: `${dialect}/${f.replace(/\.json$/, '')}`, file: JSON.parse(readFileSync(join(root, dialect, f), 'utf8')) as RecordedFile })),
);

/** The recorded source as a project: a probe's `# file:` sections become modules. */
function projectFiles(file: RecordedFile): ReadonlyMap<string, string> {
  const entries = Object.entries(file.source);
  return entries.length === 1 ? splitModules(entries[0]![1]) : new Map(entries);
}

const cleanups: Array<() => Promise<void>> = [];

/** Builds the recorded project with the double the way the record was made, runs the binary, compares. */
async function replay(key: string, file: RecordedFile, rules: FakeRule[], modes: Mode[]): Promise<void> {
  const meshc = await makeFakeMeshc({ dialect: file.dialect, rules });
  const work = await mkdtemp(join(tmpdir(), 'fidelity-'));
  cleanups.push(meshc.cleanup, () => rm(work, { recursive: true, force: true }));
  for (const [path, text] of projectFiles(file)) {
    await mkdir(dirname(join(work, 'project', path)), { recursive: true });
    await writeFile(join(work, 'project', path), text);
  }
  for (const c of file.cases) {
    if (!modes.includes(c.mode)) continue;
    const build = await runProcess(meshc.path, c.build.argv.slice(1), { cwd: work, timeoutMs: 30_000 });
    expect(comparable(build), `${key} ${c.mode} build`).toEqual(comparable(c.build));
    if (!c.run) continue;
    // A recorded hang was killed after 10 s; the double's hang is cut shorter.
    const run = await runProcess(join(work, 'project/project'), [], { cwd: work, timeoutMs: c.run.timedOut ? 500 : 10_000 });
    expect(comparable(run), `${key} ${c.mode} run`).toEqual(comparable(c.run));
  }
}

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

/** Each recorded file's rules (one per mode), derived before any test runs; gaps are collected. */
const unsimulated = new Map<string, string>();
const replays = recorded.map(({ key, file }) => {
  const rules: FakeRule[] = [];
  for (const c of file.cases) {
    const build = buildOutcomeFor(file, c);
    const run: Derived<FakeRunOutcome | undefined> = c.run ? runOutcomeFor(c.run) : { ok: undefined };
    if ('unsimulated' in build) unsimulated.set(`${key}/${c.mode}/build`, build.unsimulated);
    if ('unsimulated' in run) unsimulated.set(`${key}/${c.mode}/run`, run.unsimulated);
    if ('unsimulated' in build || 'unsimulated' in run) continue;
    rules.push({ name: c.mode, when: WHEN[c.mode], then: { ...(build.ok ? { build: build.ok } : {}), ...(run.ok ? { run: run.ok } : {}) } });
  }
  return { key, file, rules };
});

describe('fake-meshc replays every recorded real-meshc case', () => {
  it('covers every recorded file of both compilers, and lists exactly the cases it cannot replay', () => {
    const programs = (dialect: string): string[] => recorded.filter((r) => r.key.startsWith(`${dialect}/`)).map((r) => r.key.split('/')[1]!);
    expect(recorded.length).toBeGreaterThanOrEqual(92);
    expect(programs('february')).toEqual(programs('april'));
    expect(Object.fromEntries(unsimulated)).toEqual(NOT_SIMULATED);
  });

  // The three modes of a program share one test; a few programs run at once (maxConcurrency).
  it.concurrent.each(replays)('$key', async ({ key, file, rules }) => {
    await replay(key, file, rules, rules.map((r) => r.name as Mode));
  });
});

describe('fake-meshc without rules', () => {
  // The double's own default: a main.mpl with no `fn main` fails as the real compilers did.
  const noMain = replays.filter(({ file }) => !/^[ \t]*(pub\s+)?fn\s+main\s*\(/m.test(projectFiles(file).get('main.mpl') ?? ''));

  it('has recorded programs without fn main', () => {
    expect(noMain.map(({ key }) => key)).toEqual(expect.arrayContaining(['april/no-main', 'april/empty', 'february/no-main', 'february/empty']));
  });

  it.concurrent.each(noMain)('$key fails like the record', async ({ key, file }) => {
    await replay(key, file, [], ['O0', 'O2', 'json']);
  });
});

