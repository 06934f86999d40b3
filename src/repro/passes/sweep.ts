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
        letsBefore: new Map(),
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
  /** `let` counts of the state's files, by path, computed when a candidate first changes the file. */
  readonly letsBefore: Map<string, LetCounts>;
}

/** Per bound name: how many `let`s bind it, and how many of those nothing uses. */
type LetCounts = Map<string, { lets: number; unused: number }>;

/** The candidate, swept of what it leaves unreachable; null when it breaks a reference; as is when it does not parse (the engine rejects it). */
function review(candidate: Candidate, context: Context): Candidate | null {
  const { state, port, wasReached, defined, entryLive } = context;
  const trees: SourceTree[] = [];
  const changed: Array<{ before: SourceTree | undefined; after: SourceTree }> = [];
  // Paths in the state's order (sorted), so the analysis numbers items the same way.
  for (const path of [...candidate.keys()].sort()) {
    const source = candidate.get(path)!;
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
  const after = port.analyze!(trees);
  if (entryLive && entryIndex(after) < 0) return null;
  const reached = reachableFrom(after, rootItems(after));
  if (losesDefinition(after, reached, defined)) return null;
  if (changed.some(({ before, after: tree }) => before && losesBinding(before, tree, context))) return null;
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
function losesBinding(before: SourceTree, after: SourceTree, { port, letsBefore }: Context): boolean {
  if (!port.bindings) return false;
  let was = letsBefore.get(before.path);
  if (!was) letsBefore.set(before.path, (was = letCounts(before, port)));
  const now = letCounts(after, port);
  for (const [name, counts] of was) {
    const lets = now.get(name)?.lets ?? 0;
    if (lets >= counts.lets || counts.unused > 0) continue;
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const occurrences = after.source.match(new RegExp(`(?<![\\w.])${escaped}(?!\\w)`, 'g'))?.length ?? 0;
    if (occurrences > lets) return true;
  }
  return false;
}

function letCounts(tree: SourceTree, port: SyntaxPort): LetCounts {
  const out: LetCounts = new Map();
  for (const binding of port.bindings!(tree.source, tree.root)) {
    const entry = out.get(binding.name) ?? { lets: 0, unused: 0 };
    entry.lets++;
    if (binding.uses.length === 0) entry.unused++;
    out.set(binding.name, entry);
  }
  return out;
}

function itemKey(item: ProgramItem): string {
  return `${item.path}\u0000${item.kind}\u0000${item.defines.join(',')}\u0000${item.attachedTo ?? ''}`;
}
