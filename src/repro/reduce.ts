import { ExitCode, UserError, type Candidate } from '../types/index.js';
import { Engine } from './engine.js';
import { StateBuilder, candidateBytes, contentKey, type State } from './state.js';
import type { OriginalCheck, ReduceOptions, ReduceResult, SyntaxPort } from './types.js';
import type { Pass } from './passes/pass.js';
import { dropFiles } from './passes/files.js';
import { dropComments } from './passes/comments.js';
import { dropTopLevel } from './passes/top-level.js';
import { hdd } from './passes/hdd.js';
import { dropLines } from './passes/lines.js';
import { dropTokens } from './passes/tokens.js';
import { renameIdentifiers } from './passes/rename.js';
import { tidyFormatting } from './passes/format.js';
import { stubEntry } from './passes/entry.js';
import { stubBodies } from './passes/stub.js';
import { dropDead, pruneModules } from './passes/dead.js';
import { callFromEntry } from './passes/shortcut.js';
import { inlineCalls } from './passes/inline.js';
import { propagateLets } from './passes/propagate.js';
import { dropFields } from './passes/fields.js';
import { withReferences } from './passes/sweep.js';
import { bulkFirst } from './passes/bulk.js';
import { unwrapFunctions } from './passes/unwrap.js';

/**
 * Passes that know about references, in the order the failure needs them: main's body first
 * (first round only; skipped for a failure at run time), then bulk body stubbing, dead items,
 * main calling the culprit directly, inlining, let propagation, unread struct fields, and dead
 * items again (what those cut off).
 */
export const REFERENCE_PASSES: readonly Pass[] = [stubEntry, stubBodies, dropDead, callFromEntry, bulkFirst(inlineCalls), bulkFirst(propagateLets), dropFields, dropDead];
/** Largest first, repeated to a fixpoint. The blind deletion passes skip what breaks a reference and sweep what they leave dead. */
export const MAIN_PASSES: readonly Pass[] = [dropFiles, dropComments, ...REFERENCE_PASSES, withReferences(dropTopLevel), withReferences(hdd)];
/** Failures that happen when the program runs: main's behaviour is part of them. */
const RUN_TIME_STAGES: ReadonlySet<string> = new Set(['runtime-crash', 'runtime-panic', 'wrong-output', 'hang']);
/**
 * Run only when the main passes are stuck; any gain sends the loop back to the main passes.
 * Last, hdd and token windows without the reference filter: a test that does not compile the
 * program (a grep) may accept a candidate that breaks a reference; with a compiling test they
 * only retry what the filter skipped, once, on the small program left. Then a function
 * replaced by its statements.
 */
export const FALLBACK_PASSES: readonly Pass[] = [withReferences(dropLines), withReferences(dropTokens), hdd, dropTokens, unwrapFunctions];
/** Cosmetic, once at the end. */
export const FINAL_PASSES: readonly Pass[] = [renameIdentifiers, tidyFormatting];
export const PASS_NAMES: readonly string[] = [...new Set([pruneModules, ...MAIN_PASSES, ...FALLBACK_PASSES, ...FINAL_PASSES].map((p) => p.name))];

/**
 * Shrinks `input` while `oracle` says it stays interesting. The original must be
 * interesting (twice) and an empty program must not be; otherwise a UserError with
 * ExitCode.NOT_REPRODUCIBLE says which check failed. The result is the same at any `jobs`.
 */
