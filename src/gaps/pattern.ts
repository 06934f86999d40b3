import { childByField, nodeText, type MeshNode } from '../syntax/index.js';
import type { TreeIndex } from './tree.js';

/**
 * The catalog's detection queries, evaluated over MeshNode snapshots instead of by
 * tree-sitter's query cursor, which keeps one state per open ancestor: on a 50,000-deep
 * `a + b + ...` chain a pattern with a field ran for minutes and then crashed the process.
 * Here each candidate (a node of the pattern's head kind, from the TreeIndex) is matched
 * locally, so the work is linear in the tree and the recursion follows the pattern's depth,
 * never the input's.
 *
 * Supported: the subset the catalog uses, with tree-sitter's meaning: `(kind child...)`,
 * `(_)` (any named node but ERROR), `_`, `"token"`, `[alternatives]`, `field: pattern`,
 * `@capture`, a trailing `.` anchor (last named child), grouping `((pattern) @c (#pred...))`,
 * and `#eq?` / `#match?` between a capture and a string. Anything else is refused.
 */

interface Test {
  readonly eq?: string;
  readonly match?: RegExp;
}

type Pattern =
  | { kind: 'node'; type: string | null; children: Child[]; lastChild: boolean; captures: string[]; tests: Test[] }
  | { kind: 'token'; type: string | null; captures: string[]; tests: Test[] }
  | { kind: 'alt'; options: Pattern[]; captures: string[]; tests: Test[] };

interface Child {
  readonly field: string | null;
  readonly pattern: Pattern;
}

interface Predicate {
  readonly op: 'eq' | 'match';
  readonly capture: string;
  readonly value: string;
}

/** A compiled query: its top-level patterns. */
export interface CompiledQuery {
  readonly patterns: readonly Pattern[];
}

/** The catalog is code: a query outside the subset is a bug in it, caught by the catalog test. */
function refuse(text: string, why: string): never {
  throw new Error(`unsupported detection query (${why}): ${text}`);
}

const TOKEN = /\s+|;[^\n]*|"(?:[^"\\]|\\.)*"|@[\w.-]+|#[\w-]+\?|[\w-]+:|[\w-]+|[()[\].!*+?]/gy;

function tokenize(text: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) refuse(text, `unexpected character at ${at}`);
    if (!/^\s|^;/.test(m[0])) out.push(m[0]);
  }
  return out;
}

/** Parses query text; predicates are attached to the pattern that holds their capture. */
export function compileQuery(text: string): CompiledQuery {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = (): string | undefined => tokens[pos];
  const next = (): string => tokens[pos++] ?? refuse(text, 'unexpected end');
  const expect = (t: string): void => {
    if (next() !== t) refuse(text, `expected ${t}`);
  };
  let predicates: Predicate[] = [];

  const captures = (p: Pattern): Pattern => {
    while (peek()?.startsWith('@')) p.captures.push(next().slice(1));
    return p;
  };
  const predicate = (): void => {
    const op = next();
    const capture = next();
    const value = next();
    expect(')');
    if ((op !== '#eq?' && op !== '#match?') || !capture.startsWith('@') || !value.startsWith('"')) refuse(text, `predicate ${op}`);
    predicates.push({ op: op === '#eq?' ? 'eq' : 'match', capture: capture.slice(1), value: JSON.parse(value) as string });
  };
  const pattern = (): Pattern => {
    const t = next();
    if (t.startsWith('"')) return captures({ kind: 'token', type: JSON.parse(t) as string, captures: [], tests: [] });
    if (t === '_') return captures({ kind: 'token', type: null, captures: [], tests: [] });
    if (t === '[') {
      const options: Pattern[] = [];
      while (peek() !== ']') options.push(pattern());
      next();
      return captures({ kind: 'alt', options, captures: [], tests: [] });
    }
    if (t !== '(') refuse(text, `unexpected ${t}`);
    const head = peek();
    if (head === '(' || head === '[' || head?.startsWith('"')) {
      // Grouping: one pattern with its predicates (sibling sequences are not supported).
      const inner = pattern();
      while (peek() === '(' && tokens[pos + 1]?.startsWith('#')) {
        next();
        predicate();
      }
      expect(')');
      return captures(inner);
    }
    const type = next();
    if (!/^[\w-]+$/.test(type)) refuse(text, `unexpected ${type}`);
    const node: Pattern = { kind: 'node', type: type === '_' ? null : type, children: [], lastChild: false, captures: [], tests: [] };
    while (peek() !== ')') {
      const t2 = peek()!;
      if (t2 === '.') {
        next();
        if (peek() !== ')' || node.children.length === 0) refuse(text, 'only a trailing . anchor');
        node.lastChild = true;
      } else if (t2 === '(' && tokens[pos + 1]?.startsWith('#')) {
        next();
        predicate();
      } else if (t2.endsWith(':')) {
        next();
        node.children.push({ field: t2.slice(0, -1), pattern: pattern() });
      } else if (['!', '*', '+', '?'].includes(t2)) {
        refuse(text, `operator ${t2}`);
      } else {
        node.children.push({ field: null, pattern: pattern() });
      }
    }
    next();
    return captures(node);
  };

  const patterns: Pattern[] = [];
  while (pos < tokens.length) {
    predicates = [];
    const p = pattern();
    for (const pred of predicates) {
      const holders = holdersOf(p, pred.capture);
      if (holders.length !== 1) refuse(text, `@${pred.capture} must be captured exactly once`);
      holders[0]!.tests.push(pred.op === 'eq' ? { eq: pred.value } : { match: new RegExp(pred.value) });
    }
    patterns.push(p);
  }
  return { patterns };
}

