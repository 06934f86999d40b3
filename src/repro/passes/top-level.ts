import type { Pass } from './pass.js';
import { deletionEdits, listChildren } from './pass.js';
import { perFile } from './per-file.js';
import { chunkSchedule, type ChunkCursor } from '../chunks.js';
import { applyEdits } from '../tree.js';

/** ddmin over the top-level items of each file (functions, types, imports, ...). */
export const dropTopLevel: Pass = {
  name: 'top-level',
  propose(state, cursor, port) {
    return perFile(state, cursor, port, function* (file, inner) {
      const items = listChildren(file.root, port);
      if (items.length === 0) return;
      for (const chunk of chunkSchedule(items.length, inner as ChunkCursor | null)) {
        const texts = deletionEdits(items, chunk.from, chunk.to).map((e) => applyEdits(file.source, [e]));
        yield { texts, cursor: chunk.cursor };
      }
    });
  },
};
