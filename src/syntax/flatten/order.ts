import { ExitCode, UserError } from '../../types/index.js';
import type { ModuleFacts } from './model.js';

/** Finds the project module an import path names (meshc resolves the full dotted name). */
export function moduleIndexByName(modules: readonly ModuleFacts[]): Map<string, number> {
  const byName = new Map<string, number>();
  for (const m of modules) if (m.file.module !== null) byName.set(m.file.module, m.index);
  return byName;
}

/**
 * Modules in dependency order (imported modules before their importers): a depth-first walk
 * of the imports from the entry file, in the order they are written, then the modules it does
 * not reach, in meshc's file order; the entry module (no name) goes last. Iterative DFS, so long import
 * chains are fine. A cycle or a self-import is a UserError, as it is for meshc.
 */
export function dependencyOrder(modules: readonly ModuleFacts[]): number[] {
  const byName = moduleIndexByName(modules);
  const deps = modules.map((m) => {
    const out: number[] = [];
    for (const imp of m.imports) {
      const target = byName.get(imp.path);
      if (target === undefined) continue; // stdlib or unknown: meshc skips it too
      if (target === m.index) {
        throw new UserError(`module ${m.file.module ?? 'Main'} (${m.file.relPath}) imports itself`, ExitCode.INPUT, 'remove the self-import; meshc rejects it as well');
      }
      if (!out.includes(target)) out.push(target);
    }
    return out;
  });
  const state = new Array<0 | 1 | 2>(modules.length).fill(0); // 0 new, 1 on stack, 2 done
  const order: number[] = [];
  // From the entry first, so definitions follow its imports; then anything it does not reach.
  const entry = modules.find((m) => m.file.module === null)?.index;
  const starts = [...(entry === undefined ? [] : [entry]), ...modules.map((m) => m.index).filter((i) => i !== entry)];
  for (const start of starts) {
    if (state[start] !== 0) continue;
    const stack: Array<{ node: number; next: number }> = [{ node: start, next: 0 }];
    state[start] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const targets = deps[top.node]!;
      if (top.next < targets.length) {
        const dep = targets[top.next++]!;
        if (state[dep] === 1) {
          const cycle = [...stack.slice(stack.findIndex((f) => f.node === dep)).map((f) => f.node), dep];
          throw new UserError(
            `circular dependency: ${cycle.map((i) => modules[i]!.file.module ?? 'Main').join(' -> ')}`,
            ExitCode.INPUT,
            'meshc rejects import cycles too; break the cycle before flattening',
          );
        }
        if (state[dep] === 0) {
          state[dep] = 1;
          stack.push({ node: dep, next: 0 });
        }
      } else {
        state[top.node] = 2;
        order.push(top.node);
        stack.pop();
      }
    }
  }
  // The entry goes last even when other modules are not reachable from it.
  if (entry !== undefined) order.push(...order.splice(order.indexOf(entry), 1));
  return order;
}
