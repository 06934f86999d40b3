/**
 * Every exit code the CLI can return. Documented in README.md ("Exit codes");
 * keep the two in step.
 */
export const ExitCode = {
  OK: 0,
  /** The check ran and found something: parse errors, a gate failure, a failing verdict. */
  FINDINGS: 1,
  /** Bad flags or arguments. */
  USAGE: 2,
  /** Unusable input: missing, empty, binary, too large, or unparsable where it must parse. */
  INPUT: 3,
  /** The failure cannot be reproduced: the original is not interesting, or the oracle is flaky. */
  NOT_REPRODUCIBLE: 4,
  /** meshc (or another tool) is missing, broken or unusable. */
  SETUP: 5,
  /** The journal is corrupt, foreign, from a newer version, or locked past the timeout. */
  JOURNAL: 6,
  /** A bug in mesher-triage itself. */
  INTERNAL: 70,
  /** Stopped by Ctrl-C (SIGINT); best result so far is kept. */
  INTERRUPTED: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
