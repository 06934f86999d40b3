import { describe, expect, it } from 'vitest';
import { collectIssues, formatIssue, LineIndex } from '../../../src/syntax/index.js';
import { node } from './helpers.js';

describe('collectIssues', () => {
  it('reports MISSING tokens and outermost ERROR nodes with 1-based positions and the line', () => {
    const src = 'fn f() do\n  g())\n';
    const paren = src.indexOf('))') + 1;
    const tree = node('source_file', 0, src.length, [
      node('function_definition', 0, src.length, [
        node('ERROR', paren, paren + 1, [node(')', paren, paren + 1), node('ERROR', paren, paren + 1)]),
        node('end', src.length, src.length, [], { isMissing: true }),
      ]),
    ]);
    const issues = collectIssues(tree, src);
    expect(issues).toEqual([
      { line: 2, column: 6, kind: 'error', message: 'unexpected `)`', excerpt: '  g())' },
      { line: 3, column: 1, kind: 'missing', message: 'missing `end`', excerpt: '' },
    ]);
  });

  it('names missing named nodes in words and reports end of file', () => {
    const src = 'let x = ';
    const tree = node('source_file', 0, 8, [
      node('identifier', 8, 8, [], { isMissing: true, named: true }),
      node('ERROR', 8, 8),
    ]);
    const messages = collectIssues(tree, src).map((i) => i.message);
    expect(messages).toEqual(['missing identifier', 'unexpected end of file']);
  });

  it('counts columns in code points on non-ASCII lines', () => {
    const src = 'let s = "🌍é" )';
    const at = src.indexOf(')');
    const tree = node('source_file', 0, src.length, [node('ERROR', at, at + 1)]);
    const [issue] = collectIssues(tree, src);
    expect(issue).toMatchObject({ line: 1, column: 14, message: 'unexpected `)`' });
  });

  it('returns nothing for a clean tree', () => {
    expect(collectIssues(node('source_file', 0, 3, [node('identifier', 0, 3)]), 'abc')).toEqual([]);
  });

  it('formats path:line:col: message with the excerpt and a caret', () => {
    const text = formatIssue('a.mpl', { line: 2, column: 6, kind: 'error', message: 'unexpected `)`', excerpt: '  g())' });
    expect(text).toBe('a.mpl:2:6: unexpected `)`\n      g())\n         ^');
  });
});

describe('LineIndex', () => {
  it('maps indices to lines and columns, CRLF included', () => {
    const src = 'ab\r\ncd\nef';
    const idx = new LineIndex(src);
    expect(idx.position(0)).toEqual({ line: 1, column: 1 });
    expect(idx.position(5)).toEqual({ line: 2, column: 2 });
    expect(idx.position(src.length)).toEqual({ line: 3, column: 3 });
    expect(idx.lineText(0)).toBe('ab');
    expect(idx.lineText(2)).toBe('ef');
  });
});
