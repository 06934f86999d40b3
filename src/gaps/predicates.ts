import { LineIndex, childByField, namedChildren, nodeText, type MeshNode, type ParsedFile } from '../syntax/index.js';
import {
  calleeName,
  definitionsOf,
  descendants,
  coveringIndex,
  firstCovering,
  inside,
  isCallTo,
  isUntypedNameParameter,
  parametersOf,
  tailExpression,
  topLevel,
  treeIndex,
  unparen,
  type TreeIndex,
} from './tree.js';

/**
 * Code-side refinements of catalog queries, for shapes a tree-sitter query cannot say on
 * its own (line layout, nesting, def-use within a function, facts from other files).
 * Keyed by gap key, next to nothing else: the query in the catalog still finds the
 * candidates. A predicate returns true to report the captured node, false to drop it, or
 * the node(s) to report instead (e.g. the definition rather than the reference).
 *
 * Every predicate must stay cheap on huge and deeply nested files: ancestor questions go
 * through the file's TreeIndex, facts about whole subtrees are per-tree tables built in one
 * pass, and per-file or per-project lookups (functions, lets, calls by name) are built once
 * and memoized. Nothing recurses with the input's depth.
 */

export interface ScanContext {
  readonly file: ParsedFile;
  /** Every file of the project being scanned (the file itself included). */
  readonly project: readonly ParsedFile[];
}

export type DetectionPredicate = (node: MeshNode, context: ScanContext) => boolean | MeshNode | readonly MeshNode[];

export interface GapPredicates {
  risky?: DetectionPredicate;
  workaround?: DetectionPredicate;
}

/** A pool `max` below this is flagged (about the scheduler worker count on small servers). */
export const POOL_MAX_WARN_BELOW = 4;
/** Service state structs with at least this many fields are "large" for struct-layout. */
export const LARGE_STRUCT_FIELDS = 5;

const LOOP_KINDS = ['for_expression', 'while_expression', 'closure', 'actor_definition'];
const FUNCTION_KINDS = ['function_definition', 'actor_definition', 'call_handler', 'cast_handler', 'closure'];
const AND_OPERATORS = ['&&', 'and'];
const BOOL_OPERATORS = ['&&', 'and', '||', 'or'];

const text = (ctx: ScanContext, node: MeshNode): string => nodeText(ctx.file.source, node);
const indexOf = (ctx: ScanContext): TreeIndex => treeIndex(ctx.file.root);

/** Cached per key object (a tree, a file, a project): built on first use. */
function memo<K extends object, V>(cache: WeakMap<K, V>, key: K, make: () => V): V {
  if (cache.has(key)) return cache.get(key)!;
  const value = make();
  cache.set(key, value);
  return value;
}

function groupBy(nodes: readonly MeshNode[], keyOf: (n: MeshNode) => string | undefined): Map<string, MeshNode[]> {
  const out = new Map<string, MeshNode[]>();
  for (const n of nodes) {
    const key = keyOf(n);
    if (key === undefined) continue;
    const list = out.get(key);
    if (list) list.push(n);
    else out.set(key, [n]);
  }
  return out;
}

const unqualifiedCalls = new WeakMap<MeshNode, Map<string, MeshNode[]>>();

/** Unqualified calls `name(...)` of the file, by name, in document order. */
function callsNamed(ctx: ScanContext, name: string): readonly MeshNode[] {
  const byName = memo(unqualifiedCalls, ctx.file.root, () =>
    groupBy(indexOf(ctx).ofKind('call_expression'), (n) => {
      const callee = calleeName(ctx.file.source, n);
      return callee?.[0] === '' ? callee[1] : undefined;
    }),
  );
  return byName.get(name) ?? [];
}

const letsByName = new WeakMap<MeshNode, Map<string, MeshNode[]>>();

/** `let name = ...` declarations of the file, by name, in document order. */
function letsNamed(ctx: ScanContext, name: string): readonly MeshNode[] {
  const byName = memo(letsByName, ctx.file.root, () =>
    groupBy(indexOf(ctx).ofKind('let_declaration'), (decl) => {
      const pattern = childByField(decl, 'pattern');
      return pattern?.type === 'identifier' ? text(ctx, pattern) : undefined;
    }),
  );
  return byName.get(name) ?? [];
}

/** The enclosing function-like scope of a node (the file when there is none). */
function scopeOf(ctx: ScanContext, node: MeshNode): MeshNode {
  return indexOf(ctx).nearest(node, FUNCTION_KINDS) ?? ctx.file.root;
}

function operatorOf(node: MeshNode): MeshNode | undefined {
  return childByField(node, 'operator');
}

