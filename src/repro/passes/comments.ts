import type { Pass } from './pass.js';
import { applyEdits, preorder } from '../tree.js';
import { withFile } from '../state.js';
import type { Candidate } from '../../types/index.js';

/** Remove every comment in one go (they are never tokens, so usually free bytes). */
export const dropComments: Pass = {
  name: 'comments',
  *propose(state, _cursor, port) {
    let next: Candidate = state.candidate;
    for (const file of state.files) {
      const edits: Array<{ start: number; end: number; text: string }> = [];
      let coveredTo = -1;
      for (const { node } of preorder(file.root)) {
        if (!port.isComment(node) || node.start < coveredTo) continue;
        edits.push({ start: node.start, end: node.end, text: '' });
        coveredTo = node.end;
      }
      if (edits.length > 0) next = withFile(next, file.path, applyEdits(file.source, edits));
    }
    if (next !== state.candidate) yield { alternatives: [next], cursor: null };
  },
};
