import type { RunRecord, Stage } from '../types/index.js';
import { jsonFatalMessages, jsonDiagnostics, parseHumanDiagnostics } from './human-diagnostics.js';
import { jsonObjects, textOutsideObjects } from './json-stream.js';
import { deathSignal, findRustPanics, findStackOverflow, firstLine } from './rust-text.js';
import { SIGNATURE_VERSION, makeSignature, stripAnsi } from './signature.js';
import type { Diagnostic, Lean, Observation, ObserveOptions } from './types.js';

/**
 * RunRecord of `meshc build` → Observation. Works on `--no-color` and `--json` stderr
 * alike: JSON objects are pulled out by the streaming scanner, the rest is read as text.
 * Rules follow the meshc fact sheet's classification cheat-sheet, in its order.
 */
export function observeBuild(record: RunRecord, options: ObserveOptions = {}): Observation {
  const raw = stripAnsi(record.stderr);
  const objects = jsonObjects(raw);
  const text = textOutsideObjects(raw);
  const diagnostics = [...parseHumanDiagnostics(text), ...jsonDiagnostics(objects)];
  const codegenWarnings = codegenWarningsIn(text);
  const base = { phase: 'build' as const, diagnostics, codegenWarnings };
  const make = (stage: Stage, code: string, message: string, lean: Lean, because: string, detail = '', generic = false): Observation => ({
    ...base,
    symptom: { stage, code, message, signature: makeSignature(stage, code, message), signatureVersion: SIGNATURE_VERSION, generic },
    lean,
    because,
    detail,
  });

  if (record.timedOut) {
    return make('hang', '', 'meshc build did not finish within the timeout', 'compiler', 'a compiler should always terminate; meshc kept running until it was killed');
  }
  const signal = deathSignal(record.exitCode, record.signal);
  if (signal || record.exitCode === 101) return crash(text, signal, record.exitCode, make);
  if (record.exitCode === 0) {
    return codegenWarnings.length
      ? make('ok', '', 'build succeeded', 'none', `the build succeeded but MIR lowering warned: ${codegenWarnings[0]} (suspicious, possibly a compiler bug)`)
      : make('ok', '', 'build succeeded', 'none', 'meshc built the program');
  }
  if (record.exitCode === 2) {
    return make('parse', '', firstLine(text, /^error: /) ?? 'meshc rejected its command line', 'environment', 'meshc exited 2: a command-line usage error (wrong meshc, or a flag it does not know)', text.trim());
  }
  if (record.exitCode === 127) {
    return make('parse', '', 'meshc could not be started', 'environment', 'the meshc executable could not be started', text.trim());
  }
  const fatal = jsonFatalMessages(objects)[0] ?? errorMessage(text);
  const failure = handledFailure(fatal, text, diagnostics, make);
  if (options.definesMain === false) return blameMissingMain(failure);
  if (options.definesMain === undefined && failure.symptom.message === NO_MAIN_TEXT) {
    return { ...failure, because: `${failure.because} (both real compilers also print this for a program without \`fn main\`)` };
  }
  return failure;
}

/** What both real compilers print for a program without `fn main` (a real codegen bug can print it too). */
const NO_MAIN_TEXT = 'Unsupported binop type: String';

const BACK_END: readonly Stage[] = ['lowering', 'llvm-verify', 'codegen', 'link'];

/**
 * A program without `fn main` passes the front end and then fails in the back end with text
 * that does not say why (both real compilers: `Unsupported binop type: String`); when the
 * caller knows there is no main, that failure is the user's.
 */
function blameMissingMain(failure: Observation): Observation {
  if (!BACK_END.includes(failure.symptom.stage) || failure.symptom.generic || failure.lean === 'environment') return failure;
  return {
    ...failure,
    lean: 'app',
    because: `the program defines no \`fn main\`; meshc does not say so but fails after the front end ("${failure.symptom.message}"): a user error, not a compiler bug`,
  };
}

type Make = (stage: Stage, code: string, message: string, lean: Lean, because: string, detail?: string, generic?: boolean) => Observation;

