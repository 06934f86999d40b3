import type { Pass } from './pass.js';
import { perFile } from './per-file.js';
import { chunkSchedule, type ChunkCursor } from '../chunks.js';
import { applyEdits, leaves } from '../tree.js';
import { nodeSpans } from './spans.js';

/** Largest token run tried at once: past that, line and tree passes have done the work. */
const MAX_TOKEN_CHUNK = 8;

/** Fallback: ddmin over the tokens (tree leaves) of each file, skipping runs that are exactly one node (hdd tried those). */
export const dropTokens: Pass = {
  name: 'tokens',
  propose(state, cursor, port) {
    return perFile(state, cursor, port, function* (file, inner) {
      const tokens = leaves(file.root, (n) => port.isComment(n));
      const spans = nodeSpans(file.root, port);
      const schedule = chunkSchedule(tokens.length, inner as ChunkCursor | null, { maxSize: MAX_TOKEN_CHUNK });
      for (const chunk of schedule) {
        const first = tokens[chunk.from]!;
        const last = tokens[chunk.to - 1]!;
        if (spans.has(`${first.start}:${last.end}`)) continue;
        yield { texts: [applyEdits(file.source, [{ start: first.start, end: last.end, text: '' }])], cursor: chunk.cursor };
      }
    });
  },
};
