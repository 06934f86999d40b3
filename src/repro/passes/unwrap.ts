import type { Pass } from './pass.js';
import { perFile } from './per-file.js';
import { applyEdits } from '../tree.js';

/**
 * Fallback: a top-level function replaced by its body's statements (the port says what they
 * are; Mesh takes statements at the top level). A test that greps the program rather than
 * running it is then left with the statements alone, what a line-based reducer reaches by
 * deleting the `fn … do` and `end` lines together.
 */
export const unwrapFunctions: Pass = {
  name: 'unwrap',
  propose(state, cursor, port) {
    return perFile(state, cursor, port, function* (file, inner) {
      if (!port.statementsOf) return;
      const skip = typeof inner === 'number' ? inner : 0;
      const items = file.root.children.filter((c) => c.named && !port.isComment(c));
      for (let k = skip; k < items.length; k++) {
        const item = items[k]!;
        const statements = port.statementsOf(file.source.slice(item.start, item.end));
        if (statements !== null) yield { texts: [applyEdits(file.source, [{ start: item.start, end: item.end, text: statements }])], cursor: k };
      }
    });
  },
};
