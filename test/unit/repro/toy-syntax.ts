import type { MeshNode } from '../../../src/syntax/types.js';
import type { SyntaxPort } from '../../../src/repro/types.js';
import type { Candidate } from '../../../src/types/index.js';

/**
 * A toy S-expression language for driving the pure reducer without tree-sitter:
 * `(f a (g b))`, atoms `[a-z0-9_]+`, `;` comments to end of line. Unbalanced parens or
 * stray characters are parse errors.
 */
export function parseToy(source: string): { root: MeshNode; errorCount: number } {
  let errors = 0;
  const stack: Array<{ start: number; children: MeshNode[] }> = [{ start: 0, children: [] }];
  let i = 0;
  const leaf = (type: string, start: number, end: number, named: boolean): MeshNode => ({
    type, field: null, start, end, named, isError: false, isMissing: false, children: [],
  });
  while (i < source.length) {
    const ch = source[i]!;
    if (/\s/.test(ch)) { i++; continue; }
    if (ch === ';') {
      const end = source.indexOf('\n', i) === -1 ? source.length : source.indexOf('\n', i);
      stack.at(-1)!.children.push(leaf('comment', i, end, true));
      i = end;
      continue;
    }
    if (ch === '(') {
      stack.push({ start: i, children: [leaf('(', i, i + 1, false)] });
      i++;
      continue;
    }
    if (ch === ')') {
      if (stack.length === 1) { errors++; i++; continue; }
      const frame = stack.pop()!;
      frame.children.push(leaf(')', i, i + 1, false));
      stack.at(-1)!.children.push({ type: 'list', field: null, start: frame.start, end: i + 1, named: true, isError: false, isMissing: false, children: frame.children });
      i++;
      continue;
    }
    const m = /^[a-z0-9_]+/.exec(source.slice(i));
    if (!m) { errors++; i++; continue; }
    stack.at(-1)!.children.push(leaf('atom', i, i + m[0].length, true));
    i += m[0].length;
  }
  errors += stack.length - 1;
  const root: MeshNode = { type: 'source_file', field: null, start: 0, end: source.length, named: true, isError: false, isMissing: false, children: stack[0]!.children };
  return { root, errorCount: errors };
}

export const toyPort: SyntaxPort = {
  isSource: (path) => path.endsWith('.mpl'),
  parse: (source) => parseToy(source),
  familyOf: (kind) => (kind === 'list' || kind === 'atom' ? 'expression' : null),
  minimalForms: (kind) => (kind === 'list' ? ['()'] : kind === 'atom' ? ['0'] : []),
  isComment: (node) => node.type === 'comment',
  isIdentifier: (node) => node.type === 'atom',
  reservedWords: new Set(['nil']),
  flatten: (candidate: Candidate) =>
    [...candidate.entries()].filter(([p]) => p.endsWith('.mpl')).sort(([a], [b]) => a.localeCompare(b)).map(([, t]) => t).join('\n'),
};

/** The atoms of a toy program, in order (comments excluded). */
export function atoms(source: string): string[] {
  return source.replace(/;[^\n]*/g, '').match(/[a-z0-9_]+/g) ?? [];
}
