/**
 * Struct fields of one file: each struct's declared fields, each struct literal's
 * initializers, and every field name the file reads (`x.f`, `S { f: p }` patterns,
 * `%{ x | f: v }` updates). What the reducer's field pass needs to drop a field nothing reads
 * from the definition and every literal at once (either alone does not compile).
 */
import type { MeshNode } from './types.js';
import { childByField, nodeText } from './walk.js';

export interface Span {
  readonly start: number;
  readonly end: number;
}

export interface StructFields {
  /** Declared fields by struct name. */
  readonly structs: ReadonlyMap<string, ReadonlyArray<Span & { readonly name: string }>>;
  /** Initializers of each literal, by the literal's struct name. */
  readonly literals: ReadonlyArray<{ readonly struct: string; readonly fields: ReadonlyArray<Span & { readonly name: string }> }>;
  /** Field names read anywhere in the file. */
  readonly read: ReadonlySet<string>;
}

export function structFields(source: string, root: MeshNode): StructFields {
  const structs = new Map<string, Array<Span & { name: string }>>();
  const literals: Array<{ struct: string; fields: Array<Span & { name: string }> }> = [];
  const read = new Set<string>();
  const text = (n: MeshNode | undefined): string => (n ? nodeText(source, n) : '');
  const stack: MeshNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    switch (node.type) {
      case 'struct_definition': {
        const fields = (childByField(node, 'body')?.children ?? []).filter((c) => c.type === 'struct_field');
        structs.set(text(childByField(node, 'name')), fields.map((f) => ({ name: text(childByField(f, 'name')), start: f.start, end: f.end })));
        break;
      }
      case 'struct_literal': {
        const fields = node.children.filter((c) => c.type === 'field_initializer');
        literals.push({ struct: text(childByField(node, 'name')), fields: fields.map((f) => ({ name: text(childByField(f, 'name')), start: f.start, end: f.end })) });
        break;
      }
      case 'field_access':
        read.add(text(childByField(node, 'field')));
        break;
      case 'field_pattern':
        read.add(text(childByField(node, 'name')));
        break;
      case 'struct_update':
        for (const f of node.children) if (f.type === 'field_initializer') read.add(text(childByField(f, 'name')));
        break;
      default:
        break;
    }
    for (const child of node.children) stack.push(child);
  }
  return { structs, literals, read };
}
