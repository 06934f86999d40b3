import { LineIndex } from './position.js';
import type { MeshNode, SyntaxIssue } from './types.js';
import { firstLeaf, truncate, walk } from './walk.js';

/**
 * Every syntax problem in a tree: each outermost ERROR node ("unexpected `x`") and each
 * MISSING node ("missing `end`"), in source order, with 1-based positions and the line.
 */
export function collectIssues(root: MeshNode, source: string): SyntaxIssue[] {
  const found: FoundIssue[] = [];
  walk(root, (node) => {
    if (node.isMissing || node.isError) {
      found.push(...issuesIn(node, source));
      return false;
    }
    return true;
  });
  return toIssues(found, source);
}

export interface FoundIssue {
  readonly index: number;
  readonly kind: 'error' | 'missing';
  readonly message: string;
}

/**
 * The issues a MISSING or ERROR node stands for: itself, plus MISSING nodes inside an ERROR
 * (nested ERRORs at the same spot would only repeat the outer one).
 */
export function issuesIn(node: MeshNode, source: string): FoundIssue[] {
  if (node.isMissing) return [{ index: node.start, kind: 'missing', message: missingMessage(node) }];
  const found: FoundIssue[] = [{ kind: 'error', ...describeError(node, source) }];
  walk(node, (inner) => {
    if (inner !== node && inner.isMissing) found.push({ index: inner.start, kind: 'missing', message: missingMessage(inner) });
  });
  return found;
}

/** Sorts found issues into source order and adds line, column and excerpt. */
export function toIssues(found: readonly FoundIssue[], source: string): SyntaxIssue[] {
  if (found.length === 0) return [];
  const sorted = [...found].sort((a, b) => a.index - b.index);
  const lines = new LineIndex(source);
  return sorted.map(({ index, kind, message }) => {
    const { line, column } = lines.position(index);
    return { line, column, kind, message, excerpt: lines.lineText(line - 1) };
  });
}

function missingMessage(node: MeshNode): string {
  return node.named ? `missing ${node.type.replace(/_/g, ' ')}` : `missing \`${node.type}\``;
}

/** Message and position of an ERROR node: the first unexpected token, or the unclosed `do`. */
function describeError(node: MeshNode, source: string): { index: number; message: string } {
  if (node.start >= source.length) return { index: node.start, message: 'unexpected end of file' };
  const unclosed = source.slice(node.end).trim() === '' ? unclosedBlock(node) : undefined;
  if (unclosed) return { index: unclosed.start, message: 'unexpected end of file: this `do` has no matching `end`' };
  const leaf = node.children.length > 0 ? firstLeaf(node) : node;
  let text = source.slice(leaf.start, leaf.end);
  if (text.trim() === '') text = source.slice(node.start, node.end).trim().split(/\s+/)[0] ?? '';
  if (text === '') return { index: node.start, message: 'unexpected input' };
  const oneLine = truncate(text.replace(/\r?\n[\s\S]*$/, ''), 30);
  return { index: node.start, message: `unexpected \`${oneLine}\`` };
}

/** For an ERROR running to the end of the file: the innermost `do` never closed by `end`. */
function unclosedBlock(node: MeshNode): MeshNode | undefined {
  const open: MeshNode[] = [];
  walk(node, (n) => {
    if (n.children.length > 0) return true;
    if (n.isMissing) return false;
    if (n.type === 'do') open.push(n);
    else if (n.type === 'end') open.pop();
    return false;
  });
  return open[open.length - 1];
}

/** `path:line:col: message` followed by the excerpt and a caret line. */
export function formatIssue(path: string, issue: SyntaxIssue): string {
  const caretPad = caretPadding(issue.excerpt, issue.column);
  return `${path}:${issue.line}:${issue.column}: ${issue.message}\n    ${issue.excerpt}\n    ${caretPad}^`;
}

/** Spaces (tabs kept) up to the column, so the caret lines up under the excerpt. */
function caretPadding(excerpt: string, column: number): string {
  const chars = Array.from(excerpt).slice(0, column - 1);
  return chars.map((c) => (c === '\t' ? '\t' : ' ')).join('');
}
