/**
 * What a Mesh program defines and refers to, item by item: the facts the reducer's
 * reference-aware passes need (stub bodies, drop unreachable items, call a function from
 * main directly, inline a call). Names are matched by their text across every file, not by
 * scope: a local that happens to share a function's name keeps that function alive. That
 * over-approximation only makes a reduction keep a little more; it never breaks a program.
 */
import type { MeshNode } from './types.js';
import { childByField, childrenByField, nodeText } from './walk.js';
import { PRIMARY_EXPRESSIONS } from './bindings.js';

export interface SourceTree {
  readonly path: string;
  readonly source: string;
  readonly root: MeshNode;
}

export type ItemKind = 'function' | 'type' | 'service' | 'actor' | 'import' | 'impl' | 'other';

/** A body the reducer may replace by a minimal value of its declared type. */
export interface ProgramBody {
  /** Range replaced: the text between `do` and `end` (or after `=`). */
  readonly start: number;
  readonly end: number;
  readonly refs: readonly string[];
  /** Replacement text (a minimal value of the declared type), or null when none is known. */
  readonly stub: string | null;
  readonly stubRefs: readonly string[];
  /** The body is not its stub yet. */
  readonly live: boolean;
}

/**
 * A direct call `f(a, b)`: a whole statement, the value of `let x = f(a, b)`, or nested in a
 * statement's expression (`println(f(a))`, not inside a closure, loop or branch).
 */
export interface CallStatement {
  /** The statement (whole or let), or the nested call expression. */
  readonly start: number;
  readonly end: number;
  readonly callee: string;
  readonly args: readonly string[];
  /** The let pattern's text, or null for a bare call statement or a nested call. */
  readonly binding: string | null;
  /** For a nested call, where its statement starts (what the callee's statements go before); else null. */
  readonly statementStart: number | null;
}

export interface ProgramFunction {
  readonly name: string;
  /** Parameter names (null when a parameter is a pattern) and a minimal argument for each. */
  readonly params: ReadonlyArray<{ readonly name: string | null; readonly minimal: string | null }>;
  /** Statement texts of a block body, in order: whether each is an expression, and a primary one (needs no parentheses as an operand). */
  readonly statements: ReadonlyArray<{ readonly text: string; readonly expression: boolean; readonly primary: boolean }>;
  /** Calls made as statements of this function's body. */
  readonly calls: readonly CallStatement[];
}

export interface ProgramItem {
  readonly path: string;
  readonly start: number;
  readonly end: number;
  readonly kind: ItemKind;
  /** Names this item defines (values and types alike). */
  readonly defines: readonly string[];
  /** Names referred to outside its bodies (signature, fields, ...). */
  readonly refs: readonly string[];
  /** An impl block lives as long as the type it implements. */
  readonly attachedTo: string | null;
  /** `fn main` of the entry file. */
  readonly entry: boolean;
  readonly bodies: readonly ProgramBody[];
  /** Set for a function defined by one clause, without guard, with a block body. */
  readonly fn: ProgramFunction | null;
}

export interface Program {
  /** Top-level items of every file, files in the given order, items in source order. */
  readonly items: readonly ProgramItem[];
}

const NAME_LEAVES = new Set(['identifier', 'type_identifier']);
/** Identifiers under these (parent kind, field) pairs name a declaration or a label, not a use. */
const DECLARING: ReadonlySet<string> = new Set([
  'function_definition.name', 'struct_definition.name', 'struct_field.name', 'sum_type_definition.name', 'variant.name',
  'variant_field.name', 'type_alias.name', 'interface_definition.name', 'actor_definition.name', 'service_definition.name',
  'supervisor_definition.name', 'call_handler.name', 'call_handler.state', 'cast_handler.name', 'cast_handler.state',
  'field_initializer.name', 'keyword_argument.name', 'module_definition.name',
]);

