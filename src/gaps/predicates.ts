import { childByField, namedChildren, nodeText, type MeshNode, type ParsedFile } from '../syntax/index.js';
import {
  ancestorsOf,
  calleeName,
  definitionsOf,
  descendants,
  isCallTo,
  isUntypedNameParameter,
  nearest,
  nodesOfKind,
  parametersOf,
  tailExpression,
  topLevel,
  unparen,
} from './tree.js';

/**
 * Code-side refinements of catalog queries, for shapes a tree-sitter query cannot say on
 * its own (line layout, nesting, def-use within a function, facts from other files).
 * Keyed by gap key, next to nothing else: the query in the catalog still finds the
 * candidates. A predicate returns true to report the captured node, false to drop it, or
 * the node(s) to report instead (e.g. the definition rather than the reference).
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

function operatorOf(node: MeshNode): MeshNode | undefined {
  return childByField(node, 'operator');
}

function isAndExpression(ctx: ScanContext, node: MeshNode): boolean {
  const op = operatorOf(node);
  return node.type === 'binary_expression' && op !== undefined && AND_OPERATORS.includes(text(ctx, op));
}

/** Inside recursion (the enclosing fn calls itself), a loop, a closure or an actor body. */
function insideRepetition(node: MeshNode, ctx: ScanContext): boolean {
  const ancestors = ancestorsOf(ctx.file.root, node);
  if (ancestors.some((a) => LOOP_KINDS.includes(a.type))) return true;
  const fn = ancestors.find((a) => a.type === 'function_definition');
  return fn !== undefined && callsItself(fn, ctx.file.source);
}

function callsItself(def: MeshNode, source: string): boolean {
  const name = childByField(def, 'name');
  if (!name) return false;
  const own = nodeText(source, name);
  const body = childByField(def, 'body');
  return body !== undefined && descendants(body, (n) => calleeName(source, n)?.[0] === '' && calleeName(source, n)?.[1] === own).length > 0;
}

/** Whether the source between two indices holds a line break. */
function hasNewline(source: string, from: number, to: number): boolean {
  return source.slice(from, to).includes('\n');
}

/** The operator token is the first thing on its line. */
const pipeStartsLine: DetectionPredicate = (node, ctx) => {
  const op = operatorOf(node);
  if (!op) return false;
  const source = ctx.file.source;
  const lineStart = source.lastIndexOf('\n', op.start - 1) + 1;
  return source.slice(lineStart, op.start).trim() === '';
};

/** The operator token is the last thing on its line (a comment may follow). */
const pipeEndsLine: DetectionPredicate = (node, ctx) => {
  const op = operatorOf(node);
  const right = childByField(node, 'right');
  if (!op || !right) return false;
  return hasNewline(ctx.file.source, op.end, right.start);
};

/** The value a `let` bound to this identifier earlier in the enclosing function, if any. */
function letValue(ctx: ScanContext, ident: MeshNode): MeshNode | undefined {
  const name = text(ctx, ident);
  const scope = nearest(ctx.file.root, ident, FUNCTION_KINDS) ?? ctx.file.root;
  const decls = nodesOfKind(scope, 'let_declaration').filter((decl) => {
    const pattern = childByField(decl, 'pattern');
    return decl.end <= ident.start && pattern?.type === 'identifier' && text(ctx, pattern) === name;
  });
  return decls.length > 0 ? childByField(decls[decls.length - 1]!, 'value') : undefined;
}

type KeyKind = 'string' | 'other' | 'unknown';

/** What keys a collect source yields, as far as the syntax shows (one `let` deep). */
function sourceKeys(ctx: ScanContext, source: MeshNode | undefined, follow = true): KeyKind {
  if (!source) return 'unknown';
  const s = unparen(source);
  if (s.type === 'identifier' && follow) return sourceKeys(ctx, letValue(ctx, s), false);
  if (s.type === 'map_literal') return 'other'; // the compiler's heuristic handles a Map source
  if (isCallTo(ctx.file.source, s, 'Map', ['to_list'])) return 'other';
  if (isCallTo(ctx.file.source, s, 'Iter', ['from'])) return sourceKeys(ctx, namedChildren(childByField(s, 'arguments')!)[0], follow);
  if (s.type === 'list_literal') {
    const first = namedChildren(s)[0];
    if (first === undefined) return 'unknown';
    if (first.type === 'tuple_expression') return 'other'; // List<(K, _)>: handled whatever K is
    return first.type === 'string' ? 'string' : 'other';
  }
  return 'unknown';
}