function isAndExpression(ctx: ScanContext, node: MeshNode): boolean {
  if (node.type !== 'binary_expression') return false;
  const op = operatorOf(node);
  return op !== undefined && AND_OPERATORS.includes(text(ctx, op));
}

/** Inside recursion (the enclosing fn calls itself), a loop, a closure or an actor body. */
function insideRepetition(node: MeshNode, ctx: ScanContext): boolean {
  const index = indexOf(ctx);
  if (index.nearest(node, LOOP_KINDS) !== undefined) return true;
  const fn = index.nearest(node, ['function_definition']);
  return fn !== undefined && selfCalls(fn, ctx).length > 0;
}

/** Unqualified calls to the definition's own name inside its body. */
function selfCalls(def: MeshNode, ctx: ScanContext): MeshNode[] {
  const name = childByField(def, 'name');
  const body = childByField(def, 'body');
  return name && body ? inside(callsNamed(ctx, text(ctx, name)), body) : [];
}

/** Whether the source between two indices holds a line break. */
function hasNewline(source: string, from: number, to: number): boolean {
  return source.slice(from, to).includes('\n');
}

const lineIndexes = new WeakMap<ParsedFile, LineIndex>();

/** The node's text holds a line break (without copying the text: nodes nest). */
function spansLines(ctx: ScanContext, node: MeshNode): boolean {
  const lines = memo(lineIndexes, ctx.file, () => new LineIndex(ctx.file.source));
  return lines.lineOf(node.end) > lines.lineOf(node.start);
}

/** The operator token is the first thing on its line (only blanks before it). */
const pipeStartsLine: DetectionPredicate = (node, ctx) => {
  const op = operatorOf(node);
  if (!op) return false;
  const source = ctx.file.source;
  for (let i = op.start - 1; i >= 0; i--) {
    const c = source[i]!;
    if (c === '\n') return true;
    if (!/\s/.test(c)) return false;
  }
  return true;
};

/** The operator token is the last thing on its line (a comment may follow). */
const pipeEndsLine: DetectionPredicate = (node, ctx) => {
  const op = operatorOf(node);
  const right = childByField(node, 'right');
  if (!op || !right) return false;
  return hasNewline(ctx.file.source, op.end, right.start);
};

/** `let name = ...` declarations in the scope that start before `before`, latest first. */
function* letsBefore(ctx: ScanContext, name: string, scope: MeshNode, before: number): Generator<MeshNode> {
  const lets = letsNamed(ctx, name);
  let hi = lets.length;
  for (let lo = 0; lo < hi; ) {
    const mid = (lo + hi) >> 1;
    if (lets[mid]!.start < before) lo = mid + 1;
    else hi = mid;
  }
  for (let i = hi - 1; i >= 0 && lets[i]!.start >= scope.start; i--) if (lets[i]!.end <= scope.end) yield lets[i]!;
}

/** The value a `let` bound to this identifier earlier in the enclosing function, if any. */
function letValue(ctx: ScanContext, ident: MeshNode): MeshNode | undefined {
  for (const decl of letsBefore(ctx, text(ctx, ident), scopeOf(ctx, ident), ident.start)) {
    if (decl.end <= ident.start) return childByField(decl, 'value');
  }
  return undefined;
}

type KeyKind = 'string' | 'other' | 'unknown';

/** What keys a collect source yields, as far as the syntax shows (one `let` deep). */
function sourceKeys(ctx: ScanContext, source: MeshNode | undefined): KeyKind {
  let follow = true;
  for (let next = source; next !== undefined; ) {
    const s = unparen(next);
    if (s.type === 'identifier' && follow) {
      follow = false;
      next = letValue(ctx, s);
      continue;
    }
    if (s.type === 'map_literal') return 'other'; // the compiler's heuristic handles a Map source
    if (isCallTo(ctx.file.source, s, 'Map', ['to_list'])) return 'other';
    if (isCallTo(ctx.file.source, s, 'Iter', ['from'])) {
      const args = childByField(s, 'arguments');
      next = args ? namedChildren(args)[0] : undefined;
      continue;
    }
    if (s.type === 'list_literal') {
      const first = namedChildren(s)[0];
      if (first === undefined) return 'unknown';
      if (first.type === 'tuple_expression') return 'other'; // List<(K, _)>: handled whatever K is
      return first.type === 'string' ? 'string' : 'other';
    }
    return 'unknown';
  }
  return 'unknown';
}

/** What the stages of a pipe chain (left of some `|>`) call, and the value it starts from. */
interface PipeChain {
  map: boolean;
  enumerate: boolean;
  zip: boolean;
  source: MeshNode | undefined;
}

const pipeChains = new WeakMap<MeshNode, PipeChain>();

