import type { MeshNode } from '../../syntax/types.js';
import type { Candidate } from '../../types/index.js';
import type { Pass } from './pass.js';
import type { State } from '../state.js';
import type { SyntaxPort } from '../types.js';
import { chunkSchedule, type ChunkCursor } from '../chunks.js';
import { applyEdits, preorder } from '../tree.js';

/**
 * Shortens identifiers (`total_count` → `a`), every occurrence in every file at once.
 * Names used around a `.` (module members such as `List.map`) and `main` are kept. The
 * set of names is reduced ddmin-style: all at once, then halves, ... down to one name.
 */
export const renameIdentifiers: Pass = {
  name: 'rename',
  *propose(state, cursor, port) {
    const plan = renamePlan(state, port);
    if (plan.size === 0) return;
    const names = [...plan.keys()];
    if (cursor === null) yield { alternatives: [renamed(state, port, plan)], cursor: null };
    for (const chunk of chunkSchedule(names.length, cursor as ChunkCursor | null)) {
      if (chunk.to - chunk.from === names.length) continue;
      const subset = new Map(names.slice(chunk.from, chunk.to).map((n) => [n, plan.get(n)!]));
      yield { alternatives: [renamed(state, port, subset)], cursor: chunk.cursor };
    }
  },
};

function identifierLeaves(state: State, port: SyntaxPort): Array<{ path: string; source: string; node: MeshNode }> {
  const out: Array<{ path: string; source: string; node: MeshNode }> = [];
  for (const file of state.files) {
    for (const { node } of preorder(file.root)) {
      if (node.children.length === 0 && port.isIdentifier(node)) out.push({ path: file.path, source: file.source, node });
    }
  }
  return out;
}

/** old name → new shorter name, in order of first appearance. */
export function renamePlan(state: State, port: SyntaxPort): Map<string, string> {
  const ids = identifierLeaves(state, port);
  const taken = new Set(ids.map((i) => i.source.slice(i.node.start, i.node.end)));
  const pinned = new Set<string>(['main']);
  for (const { source, node } of ids) {
    const before = source.slice(0, node.start).trimEnd();
    const after = source.slice(node.end).trimStart();
    if (before.endsWith('.') || after.startsWith('.')) pinned.add(source.slice(node.start, node.end));
  }
  const fresh = freshNames(taken, port.reservedWords);
  const plan = new Map<string, string>();
  for (const { source, node } of ids) {
    const name = source.slice(node.start, node.end);
    if (plan.has(name) || pinned.has(name) || name.length <= 1) continue;
    const upper = /^[A-Z]/.test(name);
    const replacement = fresh.next(upper);
    if (replacement && replacement.length < name.length) plan.set(name, replacement);
  }
  return plan;
}

function freshNames(taken: ReadonlySet<string>, reserved: ReadonlySet<string>): { next(upper: boolean): string | null } {
  const counters = { lower: 0, upper: 0 };
  const make = (i: number, upper: boolean): string => {
    const letter = String.fromCharCode((upper ? 65 : 97) + (i % 26));
    return i < 26 ? letter : `${letter}${Math.floor(i / 26)}`;
  };
  return {
    next(upper) {
      const key = upper ? 'upper' : 'lower';
      for (let guard = 0; guard < 10_000; guard++) {
        const name = make(counters[key]++, upper);
        if (!taken.has(name) && !reserved.has(name)) return name;
      }
      return null;
    },
  };
}

function renamed(state: State, port: SyntaxPort, plan: ReadonlyMap<string, string>): Candidate {
  const next = new Map(state.candidate);
  for (const file of state.files) {
    const edits = [];
    for (const { node } of preorder(file.root)) {
      if (node.children.length > 0 || !port.isIdentifier(node)) continue;
      const to = plan.get(file.source.slice(node.start, node.end));
      if (to !== undefined) edits.push({ start: node.start, end: node.end, text: to });
    }
    if (edits.length > 0) next.set(file.path, applyEdits(file.source, edits));
  }
  return next;
}
