import type { Pass } from './pass.js';
import { perFile } from './per-file.js';
import { chunkSchedule, type ChunkCursor } from '../chunks.js';
import { nodeSpans } from './spans.js';

/**
 * Fallback: ddmin over the lines of each file (catches what the tree cannot express).
 * Skips chunks the tree passes already covered (exactly one node's text) and chunks of
 * blank lines (the format pass removes those in one go at the end).
 */
export const dropLines: Pass = {
  name: 'lines',
  propose(state, cursor, port) {
    return perFile(state, cursor, port, function* (file, inner) {
      const lines = file.source.split(/(?<=\n)/);
      const offsets: number[] = [];
      let at = 0;
      for (const line of lines) {
        offsets.push(at);
        at += line.length;
      }
      const spans = nodeSpans(file.root, port);
      for (const chunk of chunkSchedule(lines.length, inner as ChunkCursor | null)) {
        const removed = lines.slice(chunk.from, chunk.to).join('');
        if (removed.trim() === '') continue;
        const start = offsets[chunk.from]! + (removed.length - removed.trimStart().length);
        const end = offsets[chunk.from]! + removed.trimEnd().length;
        if (spans.has(`${start}:${end}`)) continue;
        const text = lines.slice(0, chunk.from).join('') + lines.slice(chunk.to).join('');
        yield { texts: [text], cursor: chunk.cursor };
      }
    });
  },
};