/**
 * `|> Map.collect()`: risky when the keys may be Strings the compiler's pipe-source heuristic
 * does not see: computed in Iter.map, zipped from a String list (handled only in april), or
 * from a source whose type the syntax does not show. Direct calls and Map.from_list: always.
 */
const collectChainIsRisky: DetectionPredicate = (node, ctx) => {
  const pipe = ancestorsOf(ctx.file.root, node)[0];
  if (!pipe || pipe.type !== 'pipe_expression' || childByField(pipe, 'right') !== node) return true; // direct call or from_list
  let source = childByField(pipe, 'left');
  const stages: MeshNode[] = [];
  while (source && unparen(source).type === 'pipe_expression') {
    const inner = unparen(source);
    const right = childByField(inner, 'right');
    if (right) stages.unshift(right);
    source = childByField(inner, 'left');
  }
  if (stages.some((st) => isCallTo(ctx.file.source, st, 'Iter', ['map']))) return true;
  if (stages.some((st) => isCallTo(ctx.file.source, st, 'Iter', ['enumerate']))) return false; // Int keys
  if (stages.some((st) => isCallTo(ctx.file.source, st, 'Iter', ['zip']))) return sourceKeys(ctx, source) !== 'other';
  return sourceKeys(ctx, source) === 'unknown';
};

/** `x.to_string()` where x is `.collect()` output, directly or through a let in the same function. */
const toStringOnCollect: DetectionPredicate = (node, ctx) => {
  const source = ctx.file.source;
  const fn = childByField(node, 'function');
  const object = fn ? childByField(fn, 'object') : undefined;
  if (!object) return false;
  const endsInCollect = (value: MeshNode | undefined): boolean => {
    if (!value) return false;
    const v = unparen(value);
    if (v.type === 'pipe_expression') return endsInCollect(childByField(v, 'right'));
    return calleeName(source, v)?.[1] === 'collect' && calleeName(source, v)?.[0] !== '';
  };
  if (endsInCollect(object)) return true;
  if (object.type !== 'identifier') return false;
  const name = text(ctx, object);
  const scope = nearest(ctx.file.root, node, FUNCTION_KINDS) ?? ctx.file.root;
  return nodesOfKind(scope, 'let_declaration').some((decl) => {
    const pattern = childByField(decl, 'pattern');
    return decl.start < node.start && pattern?.type === 'identifier' && text(ctx, pattern) === name && endsInCollect(childByField(decl, 'value'));
  });
};

function topLevelFunctions(ctx: ScanContext): Map<string, MeshNode> {
  const out = new Map<string, MeshNode>();
  for (const item of topLevel(ctx.file.root)) {
    if (item.type !== 'function_definition') continue;
    const name = childByField(item, 'name');
    if (name && !out.has(text(ctx, name))) out.set(text(ctx, name), item);
  }
  return out;
}

/** A handler passed by name whose definition has an untyped parameter that nothing pins. */
const handlerHasUntypedParam: DetectionPredicate = (node, ctx) => {
  const def = topLevelFunctions(ctx).get(text(ctx, node));
  if (!def) return false;
  const body = childByField(def, 'body');
  const untyped = parametersOf(def).filter(isUntypedNameParameter).filter((param) => {
    const name = text(ctx, childByField(param, 'pattern')!);
    // A Request.* accessor applied to the parameter pins its type.
    const pinned = body !== undefined && descendants(body, (n) => {
      const callee = calleeName(ctx.file.source, n);
      if (callee?.[0] !== 'Request') return false;
      const first = namedChildren(childByField(n, 'arguments')!)[0];
      return first !== undefined && text(ctx, first) === name;
    }).length > 0;
    return !pinned;
  });
  return untyped.length > 0 ? untyped[0]! : false;
};

