import type { Pass } from './pass.js';
import { StateBuilder, isSmaller, type State } from '../state.js';
import type { SyntaxPort } from '../types.js';

/** Most proposals composed into the bulk candidate. */
const MAX_STEPS = 200;

/**
 * Bulk first: before a pass's proposals one by one, the composition of all of them (each
 * taken on the result of the one before, in the pass's order, without the test) is asked
 * about once. Passes whose proposals rarely hurt (inlining, let propagation) then cost one
 * test run instead of one per edit; when the bulk is not interesting, the pass runs as usual.
 */
export function bulkFirst(inner: Pass): Pass {
  return {
    name: inner.name,
    *propose(state, cursor, port) {
      if (cursor === null) {
        const builder = new StateBuilder(port);
        let current: State = state;
        let steps = 0;
        while (steps < MAX_STEPS) {
          const next = firstSmaller(inner, current, port, builder);
          if (!next) break;
          current = next;
          steps++;
        }
        if (steps > 1) yield { alternatives: [current.candidate], cursor: 'bulk' };
      }
      yield* inner.propose(state, cursor === 'bulk' ? null : cursor, port);
    },
  };
}

function firstSmaller(pass: Pass, state: State, port: SyntaxPort, builder: StateBuilder): State | null {
  for (const proposal of pass.propose(state, null, port)) {
    for (const alternative of proposal.alternatives) {
      const next = builder.build(alternative);
      if (next && isSmaller(next, state)) return next;
    }
  }
  return null;
}