function crash(text: string, signal: string | undefined, exitCode: number | null, make: Make): Observation {
  const panic = findRustPanics(text)[0];
  if (panic) {
    return make('compiler-crash', '', panic.message || 'meshc panicked', 'compiler', `meshc panicked${panic.location ? ` at ${panic.location}` : ''}: the compiler itself crashed`, panic.block);
  }
  const overflow = findStackOverflow(text);
  if (overflow) {
    return make('compiler-crash', '', overflow, 'compiler', 'meshc overflowed its stack (often deeply nested input): the compiler itself crashed', text.trim());
  }
  const llvm = firstLine(text, /^LLVM ERROR:/);
  if (llvm) return make('compiler-crash', '', llvm, 'compiler', 'LLVM hit a fatal error inside meshc', text.trim());
  if (signal === 'SIGKILL' || signal === 'SIGTERM') {
    return make('compiler-crash', '', `meshc killed by ${signal}`, 'none', `meshc was killed by ${signal} from outside (for example the out-of-memory killer); not evidence by itself`, text.trim());
  }
  const what = signal ? `killed by ${signal}` : `exited with status ${exitCode ?? '?'}`;
  return make('compiler-crash', '', `meshc ${what}`, 'compiler', `meshc ${what} without a message: a crash inside the compiler or LLVM`, text.trim());
}

/** Handled errors end with `error: <message>` (possibly several lines, per the errata). */
function errorMessage(text: string): string | undefined {
  const lines = text.split(/\r?\n/);
  const errorLines = lines.map((l, i) => ({ l, i })).filter(({ l }) => /^error: /.test(l));
  // N prints clustered-declaration issues as `error:` lines before the final one; prefer the final.
  const final = errorLines.find(({ l }) => /^error: Compilation failed due to errors above\./.test(l)) ?? errorLines[0];
  if (!final) return undefined;
  const rest = lines.slice(final.i + 1).filter((l) => !/^\s{2}(Compiled|LLVM IR): /.test(l));
  return [final.l.slice('error: '.length), ...rest].join('\n').trimEnd();
}

