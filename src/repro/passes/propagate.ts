import type { Pass } from './pass.js';
import { perFile } from './per-file.js';
import { applyEdits } from '../tree.js';
import { deleteItemEdit } from '../program.js';

/**
 * Let propagation: `let x = e` goes and every later use of `x` in its block becomes `e`
 * (parenthesised unless primary); a binding nothing uses becomes the bare statement `e`.
 * Leaves the expression where the failure needs it, so hdd can shrink it in place (what a
 * character-level reducer reaches by deleting `let x =` and the `x` of its use).
 */
export const propagateLets: Pass = {
  name: 'propagate',
  propose(state, cursor, port) {
    return perFile(state, cursor, port, function* (file, inner) {
      if (!port.bindings) return;
      // Resume after the bindings tried before the accepted one (it is gone now).
      const skip = typeof inner === 'number' ? inner : 0;
      const bindings = port.bindings(file.source, file.root);
      for (let k = skip; k < bindings.length; k++) {
        const binding = bindings[k]!;
        const edits = binding.uses.length === 0
          ? [{ start: binding.start, end: binding.end, text: binding.value }]
          : [deleteItemEdit(file.source, binding), ...binding.uses.map((use) => ({ ...use, text: binding.value }))];
        yield { texts: [applyEdits(file.source, edits)], cursor: k };
      }
    });
  },
};
