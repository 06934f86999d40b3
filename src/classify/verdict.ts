import type { Verdict } from '../types/index.js';
import { compareOutcomes } from './differential.js';
import { matchKnownGaps, type GapMatch } from './gap-match.js';
import type { Observation, VerdictInput } from './types.js';

/** One piece of evidence: which way it points, how strongly, and why (in words). */
export interface Evidence {
  points: 'compiler' | 'app' | 'environment' | 'known-gap' | 'none';
  strength: number;
  reason: string;
}

/**
 * The evidence rules of architecture.md, strongest first: compiler crash; failure after the
 * front end accepted the program (except a missing `fn main`); runtime signal; opt-level
 * differential; version differential; project-only failure; known-gap signature. Without any
 * of these, a front-end rejection or a Mesh panic is an application bug, and a wrong output
 * is undetermined — said plainly, never guessed.
 */
export function collectEvidence(input: VerdictInput): Evidence[] {
  const { primary } = input;
  const evidence: Evidence[] = [];
  const stage = primary.symptom.stage;
  const generic = primary.symptom.generic;

  if (stage === 'compiler-crash' && primary.lean === 'compiler') evidence.push({ points: 'compiler', strength: 0.95, reason: `compiler crash: ${primary.because}: ${primary.symptom.message}` });
  if (stage === 'hang' && primary.phase === 'build') evidence.push({ points: 'compiler', strength: 0.7, reason: `compiler hang: ${primary.because}` });
  if (['lowering', 'llvm-verify', 'codegen', 'link'].includes(stage) && !generic) {
    if (primary.lean === 'compiler') evidence.push({ points: 'compiler', strength: 0.9, reason: `failure after the front end accepted the program: ${primary.because}: ${primary.symptom.message}` });
    if (primary.lean === 'app') evidence.push({ points: 'app', strength: 0.9, reason: primary.because });
  }
  if ((stage === 'runtime-crash' || stage === 'runtime-panic') && primary.lean === 'compiler') {
    evidence.push({ points: 'compiler', strength: 0.85, reason: `runtime signal or layout check: ${primary.because}` });
  }
  if (primary.lean === 'environment') evidence.push({ points: 'environment', strength: 0.9, reason: `environment problem, not a bug in the program or the compiler: ${primary.because}: ${primary.symptom.message}` });

  const strengths = { 'opt-level': 0.85, version: 0.8, flatten: 0.75 } as const;
  const names = { 'opt-level': 'optimisation levels', version: 'meshc versions', flatten: 'project and flattened forms' } as const;
  for (const kind of ['opt-level', 'version', 'flatten'] as const) {
    for (const d of input.differentials.filter((x) => x.kind === kind)) {
      const c = compareOutcomes(d);
      if (c.differs) {
        const what = kind === 'flatten' ? 'fails as a project but not flattened into one file (module-system bug)' : `output differs between ${names[kind]}`;
        evidence.push({ points: 'compiler', strength: strengths[kind], reason: `${what}: ${c.description}` });
      } else {
        evidence.push({ points: 'none', strength: 0, reason: `${names[kind]} checked: ${c.description}` });
      }
    }
  }

  const gapEvidence = readGaps(input).evidence;
  if (gapEvidence) evidence.push(gapEvidence);

  if (!generic && primary.lean === 'app' && (stage === 'parse' || stage === 'typecheck')) {
    evidence.push({ points: 'app', strength: 0.8, reason: `${primary.because}: ${primary.symptom.code ? `${primary.symptom.code} ` : ''}${primary.symptom.message}` });
  }
  if (!generic && primary.lean === 'app' && (stage === 'runtime-panic' || stage === 'runtime-crash')) {
    evidence.push({ points: 'app', strength: 0.75, reason: `${primary.because}: ${primary.symptom.message}` });
  }
  if (primary.codegenWarnings.length) {
    evidence.push({ points: 'none', strength: 0, reason: `MIR lowering warned during the build (suspicious): ${primary.codegenWarnings[0]}` });
  }
  return evidence;
}

export function decideVerdict(input: VerdictInput): Verdict {
  const evidence = collectEvidence(input);
  const strongest = (points: Evidence['points']): Evidence | undefined =>
    evidence.filter((e) => e.points === points).sort((a, b) => b.strength - a.strength)[0];
  const ordered = (first: Evidence | undefined): string[] => {
    const rest = evidence.filter((e) => e !== first && e.points !== 'none').sort((a, b) => b.strength - a.strength);
    const notes = evidence.filter((e) => e.points === 'none');
    return [...(first ? [first] : []), ...rest, ...notes].map((e) => e.reason);
  };
  const { primary } = input;
  const gap = strongest('known-gap');
  const compiler = strongest('compiler');
  const app = strongest('app');
  const env = strongest('environment');

  const reading = readGaps(input);

  if (gap) {
    return { class: 'known-gap', confidence: round(compiler ? Math.max(gap.strength, compiler.strength) : gap.strength), reasons: ordered(gap), gapKey: reading.named?.gap.key };
  }
  if (compiler) {
    // An app-leaning symptom (e.g. a type error) that a differential contradicts lowers confidence.
    const confidence = app ? Math.max(0.5, compiler.strength - 0.15) : compiler.strength;
    const resembles = reading.resembles[0]?.gap.key;
    return { class: 'compiler', confidence: round(confidence), reasons: ordered(compiler), ...(resembles ? { resemblesGap: resembles } : {}) };
  }
  if (env) return { class: 'undetermined', confidence: 0.9, reasons: ordered(env) };
  if (app) return { class: 'app', confidence: app.strength, reasons: ordered(app) };
  return { class: 'undetermined', confidence: 0.5, reasons: [undeterminedReason(primary, input), ...ordered(undefined)] };
}

