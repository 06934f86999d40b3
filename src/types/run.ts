/** What one process run produced. Produced by toolchain/, consumed by classify/. */
export interface RunRecord {
  argv: string[];
  /** Exit code, or null when the process was killed by a signal. */
  exitCode: number | null;
  /** Signal name such as 'SIGSEGV', or null. */
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Wall time in milliseconds. */
  ms: number;
  /** True when we killed it for running past its timeout. */
  timedOut: boolean;
}

/** What meshc is and which dialect it speaks (both print `meshc 0.1.0`). */
export type Dialect = 'february' | 'april' | 'unknown';

export interface CompilerInfo {
  path: string;
  version: string;
  dialect: Dialect;
}

export const STAGES = [
  'parse',
  'typecheck',
  'lowering',
  'llvm-verify',
  'codegen',
  'link',
  'compiler-crash',
  'runtime-crash',
  'runtime-panic',
  'wrong-output',
  'hang',
  'ok',
] as const;
export type Stage = (typeof STAGES)[number];

export interface Symptom {
  stage: Stage;
  /** Diagnostic code such as 'E0001', or '' when there is none. */
  code: string;
  /** The first meaningful message line, as printed. */
  message: string;
  /** `stage|code|normalized message`, see classify/signature.ts. */
  signature: string;
  /** Signature algorithm version, e.g. 'sig-v1'. */
  signatureVersion: string;
  /** True when no rule recognised the text and a generic symptom was made. */
  generic: boolean;
}

export type VerdictClass = 'compiler' | 'app' | 'known-gap' | 'undetermined';

export interface Verdict {
  class: VerdictClass;
  /** 0..1 */
  confidence: number;
  /** Human-readable evidence, strongest first. */
  reasons: string[];
  /** Known-gap key when class is 'known-gap'. */
  gapKey?: string;
  /** class 'compiler' only: a known gap whose message matched but whose shape the program lacks. */
  resemblesGap?: string;
}
