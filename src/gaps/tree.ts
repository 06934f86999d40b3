import { childByField, namedChildren, nodeText, preorderOf, type MeshNode } from '../syntax/index.js';

/** Small pure helpers over MeshNode snapshots for the detection predicates. */

/** A growable list of 32-bit integers, off the JS heap (so the GC has nothing to trace in it). */
class Ints {
  private data = new Int32Array(64);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  /** The values (a view: valid until the next push). */
  values(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

/** A table entry not worked out yet. */
const UNKNOWN = -0x80000000;

/**
 * One pre-order pass over a tree, kept beside it: every node in document order, its parent
 * and its start, and the nodes of each kind. Ancestor questions then cost a binary search and
 * a few array reads instead of a walk from the root. Per-node facts are tables filled only
 * where asked: top-down facts along the asked node's ancestor path (each node worked out
 * once), bottom-up facts by climbing from the nodes of the kinds that seed them. Nothing
 * here recurses, so any depth is fine.
 */
export class TreeIndex {
  /** Every node, in pre-order (document order; a parent before its children). */
  readonly nodes: readonly MeshNode[];
  /** Pre-order index of each node's parent (-1 for the root). */
  readonly parents: Int32Array;
  private readonly starts: Int32Array;
  /** Pre-order indices of the nodes of each kind (typed arrays: a 15 MB file has ~10M nodes). */
  private readonly kinds = new Map<string, Ints>();
  private readonly kindNodes = new Map<string, readonly MeshNode[]>();
  private readonly tables = new Map<string, Uint8Array | Int32Array>();

  constructor(root: MeshNode) {
    const pre = preorderOf(root);
    if (pre) {
      // Built from the parser's whole-tree export: the pre-order tables are already there.
      this.nodes = pre.nodes;
      this.parents = pre.parents;
      this.starts = pre.starts;
      const byId = pre.kindNames.map((name) => {
        let kind = this.kinds.get(name);
        if (!kind) this.kinds.set(name, (kind = new Ints()));
        return kind;
      });
      const kinds = pre.kinds;
      for (let i = 0; i < kinds.length; i++) byId[kinds[i]!]!.push(i);
      for (const [name, kind] of this.kinds) if (kind.length === 0) this.kinds.delete(name);
      return;
    }
    const nodes: MeshNode[] = [];
    const parents = new Ints();
    const starts = new Ints();
    const stack: MeshNode[] = [root];
    const stackParents: number[] = [-1];
    while (stack.length > 0) {
      const node = stack.pop()!;
      const index = nodes.length;
      nodes.push(node);
      parents.push(stackParents.pop()!);
      starts.push(node.start);
      let kind = this.kinds.get(node.type);
      if (!kind) this.kinds.set(node.type, (kind = new Ints()));
      kind.push(index);
      for (let i = node.children.length - 1; i >= 0; i--) {
        stack.push(node.children[i]!);
        stackParents.push(index);
      }
    }
    this.nodes = nodes;
    this.parents = parents.values();
    this.starts = starts.values();
  }

  /** How many nodes of a kind the tree has. */
  countOf(kind: string): number {
    return this.kinds.get(kind)?.length ?? 0;
  }

  /** Pre-order indices of the nodes of a kind, in document order. */
  indicesOf(kind: string): Int32Array {
    return this.kinds.get(kind)?.values() ?? new Int32Array(0);
  }

  /** Nodes of a kind, in document order. */
  ofKind(kind: string): readonly MeshNode[] {
    let list = this.kindNodes.get(kind);
    if (!list) {
      list = Array.from(this.indicesOf(kind), (i) => this.nodes[i]!);
      this.kindNodes.set(kind, list);
    }
    return list;
  }

  private lastAsked: MeshNode | undefined;
  private lastIndex = -1;

  /** Pre-order index of a node of this tree, or -1. Starts never decrease in pre-order. */
  indexOf(node: MeshNode): number {
    // Predicates ask about the same node several times in a row.
    if (node !== this.lastAsked) {
      this.lastIndex = this.search(node);
      this.lastAsked = node;
    }
    return this.lastIndex;
  }

  private search(node: MeshNode): number {
    const first = this.firstStartingAt(node.start);
    // Usually only a few nodes start at the same place: gallop to the end of that run.
    let step = 1;
    while (first + step < this.starts.length && this.starts[first + step] === node.start) step *= 2;
    const after = this.firstStartingAt(node.start + 1, first + (step >> 1), Math.min(first + step, this.starts.length));
    // Nodes starting together are nested, outermost (longest) first, so ends only decrease;
    // empty nodes can break that order, hence the identity check and the linear fallback.
    let lo = first;
    let hi = after;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.nodes[mid]!.end > node.end) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < after && this.nodes[i]!.end === node.end; i++) if (this.nodes[i] === node) return i;
    for (let i = first; i < after; i++) if (this.nodes[i] === node) return i;
    return -1;
  }

