import type { MeshNode } from '../../syntax/types.js';
import type { Pass } from './pass.js';
import { perFile } from './per-file.js';
import { applyEdits, leaves, type Edit } from '../tree.js';
import { nodeSpans } from './spans.js';

/** Window sizes, largest first: C-Reduce's rm-toks idea, on tree-sitter leaves. */
const WINDOW_SIZES = [4, 3, 2, 1];
const CLOSING: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}' };

type Stage = 'pair' | 'shorten' | 'window';

interface TokenCursor {
  readonly stage: Stage;
  /** Window size (windows only). */
  readonly size: number;
  readonly index: number;
}

/**
 * Fallback, at the token level, in three stages:
 * - a bracket pair without its contents' wrapper: `fn (a) do` → `fn a do`, `(x)` → `x`;
 * - an operator one character shorter: `|>` → `>` (a different operator with the same
 *   operands is often the same failure, and what a character-level reducer finds);
 * - every run of 4, 3, 2, then 1 consecutive tokens deleted (sliding, not aligned, so `|x|`
 *   or `, y` anywhere can go; C-Reduce's rm-toks). Runs that are exactly one node are skipped
 *   (hdd tried them).
 * Candidates that do not parse never reach the test.
 */
export const dropTokens: Pass = {
  name: 'tokens',
  propose(state, cursor, port) {
    return perFile(state, cursor, port, function* (file, inner) {
      const at = inner as TokenCursor | null;
      const tokens = leaves(file.root, (n) => port.isComment(n));
      const from = (stage: Stage, size = 0): number => (at && at.stage === stage && at.size === size ? at.index : 0);
      const stages: readonly Stage[] = ['pair', 'shorten', 'window'];
      const firstStage = at ? stages.indexOf(at.stage) : 0;
      const apply = (edits: Edit[]): string => applyEdits(file.source, edits);

      if (firstStage <= 0) {
        const closers = matchingClosers(tokens, file.source);
        for (let index = from('pair'); index < tokens.length; index++) {
          const close = closers.get(index);
          if (close === undefined) continue;
          const open = tokens[index]!;
          const end = tokens[close]!;
          yield { texts: [apply([{ start: open.start, end: open.end, text: '' }, { start: end.start, end: end.end, text: '' }])], cursor: { stage: 'pair', size: 0, index } satisfies TokenCursor };
        }
      }
      if (firstStage <= 1) {
        for (let index = from('shorten'); index < tokens.length; index++) {
          const token = tokens[index]!;
          const text = file.source.slice(token.start, token.end);
          if (text.length < 2 || text.length > 3 || !/^[^\w\s"'`]+$/.test(text)) continue;
          const texts = [...text].map((_, i) => apply([{ start: token.start, end: token.end, text: text.slice(0, i) + text.slice(i + 1) }]));
          yield { texts, cursor: { stage: 'shorten', size: 0, index } satisfies TokenCursor };
        }
      }
      const spans = nodeSpans(file.root, port);
      for (const size of WINDOW_SIZES) {
        if (at?.stage === 'window' && size > at.size) continue;
        for (let index = from('window', size); index + size <= tokens.length; index++) {
          const first = tokens[index]!;
          const last = tokens[index + size - 1]!;
          if (spans.has(`${first.start}:${last.end}`)) continue;
          yield { texts: [apply([{ start: first.start, end: last.end, text: '' }])], cursor: { stage: 'window', size, index } satisfies TokenCursor };
        }
      }
    });
  },
};

/** Index of each opening bracket token -> index of its closing token (by nesting over the leaves). */
function matchingClosers(tokens: readonly MeshNode[], source: string): Map<number, number> {
  const out = new Map<number, number>();
  const open: number[] = [];
  const textOf = (index: number): string => source.slice(tokens[index]!.start, tokens[index]!.end);
  tokens.forEach((_, index) => {
    const text = textOf(index);
    const innermost = open.at(-1);
    if (CLOSING[text] !== undefined) open.push(index);
    else if (innermost !== undefined && CLOSING[textOf(innermost)] === text) out.set(open.pop()!, index);
  });
  return out;
}
