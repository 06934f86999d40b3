import type { Candidate } from '../types/index.js';
import { countTokens } from './state.js';
import type { SyntaxPort } from './types.js';

/** Bytes and tokens of a candidate's source files (tokens as the reducer counts them). */
export function measureCandidate(candidate: Candidate, port: SyntaxPort): { bytes: number; tokens: number; files: number } {
  let bytes = 0;
  let tokens = 0;
  let files = 0;
  for (const [path, text] of candidate) {
    if (!port.isSource(path)) continue;
    files++;
    bytes += Buffer.byteLength(text, 'utf8');
    tokens += countTokens(port.parse(text, path).root, port);
  }
  return { bytes, tokens, files };
}
