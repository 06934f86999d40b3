import type { Pass } from './pass.js';
import { editCandidate, entryIndex, programOf } from '../program.js';

/**
 * Stage probe, one test run: replace main's body by nothing. A failure that happens before
 * the program runs and does not depend on what main reaches (a type-checker crash) survives
 * it, and then nothing has to stay reachable from main. When it does not survive, main's
 * path matters and the stub pass keeps it (see stub.ts).
 */
export const stubEntry: Pass = {
  name: 'entry',
  *propose(state, _cursor, port) {
    const program = programOf(state, port);
    const entry = program?.items[entryIndex(program)];
    if (!entry) return;
    const edits = entry.bodies.filter((b) => b.live && b.stub !== null).map((b) => ({ path: entry.path, start: b.start, end: b.end, text: b.stub! }));
    if (edits.length > 0) yield { alternatives: [editCandidate(state.candidate, edits)], cursor: null };
  },
};