const LOWERING = /^(Failed to cast root node to SourceFile|clustered route wrapper\b)/;
const CODEGEN_INVARIANT =
  /^(Unknown struct type|Unknown sum type|Unknown variant|Field access on non-struct type|Switch on non-sum type|Unsupported (int|float|bool|binop|string)\b.*|Function '.*' not declared|Entry function '.*' not found|Closure function '.*' not found|.* returned void|Cannot coerce|Cannot negate type|Struct update on non-struct|StructField on non-struct|TupleField on non-tuple|VariantField on non-sum|Undefined variable '|Math\.(abs|min|max): unsupported type|Builder error|Optimization passes failed|Failed to emit (object file|LLVM IR))/;
const TARGET_SETUP = /^(Failed to initialize native target|Invalid target triple|Failed to create target machine|Unsupported linker target triple)/;
const RUNTIME_MISSING = /(Could not locate (libmesh_rt|Mesh runtime)|Mesh runtime static library not found|Mesh runtime override|MESH_RT_LIB_PATH)/;
const MISSING_MAIN = /undefined reference to [`']main'|undefined symbol: _?main\b|"_main", referenced from/;
// C math functions the runtime calls: undefined when the link lacks -lm (February meshc on Linux).
const LIBM_SYMBOL = /undefined reference to [`'](?:log|log2|log10|log1p|exp|exp2|expm1|pow|sqrt|cbrt|sin|cos|tan|asin|acos|atan|atan2|sinh|cosh|tanh|floor|ceil|round|trunc|fmod|hypot|fma|fmin|fmax)f?'/;
const PROJECT_INPUT =
  /^(No 'main\.mpl' found|Entrypoint '|Resolved entrypoint '|'.*' is not a directory|Failed to parse .*mesh\.toml|.*\[cluster\] manifest sections)/;
const MODULE_GRAPH = /^(Module '.*' cannot import itself|Circular dependency: )/;

function handledFailure(fatal: string | undefined, text: string, diagnostics: Diagnostic[], make: Make): Observation {
  const message = fatal ?? '';
  const headline = message.split('\n')[0]?.trim() ?? '';
  const firstError = diagnostics.find((d) => d.severity === 'error');

  if (/^Compilation failed due to errors above\./.test(headline) || (!fatal && firstError)) {
    if (!firstError) {
      const issue = firstLine(text, /^error: (?!Compilation failed)/)?.slice('error: '.length);
      return issue
        ? make('typecheck', '', issue, 'app', 'meshc rejected the program in the front end')
        : make('typecheck', '', headline, 'none', 'meshc reported front-end errors but no diagnostic could be read (generic symptom)', text.trim(), true);
    }
    const isParse = firstError.code === 'P0001' || (!firstError.code && /^Parse error/.test(firstError.message));
    const stage: Stage = isParse ? 'parse' : 'typecheck';
    return make(stage, firstError.code, firstError.message, 'app', `the ${isParse ? 'parser' : 'type checker'} rejected the program (${firstError.code || 'parse error'}): an application error unless the program is known to be valid`);
  }
  const verifier = /^LLVM module verification failed: ?(.*)$/s.exec(message);
  if (verifier) {
    const full = unescapeRustDebug(verifier[1] ?? '');
    const sentence = full.split('\n').map((l) => l.trim()).find(Boolean) ?? 'LLVM module verification failed';
    return make('llvm-verify', '', sentence, 'compiler', 'LLVM rejected the module meshc generated, after the front end accepted the program', full);
  }
  if (LOWERING.test(headline)) return make('lowering', '', headline, 'compiler', 'MIR lowering failed after the front end accepted the program', message);
  if (CODEGEN_INVARIANT.test(headline)) return make('codegen', '', headline, 'compiler', 'a code generator invariant failed after the front end accepted the program', message);
  if (TARGET_SETUP.test(headline)) return make('codegen', '', headline, 'environment', 'LLVM target setup failed: an environment or --target problem, not a program bug', message);
  if (RUNTIME_MISSING.test(message)) return make('link', '', headline, 'environment', 'meshc could not find the Mesh runtime library (libmesh_rt.a): an environment problem', message);
  if (/^Failed to invoke linker/.test(headline)) return make('link', '', headline, 'environment', 'the C compiler used for linking could not be started: an environment problem', message);
  if (/^Linking failed/.test(headline)) return linkFailure(message, make);
  if (MODULE_GRAPH.test(headline)) return make('typecheck', '', headline, 'app', 'the module import graph is invalid (self-import or cycle): an application error');
  if (PROJECT_INPUT.test(headline)) return make('parse', '', headline, 'environment', 'meshc could not use the project directory or manifest', message);
  const shown = headline || firstLine(text, /\S/) || 'meshc build failed without output';
  return make('codegen', '', shown, 'none', `meshc failed with text no rule recognises (generic symptom): ${shown}`, text.trim(), true);
}

function linkFailure(message: string, make: Make): Observation {
  const linkerLines = message.split('\n').slice(1).map((l) => l.trim()).filter(Boolean);
  const key =
    linkerLines.find((l) => /undefined (reference|symbol)/.test(l)) ??
    linkerLines.find((l) => !/^(collect2|linker:|runtime:|stderr:|clang: error: linker command failed)/.test(l)) ??
    '';
  const text = key ? `Linking failed: ${key.replace(/^.*?(undefined (reference|symbol))/, '$1')}` : 'Linking failed';
  if (MISSING_MAIN.test(message)) {
    return make('link', '', text, 'app', 'the link failed only because the program defines no `fn main` (a user error)', message);
  }
  if (LIBM_SYMBOL.test(message)) {
    return make('link', '', text, 'environment', 'the link lacks the C math library (-lm): February meshc links without it, which fails on Linux; an environment problem (put a cc that appends -lm first on PATH)', message);
  }
  const stale = /undefined (reference|symbol)[^\n]*\bmesh_/.test(message) ? ' (an undefined mesh_* runtime symbol can also mean a libmesh_rt.a from another meshc snapshot)' : '';
  return make('link', '', text, 'compiler', `linking the generated object failed after the front end accepted the program${stale}`, message);
}

function codegenWarningsIn(text: string): string[] {
  return text
    .split(/\r?\n/)
    .filter((l) => l.startsWith('[mesh-codegen] warning:'))
    .map((l) => l.slice('[mesh-codegen] warning:'.length).trim());
}

/** Undoes Rust `{:?}` string escaping: the quoted verifier text is one line with `\n`, `\t`, `\'`, `\"`, `\xNN`, `\u{…}`. */
export function unescapeRustDebug(quoted: string): string {
  let s = quoted.trim();
  if (s.startsWith('"') && s.endsWith('"') && s.length >= 2) s = s.slice(1, -1);
  return s.replace(/\\(x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]+\}|.)/g, (_, e: string) => {
    if (e.startsWith('x')) return String.fromCharCode(parseInt(e.slice(1), 16));
    if (e.startsWith('u{')) {
      const cp = parseInt(e.slice(2, -1), 16);
      return cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
    }
    return ({ n: '\n', t: '\t', r: '\r', '0': '\0' } as Record<string, string>)[e] ?? e;
  });
}
