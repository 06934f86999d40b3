import type { Program, ProgramItem, SourceTree } from '../../syntax/references.js';
import type { Candidate } from '../../types/index.js';
import type { State } from '../state.js';
import type { SyntaxPort } from '../types.js';
import type { Pass } from './pass.js';
import { entryIndex, entryIsLive, programOf, reachableFrom, rootItems } from '../program.js';
import { withoutItems } from './dead.js';

/**
 * Wraps a blind deletion pass (hdd, top-level, lines, tokens) with what the reference graph
 * knows. A candidate that deletes a definition something reachable still refers to, or a
 * `let` whose name is still used, cannot compile, and one without main cannot run while the
 * failure needs main: neither is asked about (in a typed language
 * most blind deletions are of this kind). Whatever a candidate leaves unreachable that was
 * reachable goes in the same candidate: one test run instead of one per item.
 */
export function withReferences(inner: Pass): Pass {
  return {
    name: inner.name,
    *propose(state, cursor, port) {
      const before = programOf(state, port);
      if (!before) {
        yield* inner.propose(state, cursor, port);
        return;
      }
      const context: Context = {
        state,
        port,
        wasReached: new Set(reachableFrom(before, rootItems(before)).map((i) => itemKey(before.items[i]!))),
        defined: new Set(before.items.flatMap((item) => item.defines)),
        entryLive: entryIsLive(before),
      };
      for (const proposal of inner.propose(state, cursor, port)) {
        const alternatives: Candidate[] = [];
        for (const candidate of proposal.alternatives) {
          const reviewed = review(candidate, context);
          if (reviewed !== null) alternatives.push(reviewed);
        }
        if (alternatives.length > 0) yield { alternatives, cursor: proposal.cursor };
      }
    },
  };
}

interface Context {
  readonly state: State;
  readonly port: SyntaxPort;
  /** Keys of the items reachable before the edit. */
  readonly wasReached: ReadonlySet<string>;
  /** Names some item defined before the edit. */
  readonly defined: ReadonlySet<string>;
  /** main's behaviour matters (the stage probe failed): a candidate without main is no use. */
  readonly entryLive: boolean;
}

/** The candidate, swept of what it leaves unreachable; null when it breaks a reference; as is when it does not parse (the engine rejects it). */
function review(candidate: Candidate, { state, port, wasReached, defined, entryLive }: Context): Candidate | null {
  const trees: SourceTree[] = [];
  const changed: Array<{ before: SourceTree | undefined; after: SourceTree }> = [];
  for (const [path, source] of candidate) {
    if (!port.isSource(path)) continue;
    const old = state.files.find((f) => f.path === path);
    if (old && old.source === source) {
      trees.push(old);
      continue;
    }
    const parsed = port.parse(source, path);
    if (parsed.errorCount > 0) return candidate;
    const tree = { path, source, root: parsed.root };
    trees.push(tree);
    changed.push({ before: old, after: tree });
  }
  trees.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const after = port.analyze!(trees);
  if (entryLive && entryIndex(after) < 0) return null;
  const reached = reachableFrom(after, rootItems(after));
  if (losesDefinition(after, reached, defined)) return null;
  if (port.bindings && changed.some(({ before, after: tree }) => before && losesBinding(before, tree, port))) return null;
  const reachedSet = new Set(reached);
  const newlyDead = after.items.map((_, i) => i).filter((i) => !reachedSet.has(i) && wasReached.has(itemKey(after.items[i]!)));
  return newlyDead.length === 0 ? candidate : withoutItems(candidate, after, newlyDead);
}

/** A name defined before, no longer defined, and still referred to by a reachable item. */
function losesDefinition(after: Program, reached: readonly number[], defined: ReadonlySet<string>): boolean {
  const nowDefined = new Set(after.items.flatMap((item) => item.defines));
  const lost = [...defined].filter((name) => !nowDefined.has(name));
  if (lost.length === 0) return false;
  const referenced = new Set<string>();
  for (const index of reached) {
    const item = after.items[index]!;
    for (const name of item.refs) referenced.add(name);
    for (const body of item.bodies) for (const name of body.refs) referenced.add(name);
  }
  return lost.some((name) => referenced.has(name));
}

/** A `let` whose every binding was used is gone, and its name still occurs in the file. */
function losesBinding(before: SourceTree, after: SourceTree, port: SyntaxPort): boolean {
  const count = (tree: SourceTree): Map<string, { lets: number; unused: number }> => {
    const out = new Map<string, { lets: number; unused: number }>();
    for (const b of port.bindings!(tree.source, tree.root)) {
      const entry = out.get(b.name) ?? { lets: 0, unused: 0 };
      entry.lets++;
      if (b.uses.length === 0) entry.unused++;
      out.set(b.name, entry);
    }
    return out;
  };
  const now = count(after);
  for (const [name, was] of count(before)) {
    const lets = now.get(name)?.lets ?? 0;
    if (lets >= was.lets || was.unused > 0) continue;
    const occurrences = after.source.match(new RegExp(`(?<![\\w.])${name}(?!\\w)`, 'g'))?.length ?? 0;
    if (occurrences > lets) return true;
  }
  return false;
}

function itemKey(item: ProgramItem): string {
  return `${item.path}\u0000${item.kind}\u0000${item.defines.join(',')}\u0000${item.attachedTo ?? ''}`;
}
