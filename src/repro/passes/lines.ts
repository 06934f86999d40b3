import type { Pass } from './pass.js';
import { perFile } from './per-file.js';
import { chunkSchedule, type ChunkCursor } from '../chunks.js';

/** Fallback: ddmin over the lines of each file (catches what the tree cannot express). */
export const dropLines: Pass = {
  name: 'lines',
  propose(state, cursor, port) {
    return perFile(state, cursor, port, function* (file, inner) {
      const lines = file.source.split(/(?<=\n)/);
      for (const chunk of chunkSchedule(lines.length, inner as ChunkCursor | null)) {
        const text = lines.slice(0, chunk.from).join('') + lines.slice(chunk.to).join('');
        yield { texts: [text], cursor: chunk.cursor };
      }
    });
  },
};