/**
 * The chain `source |> s1 |> ... |> sN` that `left` is, memoized per pipe node: every
 * `|> Map.collect()` of a long chain asks about the part before it, and each part is
 * worked out once.
 */
function pipeChain(ctx: ScanContext, left: MeshNode | undefined): PipeChain {
  const pending: MeshNode[] = [];
  let rest = left;
  let chain: PipeChain | undefined;
  while (rest && unparen(rest).type === 'pipe_expression') {
    const pipe = unparen(rest);
    chain = pipeChains.get(pipe);
    if (chain) break;
    pending.push(pipe);
    rest = childByField(pipe, 'left');
  }
  chain ??= { map: false, enumerate: false, zip: false, source: rest };
  for (let i = pending.length - 1; i >= 0; i--) {
    const stage = childByField(pending[i]!, 'right');
    const calls = (name: string): boolean => stage !== undefined && isCallTo(ctx.file.source, stage, 'Iter', [name]);
    chain = { map: chain.map || calls('map'), enumerate: chain.enumerate || calls('enumerate'), zip: chain.zip || calls('zip'), source: chain.source };
    pipeChains.set(pending[i]!, chain);
  }
  return chain;
}

/**
 * `|> Map.collect()`: risky when the keys may be Strings the compiler's pipe-source heuristic
 * does not see: computed in Iter.map, zipped from a String list (handled only in april), or
 * from a source whose type the syntax does not show. Direct calls and Map.from_list: always.
 */
const collectChainIsRisky: DetectionPredicate = (node, ctx) => {
  const pipe = indexOf(ctx).parentOf(node);
  if (!pipe || pipe.type !== 'pipe_expression' || childByField(pipe, 'right') !== node) return true; // direct call or from_list
  const chain = pipeChain(ctx, childByField(pipe, 'left'));
  if (chain.map) return true;
  if (chain.enumerate) return false; // Int keys
  if (chain.zip) return sourceKeys(ctx, chain.source) !== 'other';
  return sourceKeys(ctx, chain.source) === 'unknown';
};

/** `x.to_string()` where x is `.collect()` output, directly or through a let in the same function. */
const toStringOnCollect: DetectionPredicate = (node, ctx) => {
  const source = ctx.file.source;
  const fn = childByField(node, 'function');
  const object = fn ? childByField(fn, 'object') : undefined;
  if (!object) return false;
  const endsInCollect = (value: MeshNode | undefined): boolean => {
    for (let v = value; v !== undefined; ) {
      const u = unparen(v);
      if (u.type !== 'pipe_expression') return calleeName(source, u)?.[1] === 'collect' && calleeName(source, u)?.[0] !== '';
      v = childByField(u, 'right');
    }
    return false;
  };
  if (endsInCollect(object)) return true;
  if (object.type !== 'identifier') return false;
  for (const decl of letsBefore(ctx, text(ctx, object), scopeOf(ctx, node), node.start)) {
    if (endsInCollect(childByField(decl, 'value'))) return true;
  }
  return false;
};

const topLevelFunctionTables = new WeakMap<MeshNode, Map<string, MeshNode>>();

/** The file's top-level functions by name (the first definition of a name). */
function topLevelFunctions(ctx: ScanContext): Map<string, MeshNode> {
  return memo(topLevelFunctionTables, ctx.file.root, () => {
    const out = new Map<string, MeshNode>();
    for (const item of topLevel(ctx.file.root)) {
      if (item.type !== 'function_definition') continue;
      const name = childByField(item, 'name');
      if (name && !out.has(text(ctx, name))) out.set(text(ctx, name), item);
    }
    return out;
  });
}

const requestArguments = new WeakMap<MeshNode, Set<string>>();

/** Texts of the first arguments of the `Request.*` calls in a body (they pin a parameter's type). */
function requestArgumentsIn(ctx: ScanContext, body: MeshNode): Set<string> {
  return memo(requestArguments, body, () => {
    const out = new Set<string>();
    for (const call of descendants(body, (n) => calleeName(ctx.file.source, n)?.[0] === 'Request')) {
      const args = childByField(call, 'arguments');
      const first = args ? namedChildren(args)[0] : undefined;
      if (first) out.add(text(ctx, first));
    }
    return out;
  });
}

/** A handler passed by name whose definition has an untyped parameter that nothing pins. */
const handlerHasUntypedParam: DetectionPredicate = (node, ctx) => {
  const def = topLevelFunctions(ctx).get(text(ctx, node));
  if (!def) return false;
  const body = childByField(def, 'body');
  const untyped = parametersOf(def).filter(isUntypedNameParameter).filter((param) => {
    const name = text(ctx, childByField(param, 'pattern')!);
    // A Request.* accessor applied to the parameter pins its type.
    return body === undefined || !requestArgumentsIn(ctx, body).has(name);
  });
  return untyped.length > 0 ? untyped[0]! : false;
};