function holdersOf(p: Pattern, capture: string): Pattern[] {
  const out: Pattern[] = [];
  const stack: Pattern[] = [p];
  while (stack.length > 0) {
    const q = stack.pop()!;
    if (q.captures.includes(capture)) out.push(q);
    if (q.kind === 'node') for (const c of q.children) stack.push(c.pattern);
    if (q.kind === 'alt') stack.push(...q.options);
  }
  return out;
}

const compiled = new Map<string, CompiledQuery>();

function compileCached(text: string): CompiledQuery {
  let q = compiled.get(text);
  if (!q) {
    q = compileQuery(text);
    compiled.set(text, q);
  }
  return q;
}

/** Matching over one file: its source (for predicates) and its TreeIndex (for candidates). */
class Matcher {
  constructor(private readonly source: string) {}

  matches(p: Pattern, n: MeshNode): boolean {
    switch (p.kind) {
      case 'token':
        if (n.isError || (p.type !== null && (n.named || n.type !== p.type))) return false;
        break;
      case 'alt':
        if (!p.options.some((o) => this.matches(o, n))) return false;
        break;
      case 'node':
        if (!n.named || n.isError !== (p.type === 'ERROR') || (p.type !== null && n.type !== p.type)) return false;
        break;
    }
    if (!this.passes(p, n)) return false;
    return p.kind !== 'node' || this.placeable(p, n);
  }

  private passes(p: Pattern, n: MeshNode): boolean {
    for (const t of p.tests) {
      // #eq? compares in place: most candidates fail it, and slicing each would allocate.
      const ok = t.eq !== undefined ? n.end - n.start === t.eq.length && this.source.startsWith(t.eq, n.start) : t.match!.test(this.source.slice(n.start, n.end));
      if (!ok) return false;
    }
    return true;
  }

  private fits(child: Child, n: MeshNode): boolean {
    return (child.field === null || n.field === child.field) && this.matches(child.pattern, n);
  }

  /** Whether the child patterns can all be placed among n's children (fit, without its arrays). */
  private placeable(p: Extract<Pattern, { kind: 'node' }>, n: MeshNode): boolean {
    const items = p.children;
    const kids = n.children;
    let j = -1;
    for (let i = 0; i < items.length; i++) {
      const anchored = p.lastChild && i === items.length - 1;
      for (j++; j < kids.length; j++) {
        if (anchored && !isLastNamed(kids, j)) continue;
        if (this.fits(items[i]!, kids[j]!)) break;
      }
      if (j >= kids.length) return false;
    }
    return true;
  }

  /**
   * Where the child patterns can go among n's children, in order: for each pattern, the
   * earliest child it can take after the earlier patterns (`first`) and the latest child it
   * can take before the later ones (`last`). Undefined when they cannot all be placed.
   * Greedy placement from either end is optimal, so a child can hold pattern i in some match
   * exactly when it fits i and lies after first[i - 1] and before last[i + 1].
   */
  private fit(p: Extract<Pattern, { kind: 'node' }>, n: MeshNode): { first: number[]; last: number[] } | undefined {
    const items = p.children;
    const kids = n.children;
    if (items.length === 0) return { first: [], last: [] };
    let lastNamed = -1;
    if (p.lastChild) for (let j = kids.length - 1; j >= 0 && lastNamed === -1; j--) if (kids[j]!.named) lastNamed = j;
    const allowed = (i: number, j: number): boolean => !(p.lastChild && i === items.length - 1 && j !== lastNamed);
    const first: number[] = [];
    let j = -1;
    for (let i = 0; i < items.length; i++) {
      j++;
      while (j < kids.length && !(allowed(i, j) && this.fits(items[i]!, kids[j]!))) j++;
      if (j >= kids.length) return undefined;
      first.push(j);
    }
    const last: number[] = new Array<number>(items.length);
    j = kids.length;
    for (let i = items.length - 1; i >= 0; i--) {
      j--;
      while (j >= 0 && !(allowed(i, j) && this.fits(items[i]!, kids[j]!))) j--;
      last[i] = j;
    }
    return { first, last };
  }

