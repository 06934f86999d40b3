import type { MeshNode } from '../../../src/syntax/index.js';

/** Builds a MeshNode by hand (tests must not need tree-sitter to exercise pure code). */
export function node(type: string, start: number, end: number, children: MeshNode[] = [], extra: Partial<MeshNode> = {}): MeshNode {
  return {
    type,
    field: null,
    start,
    end,
    named: /^[a-z_]+$/.test(type) && type !== 'end' && type !== 'do' && type !== 'fn',
    isError: type === 'ERROR',
    isMissing: false,
    children,
    ...extra,
  };
}
