import { describe, expect, it } from 'vitest';
import { chunkSchedule } from '../../../src/repro/chunks.js';
import { StateBuilder } from '../../../src/repro/state.js';
import { renamePlan } from '../../../src/repro/passes/rename.js';
import { tidyFormatting } from '../../../src/repro/passes/format.js';
import { deletionEdits } from '../../../src/repro/passes/pass.js';
import { applyEdits } from '../../../src/repro/tree.js';
import type { MeshNode } from '../../../src/syntax/types.js';
import type { SyntaxPort } from '../../../src/repro/types.js';
import { toyPort } from './toy-syntax.js';

const node = (type: string, start: number, end: number, children: MeshNode[] = [], named = true): MeshNode => ({
  type, field: null, start, end, named, isError: false, isMissing: false, children,
});

describe('chunkSchedule (ddmin order)', () => {
  it('halves the chunk size down to 1, left to right', () => {
    const chunks = [...chunkSchedule(5, null)].map((c) => [c.from, c.to]);
    expect(chunks).toEqual([[0, 3], [3, 5], [0, 1], [1, 2], [2, 3], [3, 4], [4, 5]]);
  });

  it('resumes at the same size and index after a success on a shorter list', () => {
    const chunks = [...chunkSchedule(4, { size: 1, index: 2 })].map((c) => [c.from, c.to]);
    expect(chunks).toEqual([[2, 3], [3, 4]]);
  });

  it('respects minSize and maxSize', () => {
    expect([...chunkSchedule(8, null, { minSize: 2 })].every((c) => c.to - c.from >= 2 || c.to === 8)).toBe(true);
    expect(Math.max(...[...chunkSchedule(100, null, { maxSize: 8 })].map((c) => c.to - c.from))).toBe(8);
  });
});

describe('deletionEdits', () => {
  const source = 'f(a, b, c)';
  const kids = [node('id', 2, 3), node('id', 5, 6), node('id', 8, 9)];
  it('takes the separator after a run, or before the last one', () => {
    expect(applyEdits(source, [deletionEdits(kids, 1, 2)[0]!])).toBe('f(a, c)');
    expect(applyEdits(source, [deletionEdits(kids, 2, 3)[0]!])).toBe('f(a, b)');
    expect(applyEdits(source, [deletionEdits(kids, 0, 3)[0]!])).toBe('f()');
  });
});

describe('rename plan', () => {
  it('shortens local names but keeps module members and main', () => {
    const builder = new StateBuilder(toyPort);
    const state = builder.build(new Map([['main.mpl', '(main (counter total) (counter total) (ab))']]))!;
    const plan = renamePlan(state, toyPort);
    expect(plan.get('counter')).toBe('a');
    expect(plan.get('total')).toBe('b');
    expect(plan.has('main')).toBe(false);
    expect(plan.get('ab')).toBe('c');
  });

  it('pins names used around a dot', () => {
    // Hand-built tree: `List.map(items)` with three identifier leaves.
    const source = 'List.map(items)';
    const ids = [node('identifier', 0, 4), node('identifier', 5, 8), node('identifier', 9, 14)];
    const port: SyntaxPort = { ...toyPort, parse: () => ({ root: node('source_file', 0, source.length, ids), errorCount: 0 }), isIdentifier: (n) => n.type === 'identifier' };
    const state = new StateBuilder(port).build(new Map([['main.mpl', source]]))!;
    expect([...renamePlan(state, port).keys()]).toEqual(['items']);
  });
});

describe('format pass', () => {
  it('drops blank lines and trailing spaces but not inside a multi-line string', () => {
    const source = 'fn x  \n\n  s = "a  \n\n b"\n\n\nend\n';
    const stringStart = source.indexOf('"');
    const stringEnd = source.lastIndexOf('"') + 1;
    const port: SyntaxPort = { ...toyPort, parse: () => ({ root: node('source_file', 0, source.length, [node('string', stringStart, stringEnd)]), errorCount: 0 }) };
    const state = new StateBuilder(port).build(new Map([['main.mpl', source]]))!;
    const [proposal] = [...tidyFormatting.propose(state, null, port)];
    expect(proposal!.alternatives[0]!.get('main.mpl')).toBe('fn x\n  s = "a  \n\n b"\nend\n');
  });
});