/** What the known-gap catalog says about a symptom. */
interface GapReading {
  evidence?: Evidence;
  /** The open gap the verdict names. */
  named?: GapMatch;
  /** Gaps whose text matched but that the verdict may not name: "compiler bug, resembles gap X". */
  resembles: GapMatch[];
}

/**
 * A gap is named only when the symptom is at the gap's stage and either the program has the
 * gap's risky shape (the scanner's finding, passed in by the caller) or meshc itself failed
 * with compile-time text that no other gap's patterns match. A message shared by several
 * gaps (an LLVM "Call parameter type" error), or a broad one (any SIGSEGV, any "undefined
 * variable"), without the shape only makes the symptom *resemble* the gap: an ordinary typo
 * or an unrelated codegen bug is not filed under a known gap.
 */
function readGaps(input: VerdictInput): GapReading {
  const { primary } = input;
  const matches = matchKnownGaps(primary, input.gaps, input.dialect, input.shapeHints);
  if (matches.length === 0) return { resembles: [] };
  const compileTimeText = primary.phase === 'build' && primary.lean === 'compiler' && !primary.symptom.generic;
  const decisive = matches.find((m) => m.sameStage && (m.hinted || (compileTimeText && m.specific)));
  if (decisive) return decide(decisive, input);

  const similar = matches.filter((m) => m.sameStage);
  if (similar.length === 0) {
    const m = matches[0]!;
    return { resembles: [], evidence: note(`${matchedText(m)}, but that gap shows at the ${m.gap.stage} stage, not ${primary.symptom.stage}: not counted`) };
  }
  const shown = similar.slice(0, 3).map((m) => `'${m.gap.key}' (${m.gap.title})`);
  const more = similar.length > shown.length ? ` and ${similar.length - shown.length} more` : '';
  const what = similar.length === 1 ? `known gap ${shown[0]}` : `known gaps ${shown.join(', ')}${more}`;
  const why = similar.length === 1 ? "the program does not have the gap's risky shape" : 'the text is not specific to one of them and the program has none of their risky shapes';
  return {
    // Only compile-time compiler text is worth naming in the verdict; a SIGSEGV resembles half the catalog.
    resembles: compileTimeText ? similar : [],
    evidence: note(`the symptom resembles ${what}: /${similar[0]!.pattern}/ matches, but ${why}: not counted`),
  };
}

function decide(match: GapMatch, input: VerdictInput): GapReading {
  const why = match.hinted ? '; the program has its risky shape' : '; no other known gap matches this text';
  const where = `${matchedText(match)}${why}`;
  if (match.status !== 'open') {
    const state = match.status === 'fixed' ? 'recorded as fixed' : 'recorded as not applicable';
    return input.primary.lean === 'compiler'
      ? { resembles: [match], evidence: { points: 'compiler', strength: 0.6, reason: `${where}, but it is ${state} for the ${input.dialect} dialect: a regression or a different bug` } }
      : { resembles: [], evidence: note(`${where}, but it is ${state} for the ${input.dialect} dialect: not counted`) };
  }
  return { named: match, resembles: [], evidence: { points: 'known-gap', strength: match.hinted ? 0.9 : 0.85, reason: `${where}; workaround: ${match.gap.workaround}` } };
}

function matchedText(match: GapMatch): string {
  return `known gap '${match.gap.key}' (${match.gap.title}) matches /${match.pattern}/`;
}

function note(reason: string): Evidence {
  return { points: 'none', strength: 0, reason };
}

function undeterminedReason(primary: Observation, input: VerdictInput): string {
  const checked = input.differentials.map((d) => d.kind);
  const missing = [
    checked.includes('opt-level') ? '' : 'an --opt-level 0/2 comparison',
    checked.includes('version') ? '' : 'a second meshc (--baseline-meshc or MESHC_BASELINE)',
  ].filter(Boolean);
  const more = missing.length ? ` Evidence that could decide it: ${missing.join(', ')}.` : '';
  switch (primary.symptom.stage) {
    case 'ok':
      return primary.phase === 'build'
        ? 'no failure observed: meshc built the program (it was not run), and no differential disagrees.'
        : `no failure observed: ${primary.because}, and no differential disagrees.`;
    case 'wrong-output':
      return `the output is wrong, but no differential evidence points at the compiler: it may be the program or the compiler; undetermined.${more}`;
    case 'hang':
      return `the program did not finish; without differential evidence a hang may be a server loop, a deadlock in the program, or a runtime bug: undetermined.${more}`;
    default:
      return primary.symptom.generic
        ? `no rule recognised meshc's output, so this is a generic symptom (${primary.symptom.message}); undetermined.${more}`
        : `${primary.because}; this alone does not decide between program and compiler: undetermined.${more}`;
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
