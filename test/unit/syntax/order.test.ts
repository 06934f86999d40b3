import { describe, expect, it } from 'vitest';
import { dependencyOrder } from '../../../src/syntax/flatten/order.js';
import type { ModuleFacts } from '../../../src/syntax/flatten/model.js';
import type { ProjectFile } from '../../../src/syntax/index.js';
import { UserError } from '../../../src/types/index.js';
import { node } from './helpers.js';

/** Hand-built module facts: only names and import paths matter to the ordering. */
function modules(spec: Array<[string | null, string[]]>): ModuleFacts[] {
  return spec.map(([module, imports], index) => ({
    index,
    file: { module, relPath: `${module ?? 'main'}.mpl`, path: '', source: '', root: node('source_file', 0, 0), errors: [] } as ProjectFile,
    values: new Map(),
    types: new Map(),
    imports: imports.map((path) => ({ node: node('import_declaration', 0, 0), path, names: null })),
  }));
}

const names = (ms: ModuleFacts[], order: number[]): Array<string | null> => order.map((i) => ms[i]!.file.module);

describe('dependencyOrder', () => {
  it('walks the entry\'s imports in written order, dependencies first, entry last', () => {
    const ms = modules([
      ['A', []],
      ['B', ['A']],
      [null, ['C', 'B', 'List']],
      ['C', ['A']],
      ['Unused', ['B']],
    ]);
    expect(names(ms, dependencyOrder(ms))).toEqual(['A', 'C', 'B', 'Unused', null]);
  });

  it('handles long import chains iteratively', () => {
    const n = 20_000;
    const spec: Array<[string | null, string[]]> = [[null, ['M0']]];
    for (let i = 0; i < n; i++) spec.push([`M${i}`, i + 1 < n ? [`M${i + 1}`] : []]);
    const ms = modules(spec);
    const order = names(ms, dependencyOrder(ms));
    expect(order[0]).toBe(`M${n - 1}`);
    expect(order[order.length - 1]).toBeNull();
  });

  it('reports cycles with their path and self-imports', () => {
    const cyclic = modules([[null, ['A']], ['A', ['B']], ['B', ['C']], ['C', ['A']]]);
    expect(() => dependencyOrder(cyclic)).toThrow(/circular dependency: A -> B -> C -> A/);
    const self = modules([[null, []], ['A', ['A']]]);
    expect(() => dependencyOrder(self)).toThrow(UserError);
  });
});
