import type { Edit, MeshNode } from '../types.js';
import { childByField, nodeText } from '../walk.js';
import type { Definition, ModuleFacts, Namespace } from './model.js';

/**
 * Rewrites the references of one module for the flattened file, scope-aware:
 * - `Y.f` / `Y.T` where `import ….Y` names a project module → the final name of Y's f / T;
 * - bare names defined in this module or brought in by `from Y import …` → their final names;
 * - definition sites of renamed names.
 * Local bindings (parameters, let, patterns, closure and for bindings) shadow top-level names.
 * The walk is iterative (explicit stack), so deeply nested code cannot overflow the JS stack.
 */

/** A lexical scope: names bound locally (values and type parameters). */
interface Scope {
  readonly names: ReadonlySet<string>;
  readonly parent: Scope | null;
}

type Mode = 'expr' | 'pattern';

interface Entry {
  readonly node: MeshNode;
  readonly scope: Scope | null;
  readonly mode: Mode;
}

export interface RewriteContext {
  readonly modules: readonly ModuleFacts[];
  readonly moduleByName: ReadonlyMap<string, number>;
  readonly finalName: (def: Definition) => string;
}

export interface RewriteResult {
  readonly edits: Edit[];
  /** Definitions whose final name is shadowed by a local binding where a qualified use was rewritten. */
  readonly shadowed: Set<Definition>;
  /** `namespace:name` of bare names this module uses that resolve to no project definition. */
  readonly unresolved: Set<string>;
}

/** Fields whose identifiers name something being declared (not references). */
const DECLARING_FIELDS: Readonly<Record<string, readonly string[]>> = {
  function_definition: ['name'],
  annotation: ['name'],
  struct_definition: ['name'],
  struct_field: ['name'],
  struct_option: ['name'],
  sum_type_definition: ['name'],
  variant: ['name'],
  variant_field: ['name'],
  type_alias: ['name'],
  interface_definition: ['name'],
  associated_type: ['name'],
  interface_method: ['name'],
  type_binding: ['name'],
  actor_definition: ['name'],
  service_definition: ['name'],
  supervisor_definition: ['name'],
  call_handler: ['name', 'state'],
  cast_handler: ['name', 'state'],
  child_spec: ['name'],
  supervisor_option: ['key'],
  test_hook: ['name'],
  keyword_argument: ['name'],
  field_initializer: ['name'],
  trait_bound: ['type'],
};

/** Nodes whose children are statements evaluated in order (a `let` scopes over what follows). */
const SEQUENCES = new Set(['source_file', 'block', 'impl_body', 'service_body']);

const isUpper = (s: string): boolean => s.length > 0 && s[0] !== s[0]!.toLowerCase();