const projectDefinitions = new WeakMap<readonly ParsedFile[], Map<string, Map<string, { node: MeshNode; source: string }>>>();

/** Definitions of a kind in the whole project, by name (built once per project and kind). */
function projectDefinitionsOf(ctx: ScanContext, kind: string): Map<string, { node: MeshNode; source: string }> {
  const byKind = memo(projectDefinitions, ctx.project, () => new Map<string, Map<string, { node: MeshNode; source: string }>>());
  let defs = byKind.get(kind);
  if (!defs) {
    defs = definitionsOf(ctx.project.map((f) => ({ root: f.root, source: f.source })), kind);
    byKind.set(kind, defs);
  }
  return defs;
}

/** `Timer.send_after(pid, ...)` whose pid is a service started with `Svc.start(...)`. */
const sendAfterTargetsService: DetectionPredicate = (node, ctx) => {
  const services = projectDefinitionsOf(ctx, 'service_definition');
  const args = childByField(node, 'arguments');
  const target = args ? namedChildren(args)[0] : undefined;
  if (!target) return false;
  const startsService = (value: MeshNode | undefined): boolean => {
    const callee = value ? calleeName(ctx.file.source, unparen(value)) : undefined;
    return callee !== undefined && callee[1] === 'start' && services.has(callee[0]);
  };
  if (startsService(target)) return true;
  if (target.type !== 'identifier') return false;
  const scope = scopeOf(ctx, node);
  for (const decl of letsBefore(ctx, text(ctx, target), scope, scope.end)) if (startsService(childByField(decl, 'value'))) return true;
  return false;
};

const ALLOCATING_KINDS = ['interpolation', 'list_literal', 'map_literal', 'binary_expression', 'call_expression'];
const ALLOCATING = (ctx: ScanContext) => (n: MeshNode): boolean =>
  n.type === 'interpolation' ||
  n.type === 'list_literal' ||
  n.type === 'map_literal' ||
  (n.type === 'binary_expression' && ['<>', '++'].includes(text(ctx, operatorOf(n) ?? n))) ||
  isCallTo(ctx.file.source, n, 'Json', ['encode']);

/** A self-recursive actor that allocates on every turn. Reported at the actor's name. */
const selfRecursiveAllocatingActor: DetectionPredicate = (node, ctx) => {
  const name = childByField(node, 'name');
  const body = childByField(node, 'body');
  if (!name || !body) return false;
  return selfCalls(node, ctx).length > 0 && indexOf(ctx).anyBelow('allocating', body, ALLOCATING_KINDS, ALLOCATING(ctx)) ? name : false;
};

/** `Pool.open(url, min, max, timeout)` with a literal max below POOL_MAX_WARN_BELOW. */
const smallPool: DetectionPredicate = (node, ctx) => {
  const args = namedChildren(childByField(node, 'arguments')!);
  const max = args[2];
  if (!max || max.type !== 'integer') return false;
  return Number(text(ctx, max).replace(/_/g, '')) < POOL_MAX_WARN_BELOW;
};

/** Binder names bound by constructor patterns of one case expression. */
function constructorBinders(caseExpr: MeshNode): MeshNode[] {
  const arms = namedChildren(caseExpr).filter((n) => n.type === 'arm');
  const out: MeshNode[] = [];
  for (const arm of arms) {
    const pattern = childByField(arm, 'pattern');
    if (!pattern) continue;
    for (const ctor of descendants(pattern, (n) => n.type === 'constructor_pattern')) {
      for (const child of namedChildren(ctor)) if (child.type === 'identifier' && child.field !== 'constructor') out.push(child);
    }
  }
  return out;
}

/** A binder name reused by a second case expression in the same function. */
const binderReusedAcrossCases: DetectionPredicate = (node, ctx) => {
  const body = childByField(node, 'body');
  if (!body) return false;
  // The cases of this function, not of functions nested in it.
  const index = indexOf(ctx);
  const cases = inside(index.ofKind('case_expression'), body).filter((c) => index.nearest(c, ['function_definition']) === node);
  const firstCase = new Map<string, MeshNode>();
  const reused: MeshNode[] = [];
  for (const c of cases) {
    for (const binder of constructorBinders(c)) {
      const name = text(ctx, binder);
      if (name === '_') continue;
      const owner = firstCase.get(name);
      if (owner === undefined) firstCase.set(name, c);
      else if (owner !== c) reused.push(binder);
    }
  }
  return reused;
};

/**
 * A control-flow head whose last token closes a call (old parsers take `do` as a trailing
 * closure): a call without trailing closure ends where the head ends. Such a call can only
 * sit below children that end there too, so one bottom-up table answers for every head.
 */
