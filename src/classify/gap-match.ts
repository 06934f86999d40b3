import type { Dialect, GapStatus, KnownGap } from '../types/index.js';
import type { Observation } from './types.js';

export interface GapMatch {
  gap: KnownGap;
  pattern: string;
  /** The text the pattern matched. */
  matched: string;
  /** Status of the gap in the compiler's dialect ('open' when the dialect is unknown). */
  status: GapStatus;
  /** The symptom's stage is the gap's stage. */
  sameStage: boolean;
  /** The program has the gap's risky shape (from the injected scanner hints). */
  hinted: boolean;
  /** No other catalog gap's patterns match this symptom at its stage: the text points at this gap alone. */
  specific: boolean;
}

/**
 * Catalog gaps whose patterns (case-insensitive regular expressions) match the symptom's
 * message or signature, best first: shape found in the program, then same stage, then open
 * in this dialect, then the longest matched text; ties keep catalog order. A pattern that
 * does not compile is skipped: the catalog is data and must not crash classification.
 */
export function matchKnownGaps(
  observation: Observation,
  gaps: readonly KnownGap[],
  dialect: Dialect = 'unknown',
  shapeHints: readonly string[] = [],
): GapMatch[] {
  if (observation.symptom.stage === 'ok') return [];
  const text = `${observation.symptom.message}\n${observation.symptom.signature}`;
  const found: Array<Omit<GapMatch, 'specific'> & { score: number; order: number }> = [];
  gaps.forEach((gap, order) => {
    let best: { pattern: string; matched: string } | undefined;
    for (const pattern of gap.signaturePatterns) {
      const m = compile(pattern)?.exec(text);
      if (m && (!best || m[0].length > best.matched.length)) best = { pattern, matched: m[0] };
    }
    if (!best) return;
    const status: GapStatus = dialect === 'unknown' ? 'open' : gap.status[dialect];
    const sameStage = gap.stage === observation.symptom.stage;
    const hinted = shapeHints.includes(gap.key);
    const score = (hinted ? 100_000 : 0) + (sameStage ? 10_000 : 0) + (status === 'open' ? 1_000 : 0) + Math.min(best.matched.length, 999);
    found.push({ gap, ...best, status, sameStage, hinted, score, order });
  });
  found.sort((a, b) => b.score - a.score || a.order - b.order);
  const sameStage = found.filter((m) => m.sameStage).length;
  return found.map(({ score: _score, order: _order, ...m }) => ({ ...m, specific: m.sameStage && sameStage === 1 }));
}

/** The best match, or undefined. */
export function matchKnownGap(observation: Observation, gaps: readonly KnownGap[], dialect: Dialect = 'unknown', shapeHints: readonly string[] = []): GapMatch | undefined {
  return matchKnownGaps(observation, gaps, dialect, shapeHints)[0];
}

function compile(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, 'i');
  } catch {
    return undefined;
  }
}