export function rewriteModule(facts: ModuleFacts, ctx: RewriteContext): RewriteResult {
  const source = facts.file.source;
  const text = (n: MeshNode): string => nodeText(source, n);
  const edits: Edit[] = [];
  const shadowed = new Set<Definition>();
  const unresolved = new Set<string>();

  const bound = (scope: Scope | null, name: string): boolean => {
    for (let s = scope; s; s = s.parent) if (s.names.has(name)) return true;
    return false;
  };
  const extend = (scope: Scope | null, names: Iterable<string>): Scope | null => {
    const set = new Set(names);
    return set.size === 0 ? scope : { names: set, parent: scope };
  };

  // ---- name resolution in this module --------------------------------------------------
  const fromImported = (name: string, ns: Namespace): Definition | undefined => {
    for (const imp of facts.imports) {
      if (!imp.names || !imp.names.length) continue;
      const target = ctx.moduleByName.get(imp.path);
      if (target === undefined) continue;
      const mod = ctx.modules[target]!;
      if (imp.names.includes(name)) {
        const def = (ns === 'value' ? mod.values : mod.types).get(name);
        if (def) return def;
      }
      if (ns === 'value') {
        // Importing a sum type brings its variant constructors.
        for (const imported of imp.names) {
          const sum = mod.types.get(imported);
          if (sum?.variants.includes(name)) return mod.values.get(name);
        }
      }
    }
    return undefined;
  };
  const resolveBare = (name: string, ns: Namespace): Definition | undefined =>
    (ns === 'value' ? facts.values : facts.types).get(name) ?? fromImported(name, ns);

  /** The project module a qualifier (`Parser` or `Ingest.Parser`) names through a plain `import`. */
  const qualifiedModule = (qualifier: string): ModuleFacts | undefined => {
    for (const imp of facts.imports) {
      if (imp.names) continue;
      const last = imp.path.slice(imp.path.lastIndexOf('.') + 1);
      if (qualifier !== imp.path && qualifier !== last) continue;
      const target = ctx.moduleByName.get(imp.path);
      if (target !== undefined) return ctx.modules[target];
    }
    return undefined;
  };

  /** `A.B.C` for a chain of identifiers / type identifiers, else null. */
  const dottedPath = (node: MeshNode): string | null => {
    const parts: string[] = [];
    let current: MeshNode | undefined = node;
    while (current) {
      if (current.type === 'identifier' || current.type === 'type_identifier') {
        parts.unshift(text(current));
        return parts.join('.');
      }
      if (current.type !== 'field_access' && current.type !== 'qualified_type' && current.type !== 'qualified_name') return null;
      const member = childByField(current, current.type === 'field_access' ? 'field' : 'name');
      if (!member) return null;
      parts.unshift(text(member));
      current = childByField(current, current.type === 'field_access' ? 'object' : 'module');
    }
    return null;
  };

  const replace = (node: MeshNode, replacement: string): void => {
    if (text(node) !== replacement) edits.push({ start: node.start, end: node.end, text: replacement });
  };

  /**
   * `Q.member` where Q names an imported project module: replace the whole node.
   * Returns true when handled.
   */
  const rewriteQualified = (node: MeshNode, qualifierNode: MeshNode | undefined, member: MeshNode | undefined, prefer: Namespace, scope: Scope | null): boolean => {
    if (!qualifierNode || !member) return false;
    const qualifier = dottedPath(qualifierNode);
    if (qualifier === null || bound(scope, qualifier.split('.')[0]!)) return false;
    const mod = qualifiedModule(qualifier);
    if (!mod) return false;
    const name = text(member);
    const other: Namespace = prefer === 'value' ? 'type' : 'value';
    const def = (prefer === 'value' ? mod.values : mod.types).get(name) ?? (other === 'value' ? mod.values : mod.types).get(name);
    if (!def) return false; // unknown member: leave it for the compiler to report
    const final = ctx.finalName(def);
    if (def.namespace === 'value' && bound(scope, final)) shadowed.add(def);
    edits.push({ start: node.start, end: node.end, text: final });
    return true;
  };

  /**
   * A bare name used as a reference, looked up in `ns` first; capitalised names may also be
   * the other kind (`Shape.Circle` vs `Counter.start()`).
   */
  const reference = (node: MeshNode, ns: Namespace, scope: Scope | null): Definition | undefined => {
    const name = text(node);
    if (bound(scope, name)) return undefined;
    const other: Namespace = ns === 'value' ? 'type' : 'value';
    const def = resolveBare(name, ns) ?? (isUpper(name) ? resolveBare(name, other) : undefined);
    if (!def) {
      unresolved.add(`${ns}:${name}`);
      if (isUpper(name)) unresolved.add(`${other}:${name}`);
      return undefined;
    }
    replace(node, ctx.finalName(def));
    return def;
  };

  /** After `S.Variant` where S resolved to a sum type: the variant may have been renamed. */
  const variantMember = (typeDef: Definition | undefined, member: MeshNode | undefined): void => {
    if (!typeDef || !member || !typeDef.variants.includes(text(member))) return;
    const variant = ctx.modules[typeDef.moduleIndex]!.values.get(text(member));
    if (variant) replace(member, ctx.finalName(variant));
  };

  // ---- definition sites and imports of this module -------------------------------------
  for (const def of [...facts.values.values(), ...facts.types.values()]) {
    const final = ctx.finalName(def);
    if (final !== def.name) for (const site of def.sites) edits.push({ start: site.start, end: site.end, text: final });
  }

  // ---- the walk ------------------------------------------------------------------------
  const stack: Entry[] = [{ node: facts.file.root, scope: null, mode: 'expr' }];
  const push = (node: MeshNode | undefined, scope: Scope | null, mode: Mode): void => {
    if (node) stack.push({ node, scope, mode });
  };

  while (stack.length > 0) {
    const { node, scope, mode } = stack.pop()!;
    switch (node.type) {
      case 'module_definition': // meshc ignores nested modules: kept verbatim
      case 'import_declaration':
      case 'from_import':
      case 'type_parameters':
      case 'comment':
      case 'doc_comment':
      case 'block_comment':
        continue;
      case 'identifier': {
        if (mode === 'pattern' && !isUpper(text(node))) continue; // a binding
        reference(node, 'value', scope);
        continue;
      }
      case 'type_identifier':
        reference(node, 'type', scope);
        continue;
      case 'field_access': {
        const object = childByField(node, 'object');
        const member = childByField(node, 'field');
        if (rewriteQualified(node, object, member, 'value', scope)) continue;
        if (object?.type === 'identifier' && isUpper(text(object))) {
          // `reference` rewrites the object if it was renamed; a renamed variant needs its member too.
          variantMember(reference(object, 'type', scope), member);
          continue;
        }
        push(object, scope, 'expr');
        continue;
      }
      case 'qualified_type': {
        const module = childByField(node, 'module');
        if (rewriteQualified(node, module, childByField(node, 'name'), 'type', scope)) continue;
        push(module, scope, 'expr');
        continue;
      }
      case 'qualified_name': {
        const module = childByField(node, 'module');
        const member = childByField(node, 'name');
        if (rewriteQualified(node, module, member, 'value', scope)) continue;
        if (module) variantMember(reference(module, 'type', scope), member);
        continue;
      }
      case 'struct_literal': {
        const name = childByField(node, 'name');
        if (name?.type === 'identifier') reference(name, 'type', scope);
        else if (name?.type === 'field_access' && !rewriteQualified(name, childByField(name, 'object'), childByField(name, 'field'), 'type', scope)) push(name, scope, 'expr');
        for (const child of node.children) if (child !== name) push(child, scope, 'expr');
        continue;
      }
      case 'let_declaration': {
        // The pattern binds (for later statements, see SEQUENCES); the value sees the outer scope.
        for (const child of node.children) push(child, scope, child.field === 'pattern' ? 'pattern' : 'expr');
        continue;
      }
      case 'function_definition':
      case 'interface_method':
      case 'actor_definition':
      case 'call_handler':
      case 'cast_handler':
      case 'closure':
      case 'closure_clause':
      case 'trailing_closure':
      case 'arm':
      case 'for_expression': {
        const binders = node.children.filter((c) => BINDING_FIELDS.has(c.field ?? ''));
        const inner = extend(scope, [...binders.flatMap((b) => patternBindings(b, source)), ...typeParameters(node, source)]);
        for (const child of node.children) {
          if (DECLARING_FIELDS[node.type]?.includes(child.field ?? '')) continue;
          if (BINDING_FIELDS.has(child.field ?? '')) push(child, inner, 'pattern');
          else push(child, child.field === 'iterable' ? scope : inner, 'expr');
        }
        continue;
      }
      default:
        break;
    }
    const declaring = DECLARING_FIELDS[node.type];
    if (SEQUENCES.has(node.type)) {
      let current = scope;
      const entries: Entry[] = [];
      for (const child of node.children) {
        entries.push({ node: child, scope: current, mode });
        if (child.type === 'let_declaration') {
          const pattern = childByField(child, 'pattern');
          if (pattern) current = extend(current, patternBindings(pattern, source));
        }
      }
      for (let i = entries.length - 1; i >= 0; i--) stack.push(entries[i]!);
      continue;
    }
    const inner = declaring || node.type.endsWith('_definition') ? extend(scope, typeParameters(node, source)) : scope;
    for (let i = node.children.length - 1; i >= 0; i--) {
      const child = node.children[i]!;
      if (declaring?.includes(child.field ?? '')) continue;
      if (node.type === 'as_pattern' && child.field === 'name') continue;
      if (node.type === 'constructor_pattern' && child.field === 'constructor') {
        push(child, inner, 'expr');
        continue;
      }
      push(child, inner, mode);
    }
  }
  return { edits, shadowed, unresolved };
}

/** Fields that hold binding patterns for the node's body. */
const BINDING_FIELDS = new Set(['parameters', 'pattern', 'binding', 'state']);

/** Names a pattern (or parameter list) binds: lower-case identifiers outside constructor heads. */
export function patternBindings(pattern: MeshNode, source: string): string[] {
  const names: string[] = [];
  const stack: MeshNode[] = [pattern];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'identifier') {
      const name = nodeText(source, node);
      if (!isUpper(name)) names.push(name);
      continue;
    }
    if (node.type === 'qualified_name' || node.field === 'constructor' || node.field === 'type' || node.type === 'string') continue;
    for (const child of node.children) stack.push(child);
  }
  return names;
}

/** `<T, U>` declared by an item: they shadow top-level types of the same name inside it. */
function typeParameters(node: MeshNode, source: string): string[] {
  const params = childByField(node, 'type_parameters');
  return params ? params.children.filter((c) => c.type === 'type_identifier').map((c) => nodeText(source, c)) : [];
}
