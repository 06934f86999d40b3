import type { Stage } from './run.js';

/** Status of a known gap in one compiler dialect. */
export type GapStatus = 'open' | 'fixed' | 'not-applicable';

/** How a gap's status in one dialect was measured with a real meshc built from that snapshot. */
export interface GapVerification {
  /** Upstream commit the compiler was built from, e.g. 'c8728bd2'. */
  snapshot: string;
  /** Day of the run, YYYY-MM-DD. */
  date: string;
  /** What the probe did there (or why it cannot run there), in one sentence. */
  evidence: string;
}

/**
 * One known compiler gap or runtime design limit, as data. Defined in src/gaps/,
 * seeded into the journal, matched by classify/, re-checked by the gate.
 */
export interface KnownGap {
  /** Stable key, kebab-case, e.g. 'list-find-case'. Also the probe file name. */
  key: string;
  title: string;
  kind: 'compiler' | 'runtime-limit';
  /** Where the symptom appears when the gap is open. */
  stage: Stage;
  /**
   * Regular expression sources (case-insensitive) matched against a symptom's message and
   * signature only, never the detail (an LLVM verifier's IR lines such as `%and_result = phi`
   * appear in healthy code too). A pattern only the detail could match is dead; a test finds them.
   */
  signaturePatterns: string[];
  /** The code shape that triggers it, in words. */
  trigger: string;
  workaround: string;
  status: { february: GapStatus; april: GapStatus };
  /** Version or snapshot where fixed, when known. */
  fixedIn?: string;
  /** Compiler gaps: per dialect, the real compiler run that the status above comes from. */
  verified?: { february?: GapVerification; april?: GapVerification };
  /** Tree-sitter queries over tree-sitter-mesh: the risky shape and known workaround sites. */
  detection: { risky?: string; workaround?: string };
  /** Compiler gaps: path of the probe program, relative to the repo root. */
  probe?: string;
  /** Runtime limits: how to measure it, instead of a pass/fail probe. */
  measurement?: string;
}
