import type { Program } from '../../syntax/references.js';
import type { Candidate } from '../../types/index.js';
import type { Pass } from './pass.js';
import { wholeThenChunks } from '../chunks.js';
import { deleteItemEdit, editCandidate, programOf, reachableFrom, rootItems } from '../program.js';

/**
 * Dead-item removal by the reference graph: every item that nothing reachable from main
 * (or from a body the failure needs) refers to goes, all at once first, then ddmin over
 * them. Imports count as items (they define the names they bring in), and a project file
 * left without items is dropped (except the entry file), so modules go the same way.
 */
export const dropDead: Pass = {
  name: 'dead',
  *propose(state, cursor, port) {
    const program = programOf(state, port);
    if (!program) return;
    const reached = new Set(reachableFrom(program, rootItems(program)));
    const dead = program.items.map((_, i) => i).filter((i) => !reached.has(i));
    for (const chunk of wholeThenChunks(dead.length, cursor)) {
      yield { alternatives: [withoutItems(state.candidate, program, dead.slice(chunk.from, chunk.to))], cursor: chunk.cursor };
    }
  },
};

/** The candidate without the given items of its program; non-entry files left with no item are removed. */
export function withoutItems(candidate: Candidate, program: Program, indices: readonly number[]): Candidate {
  const gone = new Set(indices);
  const edits = indices.map((i) => {
    const item = program.items[i]!;
    return { path: item.path, ...deleteItemEdit(candidate.get(item.path) ?? '', item) };
  });
  const drop = new Set<string>();
  for (const path of new Set(indices.map((i) => program.items[i]!.path))) {
    const left = program.items.some((item, i) => item.path === path && !gone.has(i));
    if (!left && !isEntryFile(path)) drop.add(path);
  }
  return editCandidate(candidate, edits, drop);
}

function isEntryFile(path: string): boolean {
  return !path.includes('/') && /^main\.[^.]+$/.test(path);
}

/** Before flattening a project: only the bulk removal (unused imports, items and whole modules), one test run. */
export const pruneModules: Pass = {
  name: 'modules',
  *propose(state, cursor, port) {
    if (cursor !== null) return;
    const first = dropDead.propose(state, null, port)[Symbol.iterator]().next();
    if (!first.done) yield first.value;
  },
};
