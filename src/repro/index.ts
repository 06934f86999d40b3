/**
 * The reducer's public entry point. `reduce` uses tree-sitter-mesh (through src/syntax);
 * `reduceWith` takes any SyntaxPort (tests use a toy language).
 */
import type { Candidate } from '../types/index.js';
import type { ReduceOptions, ReduceResult } from './types.js';
import { meshPort } from './mesh-port.js';
import { reduceWith } from './reduce.js';

export { reduceWith, PASS_NAMES } from './reduce.js';
export type { ReduceOptions, ReduceResult, ReduceProgress, PassStats, SyntaxPort, FileParse, OriginalCheck } from './types.js';
export { contentKey } from './state.js';
export { meshPort, flattenCandidate } from './mesh-port.js';
export { measureCandidate } from './measure.js';

/**
 * Shrinks a Mesh program or project while `options.oracle` keeps answering 'interesting'.
 * See docs/reduce.md for the algorithm, the guarantees and the errors it throws.
 */
export function reduce(input: Candidate, options: ReduceOptions): Promise<ReduceResult> {
  return reduceWith(input, options.syntax ?? meshPort, options);
}
