import { ExitCode, UserError } from '../../types/index.js';
import { applyEdits } from '../edits.js';
import { toSnakeCase } from '../module-name.js';
import type { Edit, MeshNode, ParsedProject } from '../types.js';
import { nodeText, walk } from '../walk.js';
import { collectModuleFacts, type Definition, type ModuleFacts } from './model.js';
import { dependencyOrder, moduleIndexByName } from './order.js';
import { rewriteModule, type RewriteResult } from './rewrite.js';

export interface Rename {
  /** Module that defined the name (null for the entry file). */
  readonly module: string | null;
  readonly from: string;
  readonly to: string;
}

export interface FlattenResult {
  /** One standalone main.mpl. */
  readonly source: string;
  readonly renames: readonly Rename[];
  /** Module names in the order their definitions appear (entry last, as null). */
  readonly order: ReadonlyArray<string | null>;
}

/**
 * Rewrites a multi-module project into one file with the same meaning (see docs/syntax.md):
 * modules in dependency order, project imports removed (other imports hoisted, deduplicated),
 * `Mod.f` / `Mod.T` rewritten to plain names, and names that would collide renamed
 * (`alert_rules_parse`, `AlertRulesEvent`). The entry file keeps its names; otherwise the
 * module that comes first keeps a contested name.
 */
export function flattenProject(project: ParsedProject): FlattenResult {
  if (!project.files.some((f) => f.module === null)) {
    throw new UserError(`${project.root} has no main.mpl`, ExitCode.INPUT, 'flattening needs the entry file (main.mpl at the project root), as meshc does');
  }
  const modules = project.files.map((file, index) => collectModuleFacts(file, index));
  const order = dependencyOrder(modules);
  const moduleByName = moduleIndexByName(modules);

  // Entry first, then emission order: the earlier claimant keeps a contested name.
  const priority = [...order].sort((a, b) => Number(modules[b]!.file.module === null) - Number(modules[a]!.file.module === null));
  const taken = allIdentifiers(modules);
  const forced = new Set<Definition>();
  let finalNames = assignNames(modules, priority, forced, taken);
  let results: RewriteResult[] = [];
  // A rewrite can reveal that a kept name is shadowed or used for something else; rename those and redo.
  for (let round = 0; round < 8; round++) {
    const ctx = { modules, moduleByName, finalName: (def: Definition) => finalNames.get(def) ?? def.name };
    results = modules.map((m) => rewriteModule(m, ctx));
    const before = forced.size;
    const unresolved = new Set(results.flatMap((r) => [...r.unresolved]));
    for (const m of modules) {
      for (const def of [...m.values.values(), ...m.types.values()]) {
        if (unresolved.has(`${def.namespace}:${def.name}`) && finalNames.get(def) === def.name) forced.add(def);
      }
    }
    for (const r of results) for (const def of r.shadowed) forced.add(def);
    // Stop when stable (or, defensively, after a few rounds): `results` must match `finalNames`.
    if (forced.size === before || round === 7) break;
    finalNames = assignNames(modules, priority, forced, taken);
  }

  const external = new Map<string, true>();
  const sections: string[] = [];
  for (const index of order) {
    const m = modules[index]!;
    const edits: Edit[] = [...results[index]!.edits];
    for (const imp of m.imports) {
      if (!moduleByName.has(imp.path)) external.set(nodeText(m.file.source, imp.node).replace(/\s+/g, ' ').trim(), true);
      edits.push(deleteStatement(m.file.source, imp.node));
    }
    const body = applyEdits(m.file.source, edits).replace(/\n{3,}/g, '\n\n').trim();
    const title = m.file.module === null ? `entry (${m.file.relPath})` : `module ${m.file.module} (${m.file.relPath})`;
    sections.push(`# --- ${title} ---\n${body}\n`);
  }
  const header = `# Flattened by mesher-triage from ${modules.length} file${modules.length === 1 ? '' : 's'}.\n`;
  const imports = external.size > 0 ? `${[...external.keys()].join('\n')}\n\n` : '';
  const renames: Rename[] = [];
  for (const index of order) {
    const m = modules[index]!;
    for (const def of [...m.types.values(), ...m.values.values()]) {
      const to = finalNames.get(def);
      if (to && to !== def.name) renames.push({ module: m.file.module, from: def.name, to });
    }
  }
  return {
    source: `${header}${imports}${sections.join('\n')}`,
    renames,
    order: order.map((i) => modules[i]!.file.module),
  };
}

/**
 * Final names: every definition keeps its name unless an earlier module (by priority) already
 * holds it in the same namespace, or it is forced; renamed ones get a module prefix that no
 * identifier in the project uses.
 */
function assignNames(modules: readonly ModuleFacts[], priority: readonly number[], forced: ReadonlySet<Definition>, taken: ReadonlySet<string>): Map<Definition, string> {
  const result = new Map<Definition, string>();
  const claimed = { value: new Set<string>(), type: new Set<string>() };
  const fresh = new Set<string>();
  const pending: Definition[] = [];
  for (const index of priority) {
    const m = modules[index]!;
    for (const def of [...m.values.values(), ...m.types.values()]) {
      const space = claimed[def.namespace];
      if (!forced.has(def) && !space.has(def.name)) {
        space.add(def.name);
        result.set(def, def.name);
      } else {
        pending.push(def);
      }
    }
  }
  for (const def of pending) {
    const module = modules[def.moduleIndex]!.file.module ?? 'Main';
    const upper = def.name[0] !== def.name[0]!.toLowerCase();
    const base = upper ? `${module.replace(/\./g, '')}${def.name}` : `${toSnakeCase(module)}_${def.name}`;
    let name = base;
    for (let n = 2; taken.has(name) || fresh.has(name) || claimed.value.has(name) || claimed.type.has(name); n++) name = `${base}_${n}`;
    fresh.add(name);
    result.set(def, name);
  }
  return result;
}

/** Every identifier spelled anywhere in the project: fresh names must avoid all of them. */
function allIdentifiers(modules: readonly ModuleFacts[]): Set<string> {
  const names = new Set<string>();
  for (const m of modules) {
    walk(m.file.root, (node: MeshNode) => {
      if (node.type === 'identifier' || node.type === 'type_identifier') names.add(nodeText(m.file.source, node));
    });
  }
  return names;
}

/** Deletes a statement, and its whole line when nothing else (but a comment) is on it. */
function deleteStatement(source: string, node: MeshNode): Edit {
  const lineStart = source.lastIndexOf('\n', node.start - 1) + 1;
  const nl = source.indexOf('\n', node.end);
  const lineEnd = nl === -1 ? source.length : nl + 1;
  const before = source.slice(lineStart, node.start);
  const after = source.slice(node.end, nl === -1 ? source.length : nl);
  if (before.trim() === '' && (after.trim() === '' || after.trim().startsWith('#'))) return { start: lineStart, end: lineEnd, text: '' };
  return { start: node.start, end: node.end, text: '' };
}