const SCALARS: Readonly<Record<string, string>> = {
  Int: '0',
  Float: '0.0',
  String: '""',
  Bool: 'false',
  Unit: '()',
  Router: 'HTTP.router()',
  Response: 'HTTP.response(200, "")',
};
const EMPTY_GENERICS: Readonly<Record<string, string>> = { List: '[]', Map: 'Map.new()', Set: 'Set.new()', Option: 'None' };

/** Analyses a whole program (one file or every file of a project). */
export function analyzeProgram(files: readonly SourceTree[]): Program {
  const types = collectTypes(files);
  const items: ProgramItem[] = [];
  const clauses = new Map<string, number>();
  for (const file of files) {
    for (const node of file.root.children) {
      if (node.type === 'function_definition') {
        const name = childByField(node, 'name');
        if (name) clauses.set(nodeText(file.source, name), (clauses.get(nodeText(file.source, name)) ?? 0) + 1);
      }
    }
  }
  for (const file of files) {
    const isEntryFile = !file.path.includes('/') && file.path.replace(/\.[^.]*$/, '') === 'main';
    for (const node of file.root.children) {
      if (!node.named || node.type === 'comment' || node.type === 'block_comment' || node.type === 'doc_comment') continue;
      items.push(describeItem(file, node, types, clauses, isEntryFile));
    }
  }
  return { items };
}

// ---------------------------------------------------------------------------------------------
// Items

function describeItem(file: SourceTree, node: MeshNode, types: TypeTable, clauses: ReadonlyMap<string, number>, isEntryFile: boolean): ProgramItem {
  const text = (n: MeshNode | undefined): string => (n ? nodeText(file.source, n) : '');
  const base = { path: file.path, start: node.start, end: node.end, attachedTo: null, entry: false, fn: null };
  const bodies: ProgramBody[] = [];
  const addBody = (block: MeshNode | undefined, stub: string | null, indent: string): void => {
    if (!block) return;
    const body = describeBody(file, block, stub, indent);
    if (body) bodies.push(body);
  };
  const indent = indentationAt(file.source, node.start);
  const refsOutside = (): string[] => names(file.source, node, bodies);

  switch (node.type) {
    case 'function_definition': {
      const name = text(childByField(node, 'name'));
      const bodyNode = childByField(node, 'body');
      const returnType = childByField(node, 'return_type');
      const stub = returnType ? minimalValue(returnType, file.source, types) : '';
      if (bodyNode?.type === 'block') addBody(bodyNode, stub, indent);
      else if (bodyNode && stub) addBody(bodyNode, stub, indent);
      const simple = bodyNode?.type === 'block' && !childByField(node, 'guard') && clauses.get(name) === 1;
      return {
        ...base,
        kind: 'function',
        defines: [name],
        refs: refsOutside(),
        entry: isEntryFile && name === 'main',
        bodies,
        fn: simple ? describeFunction(file, node, name, bodyNode!, types) : null,
      };
    }
    case 'service_definition': {
      const body = childByField(node, 'body');
      for (const member of body?.children ?? []) {
        const inner = indentationAt(file.source, member.start);
        if (member.type === 'function_definition') {
          const rt = childByField(member, 'return_type');
          const b = childByField(member, 'body');
          if (b?.type === 'block') addBody(b, rt ? minimalValue(rt, file.source, types) : '', inner);
        } else if (member.type === 'call_handler') {
          const state = childByField(member, 'state');
          const rt = childByField(member, 'return_type');
          const reply = rt ? minimalValue(rt, file.source, types) : null;
          addBody(childByField(member, 'body'), state && reply !== null ? `(${text(state)}, ${reply})` : null, inner);
        } else if (member.type === 'cast_handler') {
          const state = childByField(member, 'state');
          addBody(childByField(member, 'body'), state ? text(state) : null, inner);
        }
      }
      return { ...base, kind: 'service', defines: [text(childByField(node, 'name'))], refs: refsOutside(), bodies };
    }
    case 'actor_definition':
      addBody(childByField(node, 'body'), '', indent);
      return { ...base, kind: 'actor', defines: [text(childByField(node, 'name'))], refs: refsOutside(), bodies };
    case 'struct_definition':
    case 'type_alias':
    case 'interface_definition':
      return { ...base, kind: 'type', defines: [text(childByField(node, 'name'))], refs: refsOutside(), bodies };
    case 'sum_type_definition': {
      const variants = (childByField(node, 'body')?.children ?? []).filter((c) => c.type === 'variant').map((v) => text(childByField(v, 'name')));
      return { ...base, kind: 'type', defines: [text(childByField(node, 'name')), ...variants], refs: refsOutside(), bodies };
    }
    case 'impl_definition': {
      for (const member of childByField(node, 'body')?.children ?? []) {
        if (member.type !== 'function_definition') continue;
        const rt = childByField(member, 'return_type');
        const b = childByField(member, 'body');
        if (b?.type === 'block') addBody(b, rt ? minimalValue(rt, file.source, types) : '', indentationAt(file.source, member.start));
      }
      const target = childByField(node, 'type');
      return { ...base, kind: 'impl', defines: [], refs: refsOutside(), attachedTo: target ? lastSegment(text(target)) : null, bodies };
    }
    case 'import_declaration': {
      const path = text(childByField(node, 'module'));
      return { ...base, kind: 'import', defines: [lastSegment(path)], refs: [], bodies };
    }
    case 'from_import': {
      const imported = childrenByField(node, 'names')
        .filter((n) => n.type === 'import_list')
        .flatMap((n) => n.children)
        .filter((n) => n.type === 'identifier')
        .map(text);
      return { ...base, kind: 'import', defines: imported, refs: [], bodies };
    }
    case 'module_definition':
    case 'supervisor_definition':
      return { ...base, kind: 'other', defines: [text(childByField(node, 'name'))], refs: refsOutside(), bodies };
    default:
      return { ...base, kind: 'other', defines: [], refs: refsOutside(), bodies };
  }
}

