import type { Pass } from './pass.js';
import { editCandidate, entryIndex, entryIsLive, indentAt, programOf, reachableFrom } from '../program.js';

/**
 * Call the culprit from main directly: main's body becomes one call `f(<minimal args>)`,
 * for each function main reaches whose body is still live, deepest first. A failure that
 * only needs `f` to be compiled (LLVM verification, code generation) survives it, and
 * the whole path from main to `f` becomes dead.
 */
export const callFromEntry: Pass = {
  name: 'shortcut',
  *propose(state, cursor, port) {
    // Resume after the proposals that failed before the accepted one (it is gone now).
    const skip = typeof cursor === 'number' ? cursor : 0;
    let ordinal = 0;
    const program = programOf(state, port);
    if (!program || !entryIsLive(program)) return;
    const entry = entryIndex(program);
    const main = program.items[entry]!;
    const body = main.bodies[0];
    if (!body) return;
    const source = state.candidate.get(main.path) ?? '';
    const indent = indentAt(source, main.start);
    const deepestFirst = reachableFrom(program, [entry]).reverse();
    for (const index of deepestFirst) {
      const item = program.items[index]!;
      if (index === entry || !item.fn || !item.bodies.some((b) => b.live)) continue;
      const args = item.fn.params.map((p) => p.minimal);
      if (args.some((a) => a === null)) continue;
      const text = `\n${indent}  ${item.fn.name}(${args.join(', ')})\n${indent}`;
      const k = ordinal++;
      if (k >= skip) yield { alternatives: [editCandidate(state.candidate, [{ path: main.path, start: body.start, end: body.end, text }])], cursor: k };
    }
  },
};
