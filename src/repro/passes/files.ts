import type { Pass } from './pass.js';
import { chunkSchedule, type ChunkCursor } from '../chunks.js';

/** Drop whole source files of a project (never all of them). */
export const dropFiles: Pass = {
  name: 'files',
  *propose(state, cursor) {
    const paths = state.files.map((f) => f.path);
    if (paths.length < 2) return;
    for (const chunk of chunkSchedule(paths.length, cursor as ChunkCursor | null)) {
      if (chunk.to - chunk.from === paths.length) continue;
      const next = new Map(state.candidate);
      for (const path of paths.slice(chunk.from, chunk.to)) next.delete(path);
      yield { alternatives: [next], cursor: chunk.cursor };
    }
  },
};