function describeBody(file: SourceTree, block: MeshNode, stub: string | null, indent: string): ProgramBody | null {
  const current = file.source.slice(block.start, block.end);
  const isBlock = block.type === 'block';
  // Block bodies keep their layout: the stub on its own line, indented one step more.
  const replacement = stub === null ? null : isBlock ? (stub === '' ? '\n' : `\n${indent}  ${stub}\n${indent}`) : stub;
  const live = replacement === null ? true : current.trim() !== replacement.trim();
  return {
    start: block.start,
    end: block.end,
    refs: names(file.source, block, []),
    stub: replacement,
    stubRefs: replacement === null ? [] : (replacement.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []),
    live,
  };
}

function describeFunction(file: SourceTree, node: MeshNode, name: string, block: MeshNode, types: TypeTable): ProgramFunction {
  const text = (n: MeshNode): string => nodeText(file.source, n);
  const params = (childByField(node, 'parameters')?.children ?? [])
    .filter((c) => c.type === 'parameter')
    .map((p) => {
      const pattern = childByField(p, 'pattern');
      const type = childByField(p, 'type');
      return {
        name: pattern?.type === 'identifier' ? text(pattern) : null,
        minimal: type ? minimalValue(type, file.source, types) : null,
      };
    });
  const statements: Array<{ text: string; expression: boolean; primary: boolean }> = [];
  const calls: CallStatement[] = [];
  for (const stmt of block.children) {
    if (!stmt.named || /comment/.test(stmt.type)) continue;
    const value = stmt.type === 'expression_statement' ? stmt.children.find((c) => c.named) : undefined;
    statements.push({ text: text(stmt), expression: stmt.type === 'expression_statement', primary: value !== undefined && PRIMARY_EXPRESSIONS.has(value.type) });
    let expr: MeshNode | undefined;
    let binding: string | null = null;
    if (stmt.type === 'expression_statement') expr = value;
    else if (stmt.type === 'let_declaration' && !childByField(stmt, 'type')) {
      expr = childByField(stmt, 'value');
      const pattern = childByField(stmt, 'pattern');
      binding = pattern ? text(pattern) : null;
    }
    const whole = stmt.type === 'expression_statement' || binding !== null;
    const call = expr && whole ? directCall(file.source, expr) : null;
    if (call) calls.push({ start: stmt.start, end: stmt.end, callee: call.callee, args: call.args, binding, statementStart: null });
    if (expr) for (const nested of nestedCalls(file.source, expr)) calls.push({ ...nested, binding: null, statementStart: stmt.start });
  }
  return { name, params, statements, calls };
}