const headEndsInCall: DetectionPredicate = (node, ctx) =>
  indexOf(ctx).marked(
    'ends-in-call',
    node,
    ['call_expression'],
    (call) => childByField(call, 'trailing_closure') === undefined,
    (child, parent) => child.end === parent.end,
  );

/** The node (or an ancestor below its enclosing function) is in a branch body rather than in a head. */
function inBranchBody(ctx: ScanContext, node: MeshNode): boolean {
  const index = indexOf(ctx);
  // Top-down: in a branch body when the parent puts the node in one, or is in one itself.
  const inBody = index.topDown('branch-body', node, (i, p, parentInBody) => {
    if (p < 0) return 0;
    const a = index.nodes[p]!;
    if (FUNCTION_KINDS.includes(a.type)) return 0;
    const field = index.nodes[i]!.field;
    const here =
      (a.type === 'if_expression' && field !== 'condition') ||
      ((a.type === 'while_expression' || a.type === 'for_expression' || a.type === 'arm') && field === 'body') ||
      a.type === 'else_clause';
    return here || parentInBody === 1 ? 1 : 0;
  });
  return inBody === 1;
}

const firstBranchingStatement = new WeakMap<MeshNode, number>();
const BRANCH_KINDS = ['if_expression', 'case_expression', 'while_expression', 'for_expression', 'receive_expression', 'binary_expression'];

/** `&&`/`and` nested in another boolean operator, chained, or evaluated outside the entry block. */
const andOutsideEntryBlock: DetectionPredicate = (node, ctx) => {
  const index = indexOf(ctx);
  const parent = index.parentSkipping(node, 'parenthesized_expression');
  if (parent && isAndExpression(ctx, parent)) return false; // the outermost && of a chain reports
  const operands = [childByField(node, 'left'), childByField(node, 'right')].filter((n): n is MeshNode => n !== undefined);
  if (operands.some((o) => index.anyBelow('and', o, ['binary_expression'], (n) => isAndExpression(ctx, n)))) return true;
  if (parent && parent.type === 'binary_expression' && BOOL_OPERATORS.includes(text(ctx, operatorOf(parent) ?? parent))) return true;
  // In a branch body rather than in a head: the code runs in a later basic block.
  if (inBranchBody(ctx, node)) return true;
  // After earlier control flow in the same function body.
  const fn = index.nearest(node, FUNCTION_KINDS);
  const body = fn ? childByField(fn, 'body') : undefined;
  if (!body) return false;
  const statement = coveringIndex(body.children, node);
  if (statement === -1) return false;
  const branches = (n: MeshNode): boolean => n.type !== 'binary_expression' || BOOL_OPERATORS.includes(text(ctx, operatorOf(n) ?? n));
  const first = memo(firstBranchingStatement, body, () => {
    const at = body.children.findIndex((s) => index.anyBelow('branches', s, BRANCH_KINDS, branches, (n) => n.type === 'closure'));
    return at === -1 ? Infinity : at;
  });
  return first < statement;
};

const PARTIAL_LOOKUPS = ['get', 'head', 'last', 'values', 'keys'];

/** A helper with untyped parameters, no return type, whose body calls Map/List lookups. Reported at its name. */
const untypedLookupHelper: DetectionPredicate = (node, ctx) => {
  const name = childByField(node, 'name');
  if (!name || text(ctx, name) === 'main' || childByField(node, 'return_type')) return false;
  if (!parametersOf(node).some(isUntypedNameParameter)) return false;
  const body = childByField(node, 'body');
  if (!body) return false;
  const lookup = (n: MeshNode): boolean => {
    const callee = calleeName(ctx.file.source, n);
    return callee !== undefined && ['Map', 'List'].includes(callee[0]) && PARTIAL_LOOKUPS.includes(callee[1]);
  };
  return indexOf(ctx).anyBelow('partial-lookup', body, ['call_expression'], lookup) ? name : false;
};

interface FunctionSite {
  def: MeshNode;
  source: string;
}

/** Top-level functions of every project file by name (the file's own first), and answers about them. */
interface ProjectFunctions {
  project: readonly ParsedFile[];
  byName: Map<string, FunctionSite>;
  /** pinnedByCall answers by definition, then `depth:name`. */
  pinned: WeakMap<MeshNode, Map<string, boolean>>;
}

const projectFunctionTables = new WeakMap<ParsedFile, ProjectFunctions>();

