import type { RunRecord, Stage } from '../types/index.js';
import { deathSignal, findRustPanics, findStackOverflow, firstLine } from './rust-text.js';
import { SIGNATURE_VERSION, makeSignature, stripAnsi } from './signature.js';
import type { Lean, Observation, ObserveOptions } from './types.js';

/** An observation made while a program runs (no diagnostics, no codegen warnings). */
export function runObservation(stage: Stage, code: string, message: string, lean: Lean, because: string, detail = '', generic = false): Observation {
  return {
    symptom: { stage, code, message, signature: makeSignature(stage, code, message), signatureVersion: SIGNATURE_VERSION, generic },
    phase: 'run',
    lean,
    because,
    detail,
    diagnostics: [],
    codegenWarnings: [],
  };
}

/**
 * RunRecord of a compiled Mesh program → Observation. A compiled program exits 0 unless it
 * dies (generated `main` returns 0; there is no exit builtin), and every runtime panic
 * aborts the whole process with SIGABRT.
 */
export function observeRun(record: RunRecord, options: ObserveOptions = {}): Observation {
  const stderr = stripAnsi(record.stderr);
  const make = (stage: Stage, message: string, lean: Lean, because: string, detail = '', generic = false): Observation => ({
    ...runObservation(stage, '', message, lean, because, detail, generic),
    stdout: record.stdout,
  });

  if (record.timedOut) {
    return make('hang', 'program still running at the timeout', 'none', 'the program did not finish (a server or an endless actor never exits: the scheduler waits for every actor)');
  }
  const signal = deathSignal(record.exitCode, record.signal);
  const panics = findRustPanics(stderr);
  if (panics.length > 0 && (signal !== undefined || record.exitCode !== 0)) {
    return panicObservation(panics, stderr, make);
  }
  if (signal) return signalObservation(signal, stderr, make);
  if (record.exitCode !== 0) {
    return make('runtime-crash', `program exited with status ${record.exitCode ?? '?'}`, 'none', 'a compiled Mesh program exits 0 unless it crashes; this non-zero exit has no recognised cause (generic symptom)', stderr.trim(), true);
  }
  if (options.expectedStdout !== undefined && record.stdout !== options.expectedStdout) {
    return make('wrong-output', 'stdout differs from expected output', 'none', `stdout differs from the expected output: ${describeDifference(options.expectedStdout, record.stdout)}`, record.stdout);
  }
  // Without an expected output a wrong output looks like any other clean run: say so.
  return make('ok', 'program ran cleanly', 'none', options.expectedStdout !== undefined ? 'the program printed the expected output' : 'the program ran and exited 0 (its output was not checked: no expected output was given)');
}

type Make = (stage: Stage, message: string, lean: Lean, because: string, detail?: string, generic?: boolean) => Observation;

function panicObservation(panics: ReturnType<typeof findRustPanics>, stderr: string, make: Make): Observation {
  const first = panics[0]!;
  const message = first.message || 'runtime panic';
  const blocks = panics.map((p) => p.block).join('\n');
  const ubCheck = panics.find((p) => /misaligned pointer dereference|unsafe precondition\(s\) violated/.test(p.message));
  if (ubCheck) {
    return make('runtime-panic', ubCheck.message, 'compiler', "the runtime's debug checks caught a value of the wrong type or layout: the compiler produced it (Mesh has no raw pointers)", blocks);
  }
  if (/^Mesh panic at <compiler>/.test(message)) {
    return make('runtime-panic', message, 'compiler', 'a panic the compiler itself inserted (`<compiler>` location) fired at run time', blocks);
  }
  if (/^Mesh panic at .*non-exhaustive match/.test(message)) {
    return make('runtime-panic', message, 'app', 'a `case` or multi-clause function met a value no arm matches: usually an application bug', blocks);
  }
  if (/^Mesh panic at /.test(message)) return make('runtime-panic', message, 'app', 'the program raised a Mesh panic', blocks);
  if (/^mesh_\w+: /.test(message)) {
    return make('runtime-panic', message, 'app', `a standard-library function panicked on a bad argument (${message.split(':')[0]}): an application bug`, blocks);
  }
  const overflow = findStackOverflow(stderr);
  if (overflow) return make('runtime-crash', overflow, 'none', 'the program overflowed its stack (unbounded recursion is an application bug)', blocks);
  return make('runtime-panic', message, 'none', 'the runtime panicked with a message no rule recognises (generic symptom)', blocks, true);
}

function signalObservation(signal: string, stderr: string, make: Make): Observation {
  const message = `program killed by ${signal}`;
  switch (signal) {
    case 'SIGSEGV':
    case 'SIGBUS':
    case 'SIGILL':
      return make('runtime-crash', message, 'compiler', `the program died of ${signal}; Mesh is memory-safe, so this points at the compiler or runtime (unless it recurses without bound: a stack overflow is also a silent SIGSEGV)`, stderr.trim());
    case 'SIGFPE':
      return make('runtime-crash', message, 'app', 'SIGFPE: an integer division or modulo by zero, which Mesh does not check at run time', stderr.trim());
    case 'SIGABRT': {
      const fatal = firstLine(stderr, /^fatal runtime error:/);
      return make('runtime-crash', fatal ?? message, 'compiler', 'the program aborted without a Mesh or stdlib panic message', stderr.trim());
    }
    case 'SIGKILL':
    case 'SIGTERM':
    case 'SIGINT':
      return make('runtime-crash', message, 'none', `the program was killed by ${signal} from outside; not evidence by itself`, stderr.trim());
    default:
      return make('runtime-crash', message, 'none', `the program died of ${signal}, which no rule covers (generic symptom)`, stderr.trim(), true);
  }
}

/** Where two outputs first differ, in words: `line 3: expected "10", got "11"`. */
export function describeDifference(expected: string, actual: string): string {
  const e = expected.split('\n');
  const a = actual.split('\n');
  for (let i = 0; i < Math.max(e.length, a.length); i++) {
    if (e[i] !== a[i]) {
      const show = (s: string | undefined): string => (s === undefined ? '(nothing)' : JSON.stringify(s.length > 80 ? `${s.slice(0, 77)}...` : s));
      return `line ${i + 1}: expected ${show(e[i])}, got ${show(a[i])}`;
    }
  }
  return 'outputs differ';
}

/**
 * The first line of `actual` that is wrong compared to `expected`, used by the
 * expectation oracle to keep the *same* wrong output while shrinking.
 */
export function firstWrongLine(expected: string, actual: string): string | undefined {
  const e = expected.split('\n');
  const a = actual.split('\n');
  for (let i = 0; i < a.length; i++) if (a[i] !== e[i]) return a[i];
  return undefined;
}
