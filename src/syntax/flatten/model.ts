import type { MeshNode, ProjectFile } from '../types.js';
import { childByField, childrenByField, nodeText } from '../walk.js';

/** What one module defines at top level and what it imports: the facts flattening needs. */

export type Namespace = 'value' | 'type';

export interface Definition {
  /** Index of the module (file) in the project. */
  readonly moduleIndex: number;
  readonly name: string;
  /** Values (functions, actors, services, variants) and types live in separate namespaces. */
  readonly namespace: Namespace;
  /** Every place the name is written at its definition (each clause of a multi-clause fn). */
  readonly sites: MeshNode[];
  /** For a sum type: its variants' names (imported along with the type). */
  readonly variants: string[];
}

export interface Import {
  readonly node: MeshNode;
  /** Module path as written, e.g. `Ingest.Parser`. */
  readonly path: string;
  /** Names of a `from X import a, b`; null for a plain `import X`. */
  readonly names: string[] | null;
}

export interface ModuleFacts {
  readonly index: number;
  readonly file: ProjectFile;
  /** `name` → definition, per namespace. */
  readonly values: Map<string, Definition>;
  readonly types: Map<string, Definition>;
  readonly imports: Import[];
}

const VALUE_ITEMS = new Set(['function_definition', 'actor_definition', 'service_definition', 'supervisor_definition']);
const TYPE_ITEMS = new Set(['struct_definition', 'sum_type_definition', 'type_alias', 'interface_definition']);

export function collectModuleFacts(file: ProjectFile, index: number): ModuleFacts {
  const values = new Map<string, Definition>();
  const types = new Map<string, Definition>();
  const imports: Import[] = [];
  const text = (n: MeshNode): string => nodeText(file.source, n);
  const define = (map: Map<string, Definition>, namespace: Namespace, site: MeshNode): Definition => {
    const name = text(site);
    let def = map.get(name);
    if (!def) {
      def = { moduleIndex: index, name, namespace, sites: [], variants: [] };
      map.set(name, def);
    }
    def.sites.push(site);
    return def;
  };

  for (const item of file.root.children) {
    if (VALUE_ITEMS.has(item.type)) {
      const name = childByField(item, 'name');
      if (name) define(values, 'value', name);
    } else if (TYPE_ITEMS.has(item.type)) {
      const name = childByField(item, 'name');
      if (!name) continue;
      const def = define(types, 'type', name);
      if (item.type === 'sum_type_definition') {
        const body = childByField(item, 'body');
        for (const variant of body?.children.filter((c) => c.type === 'variant') ?? []) {
          const vname = childByField(variant, 'name');
          if (!vname) continue;
          define(values, 'value', vname);
          def.variants.push(text(vname));
        }
      }
    } else if (item.type === 'import_declaration') {
      const path = childByField(item, 'module');
      if (path) imports.push({ node: item, path: modulePathText(file.source, path), names: null });
    } else if (item.type === 'from_import') {
      const path = childByField(item, 'module');
      // `names` covers `import_list` and, in the parenthesised form, the parentheses too.
      const list = childrenByField(item, 'names')
        .filter((n) => n.type === 'import_list')
        .flatMap((n) => n.children)
        .filter((n) => n.type === 'identifier');
      if (path) imports.push({ node: item, path: modulePathText(file.source, path), names: list.map(text) });
    }
  }
  return { index, file, values, types, imports };
}

/** `Ingest . Parser` → `Ingest.Parser` (whitespace and comments between segments dropped). */
export function modulePathText(source: string, path: MeshNode): string {
  return path.children.filter((c) => c.type === 'identifier').map((c) => nodeText(source, c)).join('.');
}
