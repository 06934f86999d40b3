import type { MeshNode } from '../../syntax/types.js';
import type { Candidate } from '../../types/index.js';
import type { State } from '../state.js';
import type { SyntaxPort } from '../types.js';
import type { Edit } from '../tree.js';

/**
 * A proposal: a smaller candidate plus where the pass should resume if it is accepted.
 * Alternatives are texts for the same reduction; the engine sends only the first one
 * that parses to the oracle (e.g. "delete `b, `" and, if that does not parse, "delete `b`").
 */
export interface Proposal {
  readonly alternatives: readonly Candidate[];
  readonly cursor: unknown;
}

/**
 * A pass proposes reductions of one state, lazily and in a fixed order (so the engine can
 * speculate ahead and still accept exactly what a sequential run would). It never runs
 * the oracle: the engine does.
 */
export interface Pass {
  readonly name: string;
  propose(state: State, cursor: unknown, port: SyntaxPort): Iterable<Proposal>;
}

/** The named, non-comment children of a node: the "list" a node's reductions work on. */
export function listChildren(node: MeshNode, port: SyntaxPort): MeshNode[] {
  return node.children.filter((c) => c.named && !port.isComment(c) && c.end > c.start);
}

/**
 * Ways to delete siblings[from..to) (exclusive): first the run plus the separator after it
 * (or before it, for the last run) so `f(a, b, c)` loses `b, ` and a block loses the
 * statement's newline; then the bare run.
 */
export function deletionEdits(siblings: readonly MeshNode[], from: number, to: number): Edit[] {
  const first = siblings[from]!;
  const last = siblings[to - 1]!;
  const out: Edit[] = [];
  const next = siblings[to];
  const prev = siblings[from - 1];
  if (next) out.push({ start: first.start, end: next.start, text: '' });
  else if (prev) out.push({ start: prev.end, end: last.end, text: '' });
  out.push({ start: first.start, end: last.end, text: '' });
  return out;
}
