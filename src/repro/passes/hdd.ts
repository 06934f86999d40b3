import type { MeshNode } from '../../syntax/types.js';
import type { SyntaxPort } from '../types.js';
import type { Pass } from './pass.js';
import { deletionEdits, listChildren } from './pass.js';
import { perFile } from './per-file.js';
import { chunkSchedule } from '../chunks.js';
import { applyEdits, preorder, type Edit } from '../tree.js';

/** How many compatible descendants are tried as a replacement for one node. */
const MAX_HOISTS = 2;

interface Ranked {
  readonly node: MeshNode;
  readonly parent: MeshNode;
  readonly tokens: number;
}

type Stage = 'delete' | 'minimal' | 'hoist' | 'list';
const STAGES: readonly Stage[] = ['delete', 'minimal', 'hoist', 'list'];

interface HddCursor {
  readonly rank: number;
  /** Identity of the node at `rank`, so a resumed sweep skips the stages it already tried. */
  readonly type: string;
  readonly start: number;
  readonly stage: Stage;
}

/**
 * Hierarchical delta debugging, largest node first (Perses/Pardis order): for each node
 * try deleting it, replacing it with its kind's minimal form, hoisting a compatible
 * descendant into its place, then ddmin over its children (chunks of 2 or more; single
 * children are visited as nodes of their own).
 */
export const hdd: Pass = {
  name: 'hdd',
  propose(state, cursor, port) {
    return perFile(state, cursor, port, function* (file, inner) {
      const at = inner as HddCursor | null;
      const { ranked, tokensOf } = rankNodes(file.root, port);
      const apply = (edit: Edit): string => applyEdits(file.source, [edit]);
      for (let rank = at?.rank ?? 0; rank < ranked.length; rank++) {
        const { node, parent } = ranked[rank]!;
        const resumeHere = at !== null && rank === at.rank && node.type === at.type && node.start === at.start;
        const firstStage = resumeHere ? STAGES.indexOf(at.stage) : 0;
        const cursorFor = (stage: Stage): HddCursor => ({ rank, type: node.type, start: node.start, stage });
        const text = file.source.slice(node.start, node.end);

        // A node spanning exactly its parent: deleting it is deleting the parent (already tried).
        const sameAsParent = node.start === parent.start && node.end === parent.end;
        if (firstStage <= 0 && !sameAsParent) {
          const siblings = listChildren(parent, port);
          const index = siblings.indexOf(node);
          const edits = index >= 0 ? deletionEdits(siblings, index, index + 1) : [{ start: node.start, end: node.end, text: '' }];
          yield { texts: edits.map(apply), cursor: cursorFor('delete') };
        }
        if (firstStage <= 1) {
          for (const form of [...port.minimalForms(node.type, { parent: parent.type, field: node.field }), ...(port.textForms?.(node.type, text) ?? [])]) {
            if (form !== text) yield { texts: [apply({ start: node.start, end: node.end, text: form })], cursor: cursorFor('minimal') };
          }
        }
        if (firstStage <= 2) {
          for (const sub of compatibleDescendants(node, port, tokensOf).slice(0, MAX_HOISTS)) {
            const replacement = file.source.slice(sub.start, sub.end);
            yield { texts: [apply({ start: node.start, end: node.end, text: replacement })], cursor: cursorFor('hoist') };
          }
        }
        const kids = listChildren(node, port);
        if (kids.length >= 3) {
          for (const chunk of chunkSchedule(kids.length, null, { minSize: 2 })) {
            yield { texts: deletionEdits(kids, chunk.from, chunk.to).map(apply), cursor: cursorFor('list') };
          }
        }
      }
    });
  },
};

/** Reducible nodes, largest first (ties: source order). */
export function rankNodes(root: MeshNode, port: SyntaxPort): { ranked: Ranked[]; tokensOf: Map<MeshNode, number> } {
  const order = preorder(root);
  const tokensOf = new Map<MeshNode, number>();
  for (let i = order.length - 1; i >= 0; i--) {
    const { node } = order[i]!;
    if (port.isComment(node)) tokensOf.set(node, 0);
    else if (node.children.length === 0) tokensOf.set(node, node.end > node.start ? 1 : 0);
    else tokensOf.set(node, node.children.reduce((sum, c) => sum + (tokensOf.get(c) ?? 0), 0));
  }
  const ranked: Array<Ranked & { order: number }> = [];
  order.forEach(({ node, parent }, index) => {
    if (!parent || !node.named || node.isError || node.isMissing || port.isComment(node)) return;
    if (node.end <= node.start) return;
    ranked.push({ node, parent, tokens: tokensOf.get(node) ?? 0, order: index });
  });
  ranked.sort((a, b) => b.tokens - a.tokens || a.order - b.order);
  return { ranked, tokensOf };
}

/** The outermost descendants that may stand in for `node` (same kind or same family). */
export function compatibleDescendants(node: MeshNode, port: SyntaxPort, tokensOf: Map<MeshNode, number>): MeshNode[] {
  const family = port.familyOf(node.type);
  const compatible = (other: MeshNode): boolean =>
    other.type === node.type || (family !== null && port.familyOf(other.type) === family);
  const out: MeshNode[] = [];
  const stack = [...node.children].reverse();
  while (stack.length > 0) {
    const child = stack.pop()!;
    if (!child.named || port.isComment(child) || child.isError) continue;
    if (compatible(child) && (child.start !== node.start || child.end !== node.end)) {
      out.push(child);
      continue;
    }
    for (let i = child.children.length - 1; i >= 0; i--) stack.push(child.children[i]!);
  }
  return out.sort((a, b) => (tokensOf.get(b) ?? 0) - (tokensOf.get(a) ?? 0) || a.start - b.start);
}