function serviceNames(ctx: ScanContext): Set<string> {
  return new Set(definitionsOf(ctx.project.map((f) => ({ root: f.root, source: f.source })), 'service_definition').keys());
}

/** `Timer.send_after(pid, ...)` whose pid is a service started with `Svc.start(...)`. */
const sendAfterTargetsService: DetectionPredicate = (node, ctx) => {
  const services = serviceNames(ctx);
  const target = namedChildren(childByField(node, 'arguments')!)[0];
  if (!target) return false;
  const startsService = (value: MeshNode | undefined): boolean => {
    const callee = value ? calleeName(ctx.file.source, unparen(value)) : undefined;
    return callee !== undefined && callee[1] === 'start' && services.has(callee[0]);
  };
  if (startsService(target)) return true;
  if (target.type !== 'identifier') return false;
  const name = text(ctx, target);
  const scope = nearest(ctx.file.root, node, FUNCTION_KINDS) ?? ctx.file.root;
  return nodesOfKind(scope, 'let_declaration').some((decl) => {
    const pattern = childByField(decl, 'pattern');
    return pattern?.type === 'identifier' && text(ctx, pattern) === name && startsService(childByField(decl, 'value'));
  });
};

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
  const own = text(ctx, name);
  const recurses = descendants(body, (n) => calleeName(ctx.file.source, n)?.[0] === '' && calleeName(ctx.file.source, n)?.[1] === own).length > 0;
  return recurses && descendants(body, ALLOCATING(ctx)).length > 0 ? name : false;
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
  const cases = descendants(body, (n) => n.type === 'case_expression', (n) => n.type === 'function_definition');
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

/** A control-flow head whose last token closes a call (old parsers take `do` as a trailing closure). */
const headEndsInCall: DetectionPredicate = (node) =>
  descendants(node, (n) => n.type === 'call_expression' && n.end === node.end && childByField(n, 'trailing_closure') === undefined).length > 0;

/** `&&`/`and` nested in another boolean operator, chained, or evaluated outside the entry block. */
const andOutsideEntryBlock: DetectionPredicate = (node, ctx) => {
  const ancestors = ancestorsOf(ctx.file.root, node);
  const parent = ancestors.find((a) => a.type !== 'parenthesized_expression');
  if (parent && isAndExpression(ctx, parent)) return false; // the outermost && of a chain reports
  const operands = [childByField(node, 'left'), childByField(node, 'right')].filter((n): n is MeshNode => n !== undefined);
  if (operands.some((o) => descendants(o, (n) => isAndExpression(ctx, n)).length > 0)) return true;
  if (parent && parent.type === 'binary_expression' && BOOL_OPERATORS.includes(text(ctx, operatorOf(parent) ?? parent))) return true;
  const fnIndex = ancestors.findIndex((a) => FUNCTION_KINDS.includes(a.type));
  const within = fnIndex === -1 ? ancestors : ancestors.slice(0, fnIndex);
  // In a branch body rather than in a head: the code runs in a later basic block.
  for (let i = 0; i < within.length; i++) {
    const a = within[i]!;
    const child = within[i - 1] ?? node;
    if (a.type === 'if_expression' && child.field !== 'condition') return true;
    if (a.type === 'while_expression' && child.field === 'body') return true;
    if (a.type === 'for_expression' && child.field === 'body') return true;
    if (a.type === 'arm' && child.field === 'body') return true;
    if (a.type === 'else_clause') return true;
  }
  // After earlier control flow in the same function body.
  const fn = fnIndex === -1 ? undefined : ancestors[fnIndex];
  const body = fn ? childByField(fn, 'body') : undefined;
  if (!body) return false;
  const statement = body.children.find((s) => s.start <= node.start && s.end >= node.end);
  const earlier = body.children.filter((s) => statement !== undefined && s.end <= statement.start);
  const branches = (n: MeshNode): boolean =>
    ['if_expression', 'case_expression', 'while_expression', 'for_expression', 'receive_expression'].includes(n.type) ||
    (n.type === 'binary_expression' && BOOL_OPERATORS.includes(text(ctx, operatorOf(n) ?? n)));
  return earlier.some((s) => descendants(s, branches, (n) => n.type === 'closure').length > 0);
};

