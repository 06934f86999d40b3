import type { Program, ProgramBody, ProgramItem } from '../syntax/references.js';
import type { Candidate } from '../types/index.js';
import type { State } from './state.js';
import type { SyntaxPort } from './types.js';
import { applyEdits, type Edit } from './tree.js';

/**
 * The reference view of a state (from the port's `analyze`), memoised per state, and the
 * graph questions the reference-aware passes ask of it. Pure: text in, text out.
 */
const memo = new WeakMap<State, Program>();

export function programOf(state: State, port: SyntaxPort): Program | null {
  if (!port.analyze) return null;
  let program = memo.get(state);
  if (!program) {
    program = port.analyze(state.files.map((f) => ({ path: f.path, source: f.source, root: f.root })));
    memo.set(state, program);
  }
  return program;
}

/** Index of `fn main` in the entry file, or -1. */
export function entryIndex(program: Program): number {
  return program.items.findIndex((item) => item.entry);
}

/** main's behaviour still matters: its body is not stubbed. */
export function entryIsLive(program: Program): boolean {
  const entry = program.items[entryIndex(program)];
  return entry !== undefined && entry.bodies.some((b) => b.live);
}

/** Top-level statements (no name): always kept. */
function isStatement(item: ProgramItem): boolean {
  return item.kind === 'other' && item.defines.length === 0;
}

/**
 * Items reachable from `roots`, following names. A body in `stubbed` counts by its stub's
 * names (what it would refer to once replaced). An impl block is reached with its type.
 * Returns item indices in breadth-first order.
 */
export function reachableFrom(program: Program, roots: Iterable<number>, stubbed: ReadonlySet<ProgramBody> = new Set()): number[] {
  return [...depthsFrom(program, roots, stubbed).keys()];
}

/** Like reachableFrom, with each item's distance (in references) from the nearest root. */
export function depthsFrom(program: Program, roots: Iterable<number>, stubbed: ReadonlySet<ProgramBody> = new Set()): Map<number, number> {
  const definers = new Map<string, number[]>();
  const impls = new Map<string, number[]>();
  program.items.forEach((item, index) => {
    for (const name of item.defines) definers.set(name, [...(definers.get(name) ?? []), index]);
    if (item.attachedTo) impls.set(item.attachedTo, [...(impls.get(item.attachedTo) ?? []), index]);
  });
  const depth = new Map<number, number>();
  const order: number[] = [];
  const visit = (index: number, d: number): void => {
    if (depth.has(index)) return;
    depth.set(index, d);
    order.push(index);
  };
  for (const root of roots) visit(root, 0);
  for (let at = 0; at < order.length; at++) {
    const item = program.items[order[at]!]!;
    const d = depth.get(order[at]!)! + 1;
    const names = new Set(item.refs);
    for (const body of item.bodies) for (const name of stubbed.has(body) ? body.stubRefs : body.refs) names.add(name);
    for (const name of [...names].sort()) for (const target of definers.get(name) ?? []) visit(target, d);
    // An impl lives with its type: same depth.
    for (const name of item.defines) for (const target of impls.get(name) ?? []) visit(target, d - 1);
  }
  return depth;
}

/**
 * What must stay: main and top-level statements; and when main's body is stubbed (the
 * failure does not need main's path), also the items whose body the stub pass could have
 * replaced but did not (the failure needs that body). While main is live, whatever main no
 * longer reaches is not needed, even with a live body (e.g. after main calls the culprit
 * directly).
 */
export function rootItems(program: Program): number[] {
  const closure = entryIsLive(program);
  const roots: number[] = [];
  program.items.forEach((item, index) => {
    if (item.entry || isStatement(item) || (!closure && item.bodies.some((b) => b.live && b.stub !== null))) roots.push(index);
  });
  return roots;
}

/** The edit deleting an item (or statement, or field), with its indentation when it starts a line, the rest of its line and the newline after it. */
export function deleteItemEdit(source: string, item: { readonly start: number; readonly end: number }): Edit {
  const lineStart = source.lastIndexOf('\n', item.start - 1) + 1;
  const start = /^[ \t]*$/.test(source.slice(lineStart, item.start)) ? lineStart : item.start;
  let end = item.end;
  while (end < source.length && (source[end] === ' ' || source[end] === '\t')) end++;
  if (source[end] === '\r') end++;
  if (source[end] === '\n') end++;
  return { start, end, text: '' };
}

/** Applies edits given per path to the candidate's files; files in `drop` are removed. */
export function editCandidate(candidate: Candidate, edits: ReadonlyArray<Edit & { path: string }>, drop: ReadonlySet<string> = new Set()): Candidate {
  const next = new Map(candidate);
  const byPath = new Map<string, Edit[]>();
  for (const edit of edits) byPath.set(edit.path, [...(byPath.get(edit.path) ?? []), edit]);
  for (const [path, list] of byPath) next.set(path, applyEdits(candidate.get(path) ?? '', list));
  for (const path of drop) next.delete(path);
  return next;
}

/** The indentation of the line holding `offset`. */
export function indentAt(source: string, offset: number): string {
  const lineStart = source.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(source.slice(lineStart, offset))![0];
}
