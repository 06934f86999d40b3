import type { MeshNode } from '../syntax/types.js';
import type { Program, SourceTree } from '../syntax/references.js';
import type { LetBinding } from '../syntax/bindings.js';
import type { StructFields } from '../syntax/structs.js';
import type { Candidate, Oracle, Stage } from '../types/index.js';

/** One parse of one file, as the reducer needs it. */
export interface FileParse {
  readonly root: MeshNode;
  /** ERROR + MISSING nodes; a valid candidate has none (or no more than the original). */
  readonly errorCount: number;
  /** Where the first error is, e.g. "3:7 unexpected `)`" (for messages). */
  readonly firstError?: string;
}

/**
 * Everything the reducer needs to know about the language, injected so the engine stays
 * pure: the real port wraps src/syntax (tree-sitter-mesh); tests pass a toy language.
 */
export interface SyntaxPort {
  /** True for files the passes may edit (other files, e.g. mesh.toml, ride along untouched). */
  isSource(path: string): boolean;
  parse(source: string, path: string): FileParse;
  /**
   * The substitution family of a node kind ('expression', 'statement', 'item', 'pattern',
   * 'type'), or null. Nodes of the same family, or the same kind, may replace each other.
   */
  familyOf(kind: string): string | null;
  /**
   * Smallest replacement texts for a node kind, tried smallest first ([] = none); `at` says
   * where the node is (its parent's kind and its field there), e.g. no value for a callee.
   */
  minimalForms(kind: string, at?: { readonly parent: string; readonly field: string | null }): readonly string[];
  /**
   * Replacement texts built from the node's own text, tried after the minimal forms
   * (optional). Mesh: a string with its interpolation delimiters dropped.
   */
  textForms?(kind: string, text: string): readonly string[];
  /** Comments are not tokens and are dropped wholesale first. */
  isComment(node: MeshNode): boolean;
  /** Identifier leaves that the renaming pass may shorten. */
  isIdentifier(node: MeshNode): boolean;
  /** Words that can never be used as a new identifier (keywords). */
  readonly reservedWords: ReadonlySet<string>;
  /** Multi-module project → one standalone main.mpl (null when the port cannot flatten). */
  flatten?(candidate: Candidate): string | null;
  /**
   * Items, what they define and refer to, their stubbable bodies and direct calls (optional):
   * what the reference-aware passes (entry, stub, dead, shortcut, inline) work from.
   */
  analyze?(files: readonly SourceTree[]): Program;
  /** Single-name `let` bindings of one file and the later uses of each (optional; the propagate pass). */
  bindings?(source: string, root: MeshNode): LetBinding[];
  /** Struct definitions, literals and the field names read in one file (optional; the fields pass). */
  structFields?(source: string, root: MeshNode): StructFields;
  /** A top-level function's body as top-level statements, unindented; null for anything else (optional; the unwrap pass). */
  statementsOf?(itemText: string): string | null;
}

/** What one accepted reduction step took away, per pass. */
export interface PassStats {
  name: string;
  /** Oracle answers this pass asked for (including cache hits). */
  tried: number;
  /** Accepted reductions. */
  accepted: number;
  tokensRemoved: number;
  bytesRemoved: number;
}

export interface ReduceProgress {
  pass: string;
  bytes: number;
  tokens: number;
  oracleCalls: number;
  cacheHits: number;
  elapsedMs: number;
}

export interface ReduceOptions {
  oracle: Oracle;
  /** Oracle calls in flight at once; the result is the same at any value. Default 1. */
  jobs?: number;
  /** Stop early (Ctrl-C): the best candidate so far is returned with `interrupted: true`. */
  signal?: AbortSignal;
  onProgress?: (progress: ReduceProgress) => void;
  /** Called after every gain, awaited before the next oracle call is accepted. */
  onBest?: (best: Candidate) => void | Promise<void>;
  /** Language knowledge; defaults to tree-sitter-mesh through src/syntax. */
  syntax?: SyntaxPort;
  /** Try the flattened single-file form of a multi-file project first (default true). */
  flatten?: boolean;
  /** Skip the sanity checks on the original (used by --resume, which checks its start point). */
  skipOriginalChecks?: boolean;
  /** Budget: stop (keeping the best) after this many ms or oracle calls. */
  timeLimitMs?: number;
  maxOracleCalls?: number;
  /** Appended to the hint of a NOT_REPRODUCIBLE error, e.g. the command that reproduces the check. */
  reproduceHint?: (check: OriginalCheck) => string | undefined;
  /** Only these passes (by name); default all. */
  passes?: readonly string[];
  /**
   * Stage of the original failure when known (a Symptom stage such as 'llvm-verify' or
   * 'runtime-crash'). A failure at run time needs main's behaviour, so the reducer does not
   * try replacing main's body; unknown (default): it tries, one test run.
   */
  stage?: Stage;
}

export type OriginalCheck = 'original' | 'empty' | 'rerun';

export interface ReduceResult {
  best: Candidate;
  original: { bytes: number; tokens: number; files: number };
  final: { bytes: number; tokens: number; files: number };
  /** True when a multi-file project was replaced by its flattened single file. */
  flattened: boolean;
  /** Oracle calls actually run (speculative ones included), and answers served from the cache. */
  oracleCalls: number;
  cacheHits: number;
  /** Candidates rejected because they did not parse (never sent to the oracle). */
  invalidRejected: number;
  durationMs: number;
  passes: PassStats[];
  /** Why it stopped early, or null when it reached the fixpoint. */
  stoppedBy: 'interrupt' | 'time-limit' | 'call-limit' | null;
}