function projectFunctions(ctx: ScanContext): ProjectFunctions {
  const known = projectFunctionTables.get(ctx.file);
  if (known && known.project === ctx.project) return known;
  const byName = new Map<string, FunctionSite>();
  for (const file of [ctx.file, ...ctx.project.filter((f) => f !== ctx.file)]) {
    for (const item of topLevel(file.root)) {
      const name = item.type === 'function_definition' ? childByField(item, 'name') : undefined;
      if (name && !byName.has(nodeText(file.source, name))) byName.set(nodeText(file.source, name), { def: item, source: file.source });
    }
  }
  const table = { project: ctx.project, byName, pinned: new WeakMap<MeshNode, Map<string, boolean>>() };
  projectFunctionTables.set(ctx.file, table);
  return table;
}

const callsInBody = new WeakMap<MeshNode, MeshNode[]>();

/** Calls with a known callee and an argument list inside a definition's body. */
function callsIn(site: FunctionSite, body: MeshNode): MeshNode[] {
  return memo(callsInBody, body, () => descendants(body, (n) => calleeName(site.source, n) !== undefined && childByField(n, 'arguments') !== undefined));
}

/**
 * The parameter is passed straight to a call that pins its type: any qualified call
 * (`Module.fn(p)`: stdlib or imported module), or a project function whose matching
 * parameter is typed or is itself pinned (followed a few calls deep; each answer is kept).
 */
function pinnedByCall(functions: ProjectFunctions, site: FunctionSite, name: string, depth = 3): boolean {
  const body = childByField(site.def, 'body');
  if (!body || depth === 0) return false;
  const answers = memo(functions.pinned, site.def, () => new Map<string, boolean>());
  const key = `${depth}:${name}`;
  const known = answers.get(key);
  if (known !== undefined) return known;
  const pinned = callsIn(site, body).some((n) => {
    const callee = calleeName(site.source, n)!;
    return namedChildren(childByField(n, 'arguments')!).some((a, i) => {
      if (a.type !== 'identifier' || nodeText(site.source, a) !== name) return false;
      if (callee[0] !== '') return true;
      const target = functions.byName.get(callee[1]);
      const param = target ? parametersOf(target.def)[i] : undefined;
      if (!target || !param) return false;
      if (childByField(param, 'type') !== undefined) return true;
      const pattern = childByField(param, 'pattern');
      return pattern?.type === 'identifier' && target.def !== site.def && pinnedByCall(functions, target, nodeText(target.source, pattern), depth - 1);
    });
  });
  answers.set(key, pinned);
  return pinned;
}

/** `pub fn` with no return type whose untyped parameters are not all pinned by qualified calls. */
const unannotatedExport: DetectionPredicate = (node, ctx) => {
  const params = parametersOf(node);
  if (params.length === 0 || childByField(node, 'return_type') !== undefined) return false;
  if (!params.every(isUntypedNameParameter)) return false;
  const functions = projectFunctions(ctx);
  const site = { def: node, source: ctx.file.source };
  const loose = params.filter((p) => !pinnedByCall(functions, site, text(ctx, childByField(p, 'pattern')!)));
  return loose.length > 0 ? (childByField(node, 'name') ?? true) : false;
};

const firstTries = new WeakMap<MeshNode, MeshNode | null>();

/** Only the first `?` of each function: one report per function is enough to act on. */
const firstTryInFunction: DetectionPredicate = (node, ctx) => {
  const scope = scopeOf(ctx, node);
  const first = memo(firstTries, scope, () => {
    const tries = descendants(scope, (n) => n.type === 'try_expression', (n) => n !== scope && FUNCTION_KINDS.includes(n.type));
    return tries[0] ?? null;
  });
  return first === node;
};

const startedNames = new WeakMap<MeshNode, Set<string>>();
const serviceFiles = new WeakMap<readonly ParsedFile[], Map<string, ParsedFile[]>>();

/**
 * An imported name that is a service: defined as one in another project file, or (when the
 * other file is not at hand) started here with `Name.start(...)`, which only services offer.
 */
const importsService: DetectionPredicate = (node, ctx) => {
  const name = text(ctx, node);
  const definedIn = memo(serviceFiles, ctx.project, () => {
    const out = new Map<string, ParsedFile[]>();
    for (const f of ctx.project) {
      for (const service of definitionsOf([{ root: f.root, source: f.source }], 'service_definition').keys()) out.set(service, [...(out.get(service) ?? []), f]);
    }
    return out;
  });
  if ((definedIn.get(name) ?? []).some((f) => f !== ctx.file)) return true;
  const started = memo(startedNames, ctx.file.root, () => {
    const out = new Set<string>();
    for (const n of indexOf(ctx).ofKind('call_expression')) {
      const callee = calleeName(ctx.file.source, n);
      if (callee !== undefined && callee[1] === 'start') out.add(callee[0]);
    }
    return out;
  });
  return started.has(name);
};