const PARTIAL_LOOKUPS = ['get', 'head', 'last', 'values', 'keys'];

/** A helper with untyped parameters, no return type, whose body calls Map/List lookups. Reported at its name. */
const untypedLookupHelper: DetectionPredicate = (node, ctx) => {
  const name = childByField(node, 'name');
  if (!name || text(ctx, name) === 'main' || childByField(node, 'return_type')) return false;
  if (!parametersOf(node).some(isUntypedNameParameter)) return false;
  const body = childByField(node, 'body');
  if (!body) return false;
  const lookups = descendants(body, (n) => {
    const callee = calleeName(ctx.file.source, n);
    return callee !== undefined && ['Map', 'List'].includes(callee[0]) && PARTIAL_LOOKUPS.includes(callee[1]);
  });
  return lookups.length > 0 ? name : false;
};

interface FunctionSite {
  def: MeshNode;
  source: string;
}

/** Top-level functions of every project file by name (the file's own first). */
function projectFunctions(ctx: ScanContext): Map<string, FunctionSite> {
  const out = new Map<string, FunctionSite>();
  for (const file of [ctx.file, ...ctx.project.filter((f) => f !== ctx.file)]) {
    for (const item of topLevel(file.root)) {
      const name = item.type === 'function_definition' ? childByField(item, 'name') : undefined;
      if (name && !out.has(nodeText(file.source, name))) out.set(nodeText(file.source, name), { def: item, source: file.source });
    }
  }
  return out;
}

/**
 * The parameter is passed straight to a call that pins its type: any qualified call
 * (`Module.fn(p)`: stdlib or imported module), or a project function whose matching
 * parameter is typed or is itself pinned (followed a few calls deep).
 */
