import type { Pass } from './pass.js';
import { perFile } from './per-file.js';
import { applyEdits } from '../tree.js';

/** A top-level `fn … do <body> end` (named or not) whose header is one line, capturing the body. */
const FUNCTION_BODY = /^(?:pub\s+)?fn\b[^\n]*?\bdo\b([\s\S]*)\bend$/;

/**
 * Fallback: a top-level function replaced by its body's statements, unindented (the grammar
 * takes statements at the top level). A test that greps the program rather than running it
 * is then left with the statements alone, what a line-based reducer reaches by deleting the
 * `fn … do` and `end` lines together.
 */
export const unwrapFunctions: Pass = {
  name: 'unwrap',
  propose(state, cursor, port) {
    return perFile(state, cursor, port, function* (file, inner) {
      const skip = typeof inner === 'number' ? inner : 0;
      const items = file.root.children.filter((c) => c.named && !port.isComment(c));
      for (let k = skip; k < items.length; k++) {
        const item = items[k]!;
        const body = FUNCTION_BODY.exec(file.source.slice(item.start, item.end))?.[1];
        if (body === undefined || body.trim() === '') continue;
        const lines = body.trim().split('\n').map((line) => line.replace(/^[ \t]+/, ''));
        yield { texts: [applyEdits(file.source, [{ start: item.start, end: item.end, text: lines.join('\n') }])], cursor: k };
      }
    });
  },
};
