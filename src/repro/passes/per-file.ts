import type { Candidate } from '../../types/index.js';
import type { FileState, State } from '../state.js';
import type { SyntaxPort } from '../types.js';
import type { Proposal } from './pass.js';

interface PerFileCursor {
  readonly path: string;
  readonly inner: unknown;
}

/**
 * Runs a single-file proposer over every source file in path order, resuming at the file
 * (and inner position) where the last accepted proposal came from.
 */
export function* perFile(
  state: State,
  cursor: unknown,
  port: SyntaxPort,
  proposeInFile: (file: FileState, inner: unknown, port: SyntaxPort) => Iterable<{ texts: readonly string[]; cursor: unknown }>,
): Generator<Proposal> {
  const at = cursor as PerFileCursor | null;
  for (const file of state.files) {
    if (at && file.path < at.path) continue;
    const inner = at && file.path === at.path ? at.inner : null;
    for (const proposal of proposeInFile(file, inner, port)) {
      const alternatives: Candidate[] = proposal.texts.map((text) => {
        const next = new Map(state.candidate);
        next.set(file.path, text);
        return next;
      });
      yield { alternatives, cursor: { path: file.path, inner: proposal.cursor } satisfies PerFileCursor };
    }
  }
}
