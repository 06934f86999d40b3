import type { Pass } from './pass.js';
import { perFile } from './per-file.js';
import { applyEdits, leaves } from '../tree.js';
import { nodeSpans } from './spans.js';

/** Window sizes, largest first: C-Reduce's rm-toks idea, on tree-sitter leaves. */
const WINDOW_SIZES = [4, 3, 2, 1];

interface WindowCursor {
  readonly size: number;
  readonly index: number;
}

/**
 * Fallback: delete every run of 4, 3, 2, then 1 consecutive tokens (sliding, not aligned, so
 * `|x|` or `, y` anywhere can go). Runs that are exactly one node are skipped (hdd tried
 * them); runs that do not parse never reach the test.
 */
export const dropTokens: Pass = {
  name: 'tokens',
  propose(state, cursor, port) {
    return perFile(state, cursor, port, function* (file, inner) {
      const at = inner as WindowCursor | null;
      const tokens = leaves(file.root, (n) => port.isComment(n));
      const spans = nodeSpans(file.root, port);
      for (const size of WINDOW_SIZES) {
        if (at && size > at.size) continue;
        for (let index = at && size === at.size ? at.index : 0; index + size <= tokens.length; index++) {
          const first = tokens[index]!;
          const last = tokens[index + size - 1]!;
          if (spans.has(`${first.start}:${last.end}`)) continue;
          yield { texts: [applyEdits(file.source, [{ start: first.start, end: last.end, text: '' }])], cursor: { size, index } satisfies WindowCursor };
        }
      }
    });
  },
};
