/**
 * `let` bindings of one file and where their names are used afterwards: what the reducer's
 * let-propagation pass needs to put a value in place of its name. Uses are matched by text
 * within the rest of the block (until the name is bound again), not by scope: a closure
 * parameter of the same name is counted too. A wrong guess only gives the oracle a
 * candidate it rejects; it never breaks the input.
 */
import type { MeshNode } from './types.js';
import { childByField, nodeText } from './walk.js';

export interface LetBinding {
  /** The let statement. */
  readonly start: number;
  readonly end: number;
  readonly name: string;
  /** The value's text, parenthesised unless it is a primary expression. */
  readonly value: string;
  /** Identifier occurrences of `name` in the statements after the let. */
  readonly uses: ReadonlyArray<{ readonly start: number; readonly end: number }>;
}

/** Expressions that stay one operand wherever they are put (no parentheses needed). */
export const PRIMARY_EXPRESSIONS: ReadonlySet<string> = new Set([
  'identifier', 'integer', 'float', 'string', 'boolean', 'nil', 'atom', 'call_expression', 'field_access',
  'index_expression', 'list_literal', 'map_literal', 'tuple_expression', 'parenthesized_expression', 'self',
]);
/** Identifiers under these (parent kind, field) pairs are labels, not uses of a variable. */
const LABELS: ReadonlySet<string> = new Set(['field_access.field', 'field_initializer.name', 'keyword_argument.name', 'struct_literal.name']);

/** Every `let <name> = <value>` directly in a block, in source order. */
export function letBindings(source: string, root: MeshNode): LetBinding[] {
  const out: LetBinding[] = [];
  const stack: MeshNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'block') collectBlock(source, node, out);
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return out.sort((a, b) => a.start - b.start);
}

function collectBlock(source: string, block: MeshNode, out: LetBinding[]): void {
  const statements = block.children.filter((c) => c.named && !/comment/.test(c.type));
  statements.forEach((stmt, index) => {
    const bound = boundName(source, stmt);
    const value = stmt.type === 'let_declaration' ? childByField(stmt, 'value') : undefined;
    if (bound === null || !value) return;
    const uses: Array<{ start: number; end: number }> = [];
    for (const later of statements.slice(index + 1)) {
      // A later `let name = …` may still use the old name in its value; after it, the name is new.
      const rebinds = boundName(source, later) === bound;
      usesOf(source, rebinds ? childByField(later, 'value') : later, bound, uses);
      if (rebinds) break;
    }
    const text = nodeText(source, value);
    out.push({ start: stmt.start, end: stmt.end, name: bound, value: PRIMARY_EXPRESSIONS.has(value.type) ? text : `(${text})`, uses });
  });
}

function boundName(source: string, stmt: MeshNode): string | null {
  if (stmt.type !== 'let_declaration') return null;
  const pattern = childByField(stmt, 'pattern');
  return pattern?.type === 'identifier' ? nodeText(source, pattern) : null;
}

function usesOf(source: string, node: MeshNode | undefined, name: string, out: Array<{ start: number; end: number }>): void {
  if (!node) return;
  const stack: Array<{ node: MeshNode; parent: MeshNode | null }> = [{ node, parent: null }];
  while (stack.length > 0) {
    const { node: n, parent } = stack.pop()!;
    if (n.type === 'identifier' && n.children.length === 0) {
      const label = parent !== null && n.field !== null && LABELS.has(`${parent.type}.${n.field}`);
      if (!label && nodeText(source, n) === name) out.push({ start: n.start, end: n.end });
      continue;
    }
    for (const child of n.children) stack.push({ node: child, parent: n });
  }
}
