import type { ProgramBody } from '../../syntax/references.js';
import type { Pass } from './pass.js';
import { chunkSchedule, type ChunkCursor } from '../chunks.js';
import { depthsFrom, editCandidate, entryIndex, entryIsLive, programOf, reachableFrom } from '../program.js';

interface StubCursor {
  /** Distance from main of the bodies being tried (0: every body, in source order). */
  readonly level: number;
  readonly chunk: ChunkCursor | null;
}

/**
 * Bulk body stubbing: ddmin (halves first) over the bodies of functions, service handlers
 * and actors, replacing each by a minimal value of its declared type, so most code stops
 * mattering while every reference still type-checks. main's body is the entry pass's job.
 *
 * While main's body is live (the failure needs main's behaviour: it happens at run time, or
 * in code that is only compiled when main reaches it), the path from main is kept and the
 * rest stubbed: ddmin runs level by level, over the bodies main reaches in one step, then
 * two, ..., and every proposal also stubs whatever main no longer reaches once its chunk is
 * stubbed, so a whole subtree of calls goes in one test run. Otherwise (main stubbed) it is
 * one ddmin over every body in source order.
 */
export const stubBodies: Pass = {
  name: 'stub',
  *propose(state, cursor, port) {
    const program = programOf(state, port);
    if (!program) return;
    const entry = entryIndex(program);
    const closure = entryIsLive(program);
    const depths = closure ? depthsFrom(program, [entry]) : new Map(program.items.map((_, i) => [i, 0]));
    const all: Array<{ item: number; body: ProgramBody; level: number }> = [];
    program.items.forEach((item, index) => {
      if (index === entry) return;
      for (const body of item.bodies) if (body.live && body.stub !== null) all.push({ item: index, body, level: depths.get(index) ?? -1 });
    });
    const at = cursor as StubCursor | null;
    const levels = [...new Set(all.map((b) => b.level).filter((l) => l >= 0))].sort((a, b) => a - b);
    for (const level of levels) {
      if (at && level < at.level) continue;
      const bodies = all.filter((b) => b.level === level);
      for (const chunk of chunkSchedule(bodies.length, at && level === at.level ? at.chunk : null)) {
        const stubbed = new Set(bodies.slice(chunk.from, chunk.to).map((b) => b.body));
        if (closure) {
          const still = new Set(reachableFrom(program, [entry], stubbed));
          for (const b of all) if (!still.has(b.item)) stubbed.add(b.body);
        }
        const edits = all.filter((b) => stubbed.has(b.body)).map(({ item, body }) => ({ path: program.items[item]!.path, start: body.start, end: body.end, text: body.stub! }));
        yield { alternatives: [editCandidate(state.candidate, edits)], cursor: { level, chunk: chunk.cursor } satisfies StubCursor };
      }
    }
  },
};