function structFieldCount(ctx: ScanContext, typeName: string): number | undefined {
  const def = projectDefinitionsOf(ctx, 'struct_definition').get(typeName);
  if (!def) return undefined;
  return descendants(def.node, (n) => n.type === 'struct_field').length;
}

function serviceStateType(service: MeshNode, ctx: ScanContext): string | undefined {
  const body = childByField(service, 'body');
  const init = body ? namedChildren(body).find((n) => n.type === 'function_definition' && text(ctx, childByField(n, 'name') ?? n) === 'init') : undefined;
  const returnType = init ? childByField(init, 'return_type') : undefined;
  return returnType ? text(ctx, returnType) : undefined;
}

/** Service with multi-field struct state, or a call replying Bool / Result / Option / struct. */
const serviceAbiRisk: DetectionPredicate = (node, ctx) => {
  const name = childByField(node, 'name') ?? node;
  const state = serviceStateType(node, ctx);
  if (state !== undefined && (structFieldCount(ctx, state) ?? 0) >= 2) return name;
  const body = childByField(node, 'body');
  const handlers = body ? namedChildren(body).filter((n) => n.type === 'call_handler') : [];
  for (const handler of handlers) {
    const reply = childByField(handler, 'return_type');
    if (!reply) continue;
    if (reply.type === 'result_type' || reply.type === 'optional_type') return name;
    const replyName = text(ctx, reply);
    if (replyName === 'Bool' || (structFieldCount(ctx, replyName) ?? 0) >= 2) return name;
  }
  return false;
};

/** Service whose state struct is large (struct-layout). */
const largeServiceState: DetectionPredicate = (node, ctx) => {
  const state = serviceStateType(node, ctx);
  return state !== undefined && (structFieldCount(ctx, state) ?? 0) >= LARGE_STRUCT_FIELDS ? (childByField(node, 'name') ?? true) : false;
};

/**
 * Tail expressions of every branch of an if/case, through else-if chains and if/case tails
 * (in no particular order). An explicit work list, not recursion: if-chains nest without
 * bound. A tail found with `expand` > 0 that is itself an if/case is opened again that many
 * times: an if opens its branch tails once more, and once more per else-if level; the tails
 * of a case's arms are taken as they are.
 */
function branchTails(expr: MeshNode): MeshNode[] {
  const tails: MeshNode[] = [];
  const work: Array<{ node: MeshNode; expand: number; opened: boolean }> = [{ node: expr, expand: 0, opened: true }];
  const found = (node: MeshNode | undefined, expand: number): void => {
    if (node) work.push({ node, expand, opened: false });
  };
  while (work.length > 0) {
    const { node, expand, opened } = work.pop()!;
    const e = unparen(node);
    const branching = e.type === 'if_expression' || e.type === 'case_expression';
    if (!opened) {
      // A tail: final unless it branches and may still be opened.
      if (branching && expand > 0) work.push({ node, expand: expand - 1, opened: true });
      else tails.push(node);
      continue;
    }
    if (e.type === 'if_expression') {
      found(tailExpression(childByField(e, 'consequence')), expand + 1);
      const alternative = childByField(e, 'alternative');
      const altBody = alternative ? childByField(alternative, 'body') : undefined;
      if (altBody?.type === 'if_expression') work.push({ node: altBody, expand: expand + 1, opened: true });
      else found(tailExpression(altBody), expand + 1);
    } else if (e.type === 'case_expression') {
      for (const arm of namedChildren(e).filter((n) => n.type === 'arm')) {
        const body = childByField(arm, 'body');
        found(body?.type === 'do_block' ? tailExpression(childByField(body, 'body')) : body, expand);
      }
    } else {
      tails.push(e);
    }
  }
  return tails;
}

function branchesIntoTuples(tail: MeshNode | undefined): boolean {
  if (!tail || !['if_expression', 'case_expression'].includes(unparen(tail).type)) return false;
  return branchTails(tail).filter((t) => unparen(t).type === 'tuple_expression').length >= 2;
}

/**
 * A call handler whose tail branches into two or more (state, reply) tuple literals, either
 * itself or in the helper function it tail-calls (Mesher's rate limiter had the latter).
 */
const handlerBranchesTuples: DetectionPredicate = (node, ctx) => {
  const tail = tailExpression(childByField(node, 'body'));
  if (!tail) return false;
  const report = childByField(node, 'name') ?? true;
  if (branchesIntoTuples(tail)) return report;
  const callee = calleeName(ctx.file.source, unparen(tail));
  const helper = callee !== undefined && callee[0] === '' ? projectFunctions(ctx).byName.get(callee[1]) : undefined;
  return helper !== undefined && branchesIntoTuples(tailExpression(childByField(helper.def, 'body'))) ? report : false;
};