export async function reduceWith(input: Candidate, port: SyntaxPort, options: ReduceOptions): Promise<ReduceResult> {
  const builder = new StateBuilder(port);
  const start = builder.build(input);
  if (!start) throw new UserError(unparsableMessage(input, port), ExitCode.INPUT, 'the reducer needs a program that parses; fix the syntax error first (see `mesher-triage parse`)');
  const engine = new Engine(port, builder, options, start);
  const original = sizeOf(start);

  if (!options.skipOriginalChecks) await checkOriginal(engine, start, options);
  const enabled = (p: Pass): boolean => !options.passes || options.passes.includes(p.name);
  // Unused imports, items and modules go before flattening (one test run), so it has less to merge.
  if (start.files.length > 1 && enabled(pruneModules) && !engine.checkStop()) await engine.runPass(pruneModules);
  let flattened = false;
  if (options.flatten !== false && engine.best.files.length > 1 && port.flatten && !engine.checkStop()) {
    const flat = flattenedState(engine.best, port, builder);
    const stats = engine.statsFor('flatten');
    stats.tried++;
    if (flat && (await engine.ask(flat.candidate)) === 'interesting') {
      flattened = true;
      stats.accepted++;
      stats.tokensRemoved += engine.best.tokens - flat.tokens;
      stats.bytesRemoved += engine.best.bytes - flat.bytes;
      engine.best = flat;
      await options.onBest?.(flat.candidate);
    }
  }

  const runTime = options.stage !== undefined && RUN_TIME_STAGES.has(options.stage);
  const main = MAIN_PASSES.filter((p) => enabled(p) && !(p === stubEntry && runTime));
  const fallback = FALLBACK_PASSES.filter(enabled);
  for (let round = 0; !engine.checkStop(); round++) {
    let gained = false;
    // Only fewer tokens open new opportunities; byte-only gains (whitespace) do not.
    // The stage probe runs once: its answer (does main's path matter?) does not change.
    for (const pass of main) if ((round === 0 || pass !== stubEntry) && (await engine.runPass(pass)) > 0) gained = true;
    if (!gained) {
      for (const pass of fallback) {
        if ((await engine.runPass(pass)) > 0) {
          gained = true;
          break;
        }
      }
    }
    if (!gained) break;
  }
  for (const pass of FINAL_PASSES.filter(enabled)) {
    if (engine.checkStop()) break;
    await engine.runPass(pass);
  }

  return {
    best: engine.best.candidate,
    original,
    final: sizeOf(engine.best),
    flattened,
    oracleCalls: engine.oracleCalls,
    cacheHits: engine.cacheHits,
    invalidRejected: engine.invalidRejected,
    durationMs: Math.round(engine.elapsedMs()),
    passes: [...engine.stats.values()],
    stoppedBy: engine.stoppedBy,
  };
}

async function checkOriginal(engine: Engine, start: State, options: ReduceOptions): Promise<void> {
  const fail = (check: OriginalCheck, message: string, hint: string): never => {
    const extra = options.reproduceHint?.(check);
    throw new UserError(message, ExitCode.NOT_REPRODUCIBLE, extra ? `${hint}\n${extra}` : hint);
  };
  const interrupted = (): boolean => engine.checkStop();
  // Straight to the oracle (not the cache): the rerun must really run again.
  const first = await options.oracle(start.candidate, options.signal);
  engine.oracleCalls++;
  if (interrupted()) return;
  if (first !== 'interesting') {
    fail('original', `the test says the original input is not interesting (outcome: ${first})`, first === 'timeout' ? 'the test ran past the timeout; raise it with --timeout <seconds>' : 'the test must exit 0 on the original input');
  }
  const second = await options.oracle(start.candidate, options.signal);
  engine.oracleCalls++;
  if (interrupted()) return;
  if (second !== 'interesting') {
    fail('rerun', `the test is flaky: the original was interesting once, then not (outcome: ${second})`, 'make the test deterministic (pin seeds, timeouts, schedulers) before reducing');
  }
  engine.cache.set(contentKey(start.candidate), 'interesting');
  const empty = new Map(start.candidate);
  for (const file of start.files) empty.set(file.path, '');
  const emptyOutcome = await engine.ask(empty);
  if (interrupted()) return;
  if (emptyOutcome === 'interesting') {
    fail('empty', 'the test also accepts an empty program, so it cannot tell the failure apart from nothing', 'add a check that the failure itself happens (e.g. grep the error message) to the test');
  }
}

function flattenedState(start: State, port: SyntaxPort, builder: StateBuilder): State | null {
  const source = port.flatten?.(start.candidate);
  if (source === null || source === undefined) return null;
  const flat = new Map<string, string>();
  for (const [path, text] of start.candidate) if (!port.isSource(path)) flat.set(path, text);
  flat.set('main.mpl', source);
  return builder.build(flat);
}

function unparsableMessage(input: Candidate, port: SyntaxPort): string {
  for (const [path, text] of input) {
    if (!port.isSource(path)) continue;
    const parsed = port.parse(text, path);
    if (parsed.errorCount > 0) return `${path} does not parse${parsed.firstError ? `: ${parsed.firstError}` : ''}`;
  }
  return 'the input does not parse';
}

function sizeOf(state: State): { bytes: number; tokens: number; files: number } {
  return { bytes: candidateBytes(new Map(state.files.map((f) => [f.path, f.source]))), tokens: state.tokens, files: state.files.length };
}
