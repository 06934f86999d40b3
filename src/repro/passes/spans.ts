import type { MeshNode } from '../../syntax/types.js';
import type { SyntaxPort } from '../types.js';
import { preorder } from '../tree.js';

/** `start:end` of every named node: deletions the tree passes have already tried. */
export function nodeSpans(root: MeshNode, port: SyntaxPort): Set<string> {
  const spans = new Set<string>();
  for (const { node, parent } of preorder(root)) {
    if (parent && node.named && !port.isComment(node)) spans.add(`${node.start}:${node.end}`);
  }
  return spans;
}
