import { childByField, namedChildren, nodeText, type MeshNode } from '../syntax/index.js';

/** Small pure helpers over MeshNode snapshots for the detection predicates. */

/** The chain root → target (inclusive), found by descending through covering children. */
export function pathTo(root: MeshNode, target: MeshNode): MeshNode[] {
  const path: MeshNode[] = [root];
  let node = root;
  while (node !== target) {
    const covering = node.children.filter((c) => c.start <= target.start && c.end >= target.end);
    // Ranges of siblings only overlap when empty or identical; identity decides then.
    const next = covering.length === 1 ? covering[0] : covering.find((c) => contains(c, target));
    if (!next) return [];
    path.push(next);
    node = next;
  }
  return path;
}

function contains(node: MeshNode, target: MeshNode): boolean {
  if (node === target) return true;
  for (const c of node.children) if (c.start <= target.start && c.end >= target.end && contains(c, target)) return true;
  return false;
}

/** Ancestors of target, nearest first (excluding target itself). */
export function ancestorsOf(root: MeshNode, target: MeshNode): MeshNode[] {
  return pathTo(root, target).slice(0, -1).reverse();
}

/** Nearest ancestor of one of the kinds, or undefined. */
export function nearest(root: MeshNode, target: MeshNode, kinds: readonly string[]): MeshNode | undefined {
  return ancestorsOf(root, target).find((a) => kinds.includes(a.type));
}

/** Descendants (and the node itself) matching test, not descending into nodes that stop(). */
export function descendants(node: MeshNode, test: (n: MeshNode) => boolean, stop: (n: MeshNode) => boolean = () => false): MeshNode[] {
  const out: MeshNode[] = [];
  const stack: MeshNode[] = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (test(n)) out.push(n);
    if (n !== node && stop(n)) continue;
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
  }
  return out.sort((a, b) => a.start - b.start);
}

/** For `Module.name(...)` calls: ['Module', 'name']; for `name(...)`: ['', 'name']; else undefined. */
export function calleeName(source: string, call: MeshNode): [string, string] | undefined {
  if (call.type !== 'call_expression') return undefined;
  const fn = childByField(call, 'function');
  if (!fn) return undefined;
  if (fn.type === 'identifier') return ['', nodeText(source, fn)];
  if (fn.type === 'field_access') {
    const object = childByField(fn, 'object');
    const field = childByField(fn, 'field');
    if (object && field) return [nodeText(source, object), nodeText(source, field)];
  }
  return undefined;
}

/** True for a call `Module.name(...)` with name in names (module '' = unqualified). */
export function isCallTo(source: string, node: MeshNode, module: string, names: readonly string[]): boolean {
  const callee = calleeName(source, node);
  return callee !== undefined && callee[0] === module && names.includes(callee[1]);
}

/** Top-level items of the file (direct named children of source_file). */
export function topLevel(root: MeshNode): MeshNode[] {
  return namedChildren(root);
}

const kindIndex = new WeakMap<MeshNode, Map<string, MeshNode[]>>();

/**
 * All nodes of a kind under root, in source order. One walk per root builds an index of
 * every kind (memoized on the root snapshot), so predicates can ask repeatedly for free.
 */
export function nodesOfKind(root: MeshNode, kind: string): readonly MeshNode[] {
  let index = kindIndex.get(root);
  if (!index) {
    index = new Map();
    const stack: MeshNode[] = [root];
    const all: MeshNode[] = [];
    while (stack.length > 0) {
      const n = stack.pop()!;
      all.push(n);
      for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
    }
    for (const n of all) {
      const list = index.get(n.type);
      if (list) list.push(n);
      else index.set(n.type, [n]);
    }
    kindIndex.set(root, index);
  }
  return index.get(kind) ?? [];
}

/** Names of the definitions of a kind (e.g. 'struct_definition') in the given roots. */
export function definitionsOf(roots: readonly { root: MeshNode; source: string }[], kind: string): Map<string, { node: MeshNode; source: string }> {
  const out = new Map<string, { node: MeshNode; source: string }>();
  for (const file of roots) {
    for (const def of nodesOfKind(file.root, kind)) {
      const name = childByField(def, 'name');
      if (name) out.set(nodeText(file.source, name), { node: def, source: file.source });
    }
  }
  return out;
}

/** Parameters of a function/actor/handler definition. */
export function parametersOf(def: MeshNode): MeshNode[] {
  const params = childByField(def, 'parameters');
  return params ? namedChildren(params).filter((p) => p.type === 'parameter') : [];
}

/** A plain `name` parameter with no `:: Type`. */
export function isUntypedNameParameter(param: MeshNode): boolean {
  const pattern = childByField(param, 'pattern');
  return pattern?.type === 'identifier' && childByField(param, 'type') === undefined;
}

/** The last statement's expression of a block (unwrapping expression_statement). */
export function tailExpression(block: MeshNode | undefined): MeshNode | undefined {
  if (!block) return undefined;
  const statements = namedChildren(block).filter((n) => n.type !== 'comment' && n.type !== 'doc_comment' && n.type !== 'block_comment');
  const last = statements[statements.length - 1];
  if (!last) return undefined;
  return last.type === 'expression_statement' ? namedChildren(last)[0] : last;
}

/** Strips parentheses: `((x))` → `x`. */
export function unparen(node: MeshNode): MeshNode {
  let n = node;
  while (n.type === 'parenthesized_expression') {
    const inner = namedChildren(n)[0];
    if (!inner) break;
    n = inner;
  }
  return n;
}