/** Nodes a nested call is not looked for under: code that runs some other number of times than its statement, or not at all. */
const CONDITIONAL = new Set(['closure', 'closure_clause', 'trailing_closure', 'for_expression', 'while_expression', 'case_expression', 'if_expression', 'receive_expression', 'block', 'do_block']);

/** Direct calls inside an expression (outermost first, in source order), outside closures, loops and branches. */
function nestedCalls(source: string, expr: MeshNode): Array<{ start: number; end: number; callee: string; args: string[] }> {
  const out: Array<{ start: number; end: number; callee: string; args: string[] }> = [];
  const stack: MeshNode[] = [...expr.children].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (CONDITIONAL.has(node.type)) continue;
    const call = directCall(source, node);
    if (call) out.push({ start: node.start, end: node.end, ...call });
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return out;
}

/** `f(a, b)` with a plain identifier as the callee and no trailing closure. */
function directCall(source: string, expr: MeshNode): { callee: string; args: string[] } | null {
  if (expr.type !== 'call_expression' || childByField(expr, 'trailing_closure')) return null;
  const fn = childByField(expr, 'function');
  const args = childByField(expr, 'arguments');
  if (fn?.type !== 'identifier' || !args) return null;
  return { callee: nodeText(source, fn), args: args.children.filter((c) => c.named && !/comment/.test(c.type)).map((c) => nodeText(source, c)) };
}

/** Names used under `node`, skipping declarations and the given bodies. */
function names(source: string, node: MeshNode, skip: readonly ProgramBody[]): string[] {
  const out = new Set<string>();
  const stack: Array<{ node: MeshNode; parent: MeshNode | null }> = [{ node, parent: null }];
  while (stack.length > 0) {
    const { node: n, parent } = stack.pop()!;
    if (skip.some((b) => b.start === n.start && b.end === n.end && n !== node)) continue;
    if (NAME_LEAVES.has(n.type) && n.children.length === 0) {
      if (!(parent && n.field && DECLARING.has(`${parent.type}.${n.field}`))) out.add(nodeText(source, n));
      continue;
    }
    for (const child of n.children) stack.push({ node: child, parent: n });
  }
  return [...out].sort();
}

function indentationAt(source: string, offset: number): string {
  const lineStart = source.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(source.slice(lineStart, offset))![0];
}

function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1).trim();
}

// ---------------------------------------------------------------------------------------------
// Minimal values of declared types

interface TypeTable {
  readonly structs: Map<string, { source: string; fields: Array<{ name: string; type: MeshNode | undefined }> }>;
  readonly sums: Map<string, { source: string; variants: Array<{ name: string; fields: MeshNode[] }> }>;
  readonly aliases: Map<string, { source: string; type: MeshNode }>;
}