  /** Adds the nodes captured as name in any match of p at n (which must match). */
  collect(p: Pattern, n: MeshNode, name: string, out: MeshNode[]): void {
    if (p.captures.includes(name)) out.push(n);
    if (p.kind === 'alt') {
      for (const o of p.options) if (this.matches(o, n)) this.collect(o, n, name, out);
      return;
    }
    if (p.kind !== 'node' || !capturesWithin(p, name)) return;
    const placed = this.fit(p, n)!;
    const items = p.children;
    for (let i = 0; i < items.length; i++) {
      if (!capturesWithin(items[i]!.pattern, name)) continue;
      const from = i === 0 ? 0 : placed.first[i - 1]! + 1;
      const to = i === items.length - 1 ? n.children.length - 1 : placed.last[i + 1]! - 1;
      for (let j = from; j <= to; j++) {
        const kid = n.children[j]!;
        if ((i !== items.length - 1 || !p.lastChild || j === placed.last[i]) && this.fits(items[i]!, kid)) {
          this.collect(items[i]!.pattern, kid, name, out);
        }
      }
    }
  }
}

function isLastNamed(kids: readonly MeshNode[], j: number): boolean {
  if (!kids[j]!.named) return false;
  for (let k = j + 1; k < kids.length; k++) if (kids[k]!.named) return false;
  return true;
}

const within = new WeakMap<Pattern, Set<string>>();

/** Capture names used in p or below it. */
function capturesWithin(p: Pattern, name: string): boolean {
  let names = within.get(p);
  if (!names) {
    names = new Set(p.captures);
    if (p.kind === 'node') for (const c of p.children) for (const x of allCaptures(c.pattern)) names.add(x);
    if (p.kind === 'alt') for (const o of p.options) for (const x of allCaptures(o)) names.add(x);
    within.set(p, names);
  }
  return names.has(name);
}

function allCaptures(p: Pattern): string[] {
  const out: string[] = [];
  const stack: Pattern[] = [p];
  while (stack.length > 0) {
    const q = stack.pop()!;
    out.push(...q.captures);
    if (q.kind === 'node') for (const c of q.children) stack.push(c.pattern);
    if (q.kind === 'alt') stack.push(...q.options);
  }
  return out;
}

interface Callee {
  /** `Module.name(...)` rather than `name(...)`. */
  qualified: boolean;
  module: string;
  name: string;
}

const callees = new WeakMap<TreeIndex, Array<Callee | undefined>>();

function calleeOf(source: string, call: MeshNode): Callee | undefined {
  const fn = childByField(call, 'function');
  if (fn?.type === 'identifier') return { qualified: false, module: '', name: nodeText(source, fn) };
  const object = fn?.type === 'field_access' ? childByField(fn, 'object') : undefined;
  const field = fn?.type === 'field_access' ? childByField(fn, 'field') : undefined;
  return object && field ? { qualified: true, module: nodeText(source, object), name: nodeText(source, field) } : undefined;
}

function textPasses(tests: readonly Test[], text: string): boolean {
  return tests.every((t) => (t.eq !== undefined ? text === t.eq : t.match!.test(text)));
}

/**
 * Most catalog queries are calls `Module.name(...)` or `name(...)` with tests on the names.
 * Their candidates are narrowed to the calls whose callee text passes those tests (the callee
 * of every call is read once per tree), instead of matching every call of the file against
 * every such query. The full match still runs on what is left. Undefined: no narrowing.
 */
function callsByCallee(index: TreeIndex, source: string, p: Extract<Pattern, { kind: 'node' }>): MeshNode[] | undefined {
  if (p.type !== 'call_expression') return undefined;
  const fn = p.children.find((c) => c.field === 'function')?.pattern;
  if (fn?.kind !== 'node') return undefined;
  let test: (callee: Callee) => boolean;
  if (fn.type === 'identifier' && fn.tests.length > 0) {
    test = (c) => !c.qualified && textPasses(fn.tests, c.name);
  } else if (fn.type === 'field_access') {
    const part = (field: string): Test[] => {
      const q = fn.children.find((c) => c.field === field)?.pattern;
      return q?.kind === 'node' && q.type === 'identifier' ? q.tests : [];
    };
    const [objectTests, fieldTests] = [part('object'), part('field')];
    if (objectTests.length + fieldTests.length === 0) return undefined;
    test = (c) => c.qualified && textPasses(objectTests, c.module) && textPasses(fieldTests, c.name);
  } else return undefined;
  const calls = index.ofKind('call_expression');
  let names = callees.get(index);
  if (!names) {
    names = calls.map((call) => calleeOf(source, call));
    callees.set(index, names);
  }
  return calls.filter((_call, i) => names[i] !== undefined && test(names[i]!));
}

/**
 * The nodes a query captures as `capture`, in document order (start, then outermost first,
 * as tree-sitter orders captures), each once.
 */
export function captureNodes(index: TreeIndex, source: string, queryText: string, capture: string): MeshNode[] {
  const matcher = new Matcher(source);
  const out: MeshNode[] = [];
  for (const p of compileCached(queryText).patterns) {
    const candidates = p.kind === 'node' && p.type !== null ? (callsByCallee(index, source, p) ?? index.ofKind(p.type)) : index.nodes;
    for (const n of candidates) if (matcher.matches(p, n)) matcher.collect(p, n, capture, out);
  }
  const unique = [...new Set(out)];
  return unique.sort((a, b) => a.start - b.start || b.end - a.end);
}