const NON_TAIL_KINDS = ['binary_expression', 'arguments', 'interpolation', 'let_declaration'];

/** Self-calls in non-tail position (deep recursion grows the stack). */
const nonTailSelfRecursion: DetectionPredicate = (node, ctx) => {
  const body = childByField(node, 'body');
  if (!body) return false;
  const index = indexOf(ctx);
  const bodyAt = index.indexOf(body);
  // Non-tail when an operator, argument list, interpolation or let lies between call and body:
  // the nearest one above the call is below the body (later in pre-order).
  return selfCalls(node, ctx).filter((call) => {
    const holder = index.nearest(call, NON_TAIL_KINDS);
    return holder !== undefined && index.indexOf(holder) > bodyAt;
  });
};

const insideActor: DetectionPredicate = (node, ctx) => indexOf(ctx).nearest(node, ['actor_definition']) !== undefined;

const topLevelItems = new WeakMap<MeshNode, MeshNode[]>();

/** A call to a top-level function whose (first) definition comes after the calling item. */
const calleeDefinedLater: DetectionPredicate = (node, ctx) => {
  const callee = childByField(node, 'function');
  if (!callee) return false;
  const def = topLevelFunctions(ctx).get(text(ctx, callee));
  if (!def) return false;
  const item = firstCovering(memo(topLevelItems, ctx.file.root, () => topLevel(ctx.file.root)), node);
  return item !== undefined && item !== def && def.start > item.end ? callee : false;
};

const importedNames = new WeakMap<MeshNode, Set<string>>();

/** `Type.from_json(...)` where Type is imported with `from X import Type`. */
const receiverImported: DetectionPredicate = (node, ctx) => {
  const fn = childByField(node, 'function');
  const object = fn ? childByField(fn, 'object') : undefined;
  if (!object || object.type !== 'identifier') return false;
  const imported = memo(importedNames, ctx.file.root, () => {
    const out = new Set<string>();
    for (const imp of indexOf(ctx).ofKind('from_import')) {
      const names = childByField(imp, 'names');
      const list = names?.type === 'import_list' ? names : descendants(imp, (n) => n.type === 'import_list')[0];
      for (const id of list ? namedChildren(list) : []) out.add(text(ctx, id));
    }
    return out;
  });
  return imported.has(text(ctx, object));
};

/** Formatter-damage inputs: multi-line parenthesised import lists; pub type aliases; `-> do` arms. */
const formatterInput: DetectionPredicate = (node, ctx) => {
  if (node.type === 'type_alias' || node.type === 'arm') return true;
  return text(ctx, node).includes('(') && spansLines(ctx, node);
};

const multiLine: DetectionPredicate = (node, ctx) => spansLines(ctx, node);

/** The predicates, by gap key. Gaps not listed here report every query capture as is. */
export const GAP_PREDICATES: Readonly<Record<string, GapPredicates>> = {
  'multiline-pipe': { risky: pipeStartsLine, workaround: multiLine },
  'trailing-pipe': { risky: pipeEndsLine },
  'map-collect-string-keys': { risky: collectChainIsRisky },
  'collect-to-string': { risky: toStringOnCollect },
  'middleware-untyped-param': { risky: handlerHasUntypedParam },
  'timer-thread-per-call': { risky: insideRepetition },
  'timer-service-cast': { risky: sendAfterTargetsService },
  'map-linear-scan': { risky: insideRepetition },
  'conservative-gc': { risky: selfRecursiveAllocatingActor },
  'pool-checkout-blocks': { risky: smallPool },
  'case-binder-reuse': { risky: binderReusedAcrossCases },
  'trailing-closure-head': { risky: headEndsInCall },
  'nested-and': { risky: andOutsideEntryBlock },
  'unresolved-tyvar-unit': { risky: untypedLookupHelper },
  'cross-module-poly-export': { risky: unannotatedExport },
  'try-operator-result': { risky: firstTryInFunction },
  'service-export': { risky: importsService },
  'service-struct-state': { risky: serviceAbiRisk },
  'service-branch-tuples': { risky: handlerBranchesTuples },
  'struct-layout': { risky: largeServiceState },
  'actor-stack-size': { risky: nonTailSelfRecursion },
  'panic-aborts-process': { risky: insideActor },
  'forward-reference': { risky: calleeDefinedLater },
  'cross-module-from-json': { risky: receiverImported },
  'formatter-damage': { risky: formatterInput },
  // The captured closure_clause has a parameter with no `:: Type` (queries cannot negate a field).
  'iter-closure-param': { risky: (node) => parametersOf(node).some(isUntypedNameParameter) },
};