  /** The first pre-order index in [lo, hi) whose node starts at or after start (hi if none). */
  private firstStartingAt(start: number, lo = 0, hi = this.starts.length): number {
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! < start) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  parentOf(node: MeshNode): MeshNode | undefined {
    const i = this.indexOf(node);
    return i > 0 ? this.nodes[this.parents[i]!] : undefined;
  }

  /** The nearest ancestor not of kind skip (parentOf, then up past skip nodes), by index: no search per step. */
  parentSkipping(node: MeshNode, skip: string): MeshNode | undefined {
    const i = this.indexOf(node);
    if (i <= 0) return undefined;
    let p = this.parents[i]!;
    while (p >= 0 && this.nodes[p]!.type === skip) p = this.parents[p]!;
    return p >= 0 ? this.nodes[p] : undefined;
  }

  /** Ancestors of node, nearest first (O(depth): for questions that stop early). */
  *ancestors(node: MeshNode): Generator<MeshNode> {
    for (let i = this.indexOf(node); i > 0; ) {
      i = this.parents[i]!;
      yield this.nodes[i]!;
    }
  }

  private table<T extends Uint8Array | Int32Array>(key: string, make: () => T): T {
    let table = this.tables.get(key) as T | undefined;
    if (!table) {
      table = make();
      this.tables.set(key, table);
    }
    return table;
  }

  /**
   * A top-down fact: value(i) = step(i, parent, value(parent)), with parent -1 (and its
   * value -1) above the root. Worked out along node's ancestor path, up to the first node
   * already known, and kept: each node of the tree is stepped at most once per key.
   * Values must be 32-bit integers.
   */
  topDown(key: string, node: MeshNode, step: (i: number, parent: number, parentValue: number) => number): number {
    const values = this.table(`down:${key}`, () => new Int32Array(this.nodes.length).fill(UNKNOWN));
    const start = this.indexOf(node);
    if (start === -1) return -1;
    const path: number[] = [];
    let i = start;
    while (i >= 0 && values[i] === UNKNOWN) {
      path.push(i);
      i = this.parents[i]!;
    }
    let value = i >= 0 ? values[i]! : -1;
    for (let k = path.length - 1; k >= 0; k--) {
      const at = path[k]!;
      value = step(at, this.parents[at]!, value);
      values[at] = value;
    }
    return values[start]!;
  }

  /** The nearest ancestor of one of the kinds. */
  nearest(node: MeshNode, kinds: readonly string[]): MeshNode | undefined {
    const near = this.topDown(`nearest:${kinds.join(',')}`, node, (_i, p, above) => (p < 0 ? -1 : kinds.includes(this.nodes[p]!.type) ? p : above));
    return near >= 0 ? this.nodes[near] : undefined;
  }

  /**
   * A bottom-up mark: the nodes of the seed kinds that pass seed(), and each ancestor reached
   * from a marked child while climb(child, parent) holds. Built once per key, by climbing
   * from the seeds (stopping at marked nodes), so the work is the marked nodes only.
   */
  marked(key: string, node: MeshNode, kinds: readonly string[], seed: (n: MeshNode) => boolean, climb: (child: MeshNode, parent: MeshNode) => boolean): boolean {
    const marks = this.table(`up:${key}`, () => {
      const bits = new Uint8Array(this.nodes.length);
      for (const kind of kinds) {
        for (const s of this.indicesOf(kind)) {
          if (bits[s] === 1 || !seed(this.nodes[s]!)) continue;
          bits[s] = 1;
          for (let i = s, p = this.parents[i]!; p >= 0 && bits[p] === 0 && climb(this.nodes[i]!, this.nodes[p]!); i = p, p = this.parents[p]!) bits[p] = 1;
        }
      }
      return bits;
    });
    const i = this.indexOf(node);
    return i >= 0 && marks[i] === 1;
  }