function pinnedByCall(functions: Map<string, FunctionSite>, site: FunctionSite, name: string, depth = 3): boolean {
  const body = childByField(site.def, 'body');
  if (!body || depth === 0) return false;
  return descendants(body, (n) => {
    const callee = calleeName(site.source, n);
    const args = callee ? childByField(n, 'arguments') : undefined;
    if (!callee || !args) return false;
    return namedChildren(args).some((a, i) => {
      if (a.type !== 'identifier' || nodeText(site.source, a) !== name) return false;
      if (callee[0] !== '') return true;
      const target = functions.get(callee[1]);
      const param = target ? parametersOf(target.def)[i] : undefined;
      if (!target || !param) return false;
      if (childByField(param, 'type') !== undefined) return true;
      const pattern = childByField(param, 'pattern');
      return pattern?.type === 'identifier' && target.def !== site.def && pinnedByCall(functions, target, nodeText(target.source, pattern), depth - 1);
    });
  }).length > 0;
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

/** Only the first `?` of each function: one report per function is enough to act on. */
const firstTryInFunction: DetectionPredicate = (node, ctx) => {
  const scope = nearest(ctx.file.root, node, FUNCTION_KINDS) ?? ctx.file.root;
  const first = descendants(scope, (n) => n.type === 'try_expression', (n) => n !== scope && FUNCTION_KINDS.includes(n.type))[0];
  return first === node;
};

/**
 * An imported name that is a service: defined as one in another project file, or (when the
 * other file is not at hand) started here with `Name.start(...)`, which only services offer.
 */
const importsService: DetectionPredicate = (node, ctx) => {
  const name = text(ctx, node);
  const definedElsewhere = ctx.project.some(
    (f) => f !== ctx.file && nodesOfKind(f.root, 'service_definition').some((s) => {
      const n = childByField(s, 'name');
      return n !== undefined && nodeText(f.source, n) === name;
    }),
  );
  if (definedElsewhere) return true;
  return nodesOfKind(ctx.file.root, 'call_expression').some((n) => {
    const callee = calleeName(ctx.file.source, n);
    return callee !== undefined && callee[0] === name && callee[1] === 'start';
  });
};

function structFieldCount(ctx: ScanContext, typeName: string): number | undefined {
  const structs = definitionsOf(ctx.project.map((f) => ({ root: f.root, source: f.source })), 'struct_definition');
  const def = structs.get(typeName);
  if (!def) return undefined;
  return nodesOfKind(def.node, 'struct_field').length;
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

/** Tail expressions of every branch of an if/case (recursively through else-if). */
function branchTails(expr: MeshNode): MeshNode[] {
  const e = unparen(expr);
  if (e.type === 'if_expression') {
    const tails: MeshNode[] = [];
    const consequence = tailExpression(childByField(e, 'consequence'));
    if (consequence) tails.push(consequence);
    const alternative = childByField(e, 'alternative');
    const altBody = alternative ? childByField(alternative, 'body') : undefined;
    if (altBody?.type === 'if_expression') tails.push(...branchTails(altBody));
    else {
      const t = tailExpression(altBody);
      if (t) tails.push(t);
    }
    return tails.flatMap((t) => (['if_expression', 'case_expression'].includes(unparen(t).type) ? branchTails(t) : [t]));
  }
  if (e.type === 'case_expression') {
    return namedChildren(e)
      .filter((n) => n.type === 'arm')
      .map((arm) => {
        const body = childByField(arm, 'body');
        return body?.type === 'do_block' ? tailExpression(childByField(body, 'body')) : body;
      })
      .filter((n): n is MeshNode => n !== undefined);
  }
  return [e];
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
  const helper = callee !== undefined && callee[0] === '' ? projectFunctions(ctx).get(callee[1]) : undefined;
  return helper !== undefined && branchesIntoTuples(tailExpression(childByField(helper.def, 'body'))) ? report : false;
};

/** Self-calls in non-tail position (deep recursion grows the stack). */
const nonTailSelfRecursion: DetectionPredicate = (node, ctx) => {
  const name = childByField(node, 'name');
  const body = childByField(node, 'body');
  if (!name || !body) return false;
  const own = text(ctx, name);
  const selfCalls = descendants(body, (n) => calleeName(ctx.file.source, n)?.[0] === '' && calleeName(ctx.file.source, n)?.[1] === own);
  return selfCalls.filter((call) => {
    const chain = ancestorsOf(body, call);
    return chain.some((a) => a.type === 'binary_expression' || a.type === 'arguments' || a.type === 'interpolation' || a.type === 'let_declaration');
  });
};

const insideActor: DetectionPredicate = (node, ctx) => nearest(ctx.file.root, node, ['actor_definition']) !== undefined;

/** A call to a top-level function whose (first) definition comes after the calling item. */
const calleeDefinedLater: DetectionPredicate = (node, ctx) => {
  const callee = childByField(node, 'function');
  if (!callee) return false;
  const def = topLevelFunctions(ctx).get(text(ctx, callee));
  if (!def) return false;
  const item = topLevel(ctx.file.root).find((i) => i.start <= node.start && i.end >= node.end);
  return item !== undefined && item !== def && def.start > item.end ? callee : false;
};

/** `Type.from_json(...)` where Type is imported with `from X import Type`. */
const receiverImported: DetectionPredicate = (node, ctx) => {
  const fn = childByField(node, 'function');
  const object = fn ? childByField(fn, 'object') : undefined;
  if (!object || object.type !== 'identifier') return false;
  const name = text(ctx, object);
  return nodesOfKind(ctx.file.root, 'from_import').some((imp) => {
    const names = childByField(imp, 'names');
    const list = names?.type === 'import_list' ? names : nodesOfKind(imp, 'import_list')[0];
    return list !== undefined && namedChildren(list).some((id) => text(ctx, id) === name);
  });
};

/** Formatter-damage inputs: multi-line parenthesised import lists; pub type aliases. */
const formatterInput: DetectionPredicate = (node, ctx) => {
  if (node.type === 'type_alias') return true;
  const t = text(ctx, node);
  return t.includes('(') && t.includes('\n');
};

const multiLine: DetectionPredicate = (node, ctx) => text(ctx, node).includes('\n');

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
};
