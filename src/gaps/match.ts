import type { Dialect, KnownGap, Symptom } from '../types/index.js';

/** A catalog entry whose signature patterns match a symptom, with how well. */
export interface GapMatch {
  gap: KnownGap;
  /** The pattern that matched best (longest matched text). */
  pattern: string;
  /** The text it matched. */
  matched: string;
  /** True when the symptom's stage is the gap's stage. */
  sameStage: boolean;
  /** Higher is better: same stage first, then longer matched text, then open in the dialect. */
  score: number;
}

export interface MatchOptions {
  /** Prefer gaps still open in this dialect; gaps fixed in it rank below open ones. */
  dialect?: Dialect;
  /** Gap keys whose risky shape was found in the program (e.g. by the scanner): ranked first. */
  shapeHints?: readonly string[];
}

function bestHit(gap: KnownGap, text: string): { pattern: string; matched: string } | undefined {
  let best: { pattern: string; matched: string } | undefined;
  for (const pattern of gap.signaturePatterns) {
    let re: RegExp;
    try {
      re = new RegExp(pattern, 'i');
    } catch {
      continue; // a broken pattern is caught by the catalog table test; never crash the classifier
    }
    const m = re.exec(text);
    if (m && (!best || m[0].length > best.matched.length)) best = { pattern, matched: m[0] };
  }
  return best;
}

/**
 * Every catalog gap whose signature patterns match the symptom's message or signature,
 * best first (deterministic: ties keep catalog order). Pure.
 */
export function matchGaps(symptom: Pick<Symptom, 'stage' | 'message' | 'signature'>, catalog: readonly KnownGap[], options: MatchOptions = {}): GapMatch[] {
  const text = `${symptom.message}\n${symptom.signature}`;
  const matches: Array<GapMatch & { order: number }> = [];
  catalog.forEach((gap, order) => {
    const hit = bestHit(gap, text);
    if (!hit) return;
    const sameStage = gap.stage === symptom.stage;
    const dialect = options.dialect === 'february' || options.dialect === 'april' ? options.dialect : undefined;
    const openHere = dialect === undefined || gap.status[dialect] === 'open';
    const hinted = options.shapeHints?.includes(gap.key) ?? false;
    const score = (hinted ? 100_000 : 0) + (sameStage ? 10_000 : 0) + (openHere ? 1_000 : 0) + Math.min(hit.matched.length, 999);
    matches.push({ gap, pattern: hit.pattern, matched: hit.matched, sameStage, score, order });
  });
  matches.sort((a, b) => b.score - a.score || a.order - b.order);
  return matches.map(({ order: _order, ...m }) => m);
}

/** The best-matching known gap for a symptom, or undefined when none matches. Pure. */
export function matchGap(symptom: Pick<Symptom, 'stage' | 'message' | 'signature'>, catalog: readonly KnownGap[], options: MatchOptions = {}): KnownGap | undefined {
  return matchGaps(symptom, catalog, options)[0]?.gap;
}