  /**
   * Whether node or one of its descendants passes test, not looking inside descendants that
   * stop() (node itself is always looked inside): the answer of
   * `descendants(node, test, stop).length > 0`. test may only hold for nodes of the listed
   * kinds; the table is built once per key by climbing from those nodes.
   */
  anyBelow(key: string, node: MeshNode, kinds: readonly string[], test: (n: MeshNode) => boolean, stop: (n: MeshNode) => boolean = () => false): boolean {
    // Bit 1: the node passes test, or is not stopped and a child has bit 1. Bit 2: a child has bit 1.
    const bits = this.table(`below:${key}`, () => {
      const out = new Uint8Array(this.nodes.length);
      for (const kind of kinds) {
        for (const s of this.indicesOf(kind)) {
          if ((out[s]! & 1) !== 0 || !test(this.nodes[s]!)) continue;
          out[s] = out[s]! | 1;
          for (let p = this.parents[s]!; p >= 0; p = this.parents[p]!) {
            const before = out[p]!;
            out[p] = before | 2;
            // Already reached (its climb is done), or stopped: go no higher.
            if (before !== 0 || stop(this.nodes[p]!)) break;
            out[p] = 3;
          }
        }
      }
      return out;
    });
    const i = this.indexOf(node);
    return i >= 0 && ((kinds.includes(node.type) && test(node)) || (bits[i]! & 2) !== 0);
  }
}

const indexes = new WeakMap<MeshNode, TreeIndex>();

/** The TreeIndex of a tree (built on first use, kept while the tree lives). */
export function treeIndex(root: MeshNode): TreeIndex {
  let index = indexes.get(root);
  if (!index) {
    index = new TreeIndex(root);
    indexes.set(root, index);
  }
  return index;
}

/** Ancestors of target up to root, nearest first (excluding target itself). */
export function ancestorsOf(root: MeshNode, target: MeshNode): MeshNode[] {
  const out: MeshNode[] = [];
  for (const a of treeIndex(root).ancestors(target)) out.push(a);
  return out;
}

/** Nearest ancestor of one of the kinds, or undefined. */
export function nearest(root: MeshNode, target: MeshNode, kinds: readonly string[]): MeshNode | undefined {
  return treeIndex(root).nearest(target, kinds);
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

/** Index of the first node of a list in document order that covers node's range, or -1. */
export function coveringIndex(list: readonly MeshNode[], node: MeshNode): number {
  let hi = list.length;
  for (let lo = 0; lo < hi; ) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.start <= node.start) lo = mid + 1;
    else hi = mid;
  }
  // Siblings do not overlap (bar empty or identical ranges): look back only while one could cover.
  let found = -1;
  for (let j = hi - 1; j >= 0 && list[j]!.end >= node.end; j--) found = j;
  return found;
}

/** The first node of a list in document order that covers node's range. */
export function firstCovering(list: readonly MeshNode[], node: MeshNode): MeshNode | undefined {
  const i = coveringIndex(list, node);
  return i === -1 ? undefined : list[i];
}

/** The nodes of a list in document order that lie inside scope's range (its descendants, for non-empty nodes). */
export function inside(list: readonly MeshNode[], scope: MeshNode): MeshNode[] {
  let lo = 0;
  for (let hi = list.length; lo < hi; ) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.start < scope.start) lo = mid + 1;
    else hi = mid;
  }
  const out: MeshNode[] = [];
  for (let i = lo; i < list.length && list[i]!.start < scope.end; i++) if (list[i]!.end <= scope.end) out.push(list[i]!);
  return out;
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

/** All nodes of a kind under root, in source order (from root's TreeIndex: one walk per root). */
export function nodesOfKind(root: MeshNode, kind: string): readonly MeshNode[] {
  return treeIndex(root).ofKind(kind);
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
