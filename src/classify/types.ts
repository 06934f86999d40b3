import type { KnownGap, RunRecord, Symptom, Dialect } from '../types/index.js';

/** One diagnostic meshc printed, from the human (`--no-color`) or the `--json` stream. */
export interface Diagnostic {
  /** 'E0001', 'W0001', 'P0001', 'CFG0001', or '' (human parse errors carry no code). */
  code: string;
  severity: 'error' | 'warning';
  message: string;
  file?: string;
  line?: number;
  column?: number;
  from: 'human' | 'json';
}

/** Which part of the pipeline produced the record that a symptom describes. */
export type Phase = 'build' | 'run';

/** What a symptom says by itself, before any differential evidence. */
export type Lean = 'compiler' | 'app' | 'environment' | 'none';

/**
 * A symptom plus the facts the verdict needs. Pure data made from RunRecords; the text
 * rules live in build-output.ts and run-output.ts.
 */
export interface Observation {
  symptom: Symptom;
  phase: Phase;
  lean: Lean;
  /** Why the text leans that way, in words (one sentence). */
  because: string;
  /** Full text behind the message (verifier text, linker stderr, panic block). */
  detail: string;
  diagnostics: Diagnostic[];
  /** `[mesh-codegen] warning: …` lines: a successful build that is suspicious. */
  codegenWarnings: string[];
  /** Program stdout when the binary ran (undefined for build failures). */
  stdout?: string;
}

/** Records for one build (and the run of its binary when the build succeeded). */
export interface BuildAndRun {
  build: RunRecord;
  run?: RunRecord;
}

export interface ObserveOptions {
  /** Expected program stdout: a differing stdout becomes a wrong-output symptom. */
  expectedStdout?: string;
  /**
   * Whether the program defines `fn main`, as the caller found by parsing it (undefined:
   * not known). Real meshc does not say "no main": it fails in code generation with
   * `Unsupported binop type: String`, the same text a real codegen bug can give.
   */
  definesMain?: boolean;
}

/** Two observations of the same program that should agree. */
export interface Differential {
  kind: 'opt-level' | 'version' | 'flatten';
  /** e.g. '--opt-level 0' / '--opt-level 2', 'meshc' / 'baseline meshc', 'project' / 'flattened'. */
  labels: [string, string];
  outcomes: [Observation, Observation];
}

export interface VerdictInput {
  /** The failure being classified (primary compiler, default flags). */
  primary: Observation;
  differentials: Differential[];
  /** The known-gap catalog, injected (classify stays pure). */
  gaps: readonly KnownGap[];
  /** Dialect of the primary compiler, to tell a known gap from a regression of a fixed one. */
  dialect?: Dialect;
  /**
   * Keys of known gaps whose risky code shape was found in the program (by the gap scanner,
   * run by the caller: classify/ does not parse). A gap is named only when the program has
   * its shape, or when meshc's own text is specific to that one gap.
   */
  shapeHints?: readonly string[];
}