function collectTypes(files: readonly SourceTree[]): TypeTable {
  const table: TypeTable = { structs: new Map(), sums: new Map(), aliases: new Map() };
  for (const { source, root } of files) {
    for (const node of root.children) {
      const name = childByField(node, 'name');
      if (!name || childByField(node, 'type_parameters')) continue;
      const key = nodeText(source, name);
      if (node.type === 'struct_definition') {
        const fields = (childByField(node, 'body')?.children ?? [])
          .filter((c) => c.type === 'struct_field')
          .map((f) => ({ name: nodeText(source, childByField(f, 'name')!), type: childByField(f, 'type') }));
        table.structs.set(key, { source, fields });
      } else if (node.type === 'sum_type_definition') {
        const variants = (childByField(node, 'body')?.children ?? [])
          .filter((c) => c.type === 'variant')
          .map((v) => ({
            name: nodeText(source, childByField(v, 'name')!),
            fields: v.children.filter((c) => c.type === 'variant_field').map((f) => childByField(f, 'type') ?? f),
          }));
        table.sums.set(key, { source, variants });
      } else if (node.type === 'type_alias') {
        const type = childByField(node, 'type');
        if (type) table.aliases.set(key, { source, type });
      }
    }
  }
  return table;
}

/** The shortest expression of a declared type, or null (type variables, Pid, unknown types). */
function minimalValue(type: MeshNode, source: string, types: TypeTable, depth = 0): string | null {
  if (depth > 4) return null;
  const sub = (t: MeshNode | undefined, src = source): string | null => (t ? minimalValue(t, src, types, depth + 1) : null);
  const all = (ts: readonly MeshNode[], src = source): string[] | null => {
    const out: string[] = [];
    for (const t of ts) {
      const v = sub(t, src);
      if (v === null) return null;
      out.push(v);
    }
    return out;
  };
  switch (type.type) {
    case 'type_identifier':
    case 'qualified_type': {
      const name = lastSegment(nodeText(source, type));
      if (SCALARS[name] !== undefined) return SCALARS[name]!;
      const alias = types.aliases.get(name);
      if (alias) return sub(alias.type, alias.source);
      const struct = types.structs.get(name);
      if (struct) {
        const fields: string[] = [];
        for (const field of struct.fields) {
          const v = sub(field.type, struct.source);
          if (v === null) return null;
          fields.push(`${field.name}: ${v}`);
        }
        return fields.length === 0 ? `${name} {}` : `${name} { ${fields.join(', ')} }`;
      }
      const sum = types.sums.get(name);
      if (sum) {
        const ordered = [...sum.variants].sort((a, b) => a.fields.length - b.fields.length);
        for (const variant of ordered) {
          const args = all(variant.fields, sum.source);
          if (args) return args.length === 0 ? variant.name : `${variant.name}(${args.join(', ')})`;
        }
      }
      return null;
    }
    case 'generic_type': {
      const name = lastSegment(nodeText(source, childByField(type, 'name') ?? type));
      if (EMPTY_GENERICS[name] !== undefined) return EMPTY_GENERICS[name]!;
      if (name === 'Result') {
        const args = (childByField(type, 'type_arguments')?.children ?? []).filter((c) => c.named);
        const err = sub(args[1]);
        if (err !== null) return `Err(${err})`;
        const ok = sub(args[0]);
        return ok === null ? null : `Ok(${ok})`;
      }
      return null;
    }
    case 'optional_type':
      return 'None';
    case 'result_type': {
      const err = sub(childByField(type, 'error'));
      if (err !== null) return `Err(${err})`;
      const ok = sub(childByField(type, 'ok'));
      return ok === null ? null : `Ok(${ok})`;
    }
    case 'tuple_type': {
      const parts = all(type.children.filter((c) => c.named));
      return parts === null ? null : `(${parts.join(', ')})`;
    }
    case 'function_type': {
      const params = (childByField(type, 'parameters')?.children ?? []).filter((c) => c.named);
      const result = sub(childByField(type, 'return_type'));
      if (result === null) return null;
      return `fn(${params.map((_, i) => `p${i}`).join(', ')}) -> ${result} end`;
    }
    default:
      return null;
  }
}
