import { createHash } from 'node:crypto';
import type { Candidate } from '../types/index.js';
import type { MeshNode } from '../syntax/types.js';
import type { FileParse, SyntaxPort } from './types.js';
import { leaves } from './tree.js';

/** One source file of the current candidate, parsed. */
export interface FileState {
  readonly path: string;
  readonly source: string;
  readonly root: MeshNode;
  readonly tokens: number;
}

/** A candidate with its parse and size: what passes read and the engine compares. */
export interface State {
  readonly candidate: Candidate;
  /** Source files only, sorted by path. */
  readonly files: readonly FileState[];
  readonly tokens: number;
  readonly bytes: number;
}

/** Tokens = non-empty leaves outside comments (what the papers count). */
export function countTokens(root: MeshNode, port: SyntaxPort): number {
  return leaves(root, (n) => port.isComment(n)).length;
}

/** Memoised parses are dropped past this many source characters (trees are large). */
const MEMO_MAX_CHARS = 4_000_000;

/** Parses candidates, memoising recent (path, text) pairs so unchanged files parse once. */
export class StateBuilder {
  private readonly memo = new Map<string, FileParse>();
  private memoChars = 0;

  constructor(
    private readonly port: SyntaxPort,
    /** Most ERROR/MISSING nodes a file may have to count as valid (0 unless the original had some). */
    private readonly maxErrors = 0,
  ) {}

  parse(path: string, source: string): FileParse {
    const key = `${path}\u0000${source}`;
    let parsed = this.memo.get(key);
    if (!parsed) {
      parsed = this.port.parse(source, path);
      if (this.memoChars + source.length > MEMO_MAX_CHARS) {
        this.memo.clear();
        this.memoChars = 0;
      }
      this.memo.set(key, parsed);
      this.memoChars += source.length;
    }
    return parsed;
  }

  /** The state of a candidate, or null when a source file does not parse cleanly. */
  build(candidate: Candidate): State | null {
    const files: FileState[] = [];
    let tokens = 0;
    let bytes = 0;
    for (const path of [...candidate.keys()].sort()) {
      const source = candidate.get(path)!;
      if (!this.port.isSource(path)) continue;
      const parsed = this.parse(path, source);
      if (parsed.errorCount > this.maxErrors) return null;
      const fileTokens = countTokens(parsed.root, this.port);
      files.push({ path, source, root: parsed.root, tokens: fileTokens });
      tokens += fileTokens;
      bytes += Buffer.byteLength(source, 'utf8');
    }
    return { candidate, files, tokens, bytes };
  }
}

/** Strictly smaller: fewer tokens, or as many tokens and fewer bytes. */
export function isSmaller(a: State, b: State): boolean {
  return a.tokens < b.tokens || (a.tokens === b.tokens && a.bytes < b.bytes);
}

/** Content hash of a candidate (paths and texts), the cache key. */
export function contentKey(candidate: Candidate): string {
  const hash = createHash('sha1');
  for (const path of [...candidate.keys()].sort()) {
    const text = candidate.get(path)!;
    hash.update(`${path.length}:${path}${text.length}:`);
    hash.update(text);
  }
  return hash.digest('hex');
}

export function withFile(candidate: Candidate, path: string, text: string): Candidate {
  const next = new Map(candidate);
  next.set(path, text);
  return next;
}

export function candidateBytes(candidate: Candidate): number {
  let n = 0;
  for (const text of candidate.values()) n += Buffer.byteLength(text, 'utf8');
  return n;
}
