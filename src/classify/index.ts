/**
 * classify/: pure RunRecord → Symptom → Verdict. No I/O; imports only src/types.
 * The known-gap catalog is injected by the caller.
 */
export * from './types.js';
export { observe, isFailure } from './observe.js';
export { observeBuild, unescapeRustDebug } from './build-output.js';
export { observeRun, runObservation, describeDifference, firstWrongLine } from './run-output.js';
export { SIGNATURE_VERSION, makeSignature, normalizeMessage, stripAnsi } from './signature.js';
export { scanJsonStream, jsonObjects, textOutsideObjects, type StreamSegment } from './json-stream.js';
export { parseHumanDiagnostics } from './human-diagnostics.js';
export { findRustPanics } from './rust-text.js';
export { matchKnownGap, matchKnownGaps, type GapMatch } from './gap-match.js';
export { compareOutcomes, type Comparison } from './differential.js';
export { collectEvidence, decideVerdict, type Evidence } from './verdict.js';
