import type { Pass } from './pass.js';
import { perFile } from './per-file.js';
import { preorder } from '../tree.js';

/**
 * Last pass: drop trailing spaces and blank lines, end with one newline. Lines that start
 * inside a multi-line string are left alone (their whitespace is content).
 */
export const tidyFormatting: Pass = {
  name: 'format',
  propose(state, cursor, port) {
    return perFile(state, cursor, port, function* (file) {
      const protectedRanges = preorder(file.root)
        .map(({ node }) => node)
        .filter((n) => /string|heredoc/.test(n.type) && file.source.slice(n.start, n.end).includes('\n'));
      const lines = file.source.split('\n');
      const out: string[] = [];
      let offset = 0;
      for (const line of lines) {
        const inside = protectedRanges.some((r) => r.start < offset && offset <= r.end);
        const endsInside = protectedRanges.some((r) => r.start < offset + line.length && offset + line.length < r.end);
        offset += line.length + 1;
        if (inside) out.push(endsInside ? line : line.trimEnd());
        else if (line.trim() !== '') out.push(endsInside ? line : line.trimEnd());
      }
      const text = out.length > 0 ? `${out.join('\n')}\n` : '';
      if (text !== file.source) yield { texts: [text], cursor: null };
    });
  },
};
