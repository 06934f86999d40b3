import type { Differential, Observation } from './types.js';

export interface Comparison {
  /** The two outcomes disagree in a way that counts as evidence. */
  differs: boolean;
  /** Could not compare (one side hit an environment problem or a flattening artefact). */
  inconclusive: boolean;
  description: string;
}

/**
 * Do two observations of the same program agree? Two completed runs agree when their stdout
 * is the same; otherwise their signatures must be the same. For the version differential, a
 * missing trailing partial line is forgiven: the February runtime never flushes a `print`
 * without newline at exit, so that difference is not a bug in either compiler.
 */
export function compareOutcomes(d: Differential): Comparison {
  const [a, b] = d.outcomes;
  const [la, lb] = d.labels;
  if (a.lean === 'environment' || b.lean === 'environment') {
    return { differs: false, inconclusive: true, description: `could not compare ${la} with ${lb}: environment problem (${(a.lean === 'environment' ? a : b).symptom.message})` };
  }
  if (d.kind === 'flatten') return compareFlatten(a, b, la, lb);
  if (ran(a) && ran(b)) {
    if (a.stdout === b.stdout) return same(la, lb);
    if (d.kind === 'version' && onlyTrailingPartialLine(a.stdout ?? '', b.stdout ?? '')) {
      return { differs: false, inconclusive: true, description: `${la} and ${lb} differ only by a trailing line without newline (the February runtime drops it at exit)` };
    }
    return { differs: true, inconclusive: false, description: `stdout differs between ${la} and ${lb}: ${firstDifference(a.stdout ?? '', b.stdout ?? '')}` };
  }
  if (a.symptom.signature === b.symptom.signature) return same(la, lb);
  return { differs: true, inconclusive: false, description: `${la} gives ${summary(a)} but ${lb} gives ${summary(b)}` };
}

const IMPORT_CODES = new Set(['E0031', 'E0034', 'E0035']);

/** Project vs flattened: only a failure that disappears when flattened counts. */
function compareFlatten(project: Observation, flat: Observation, lp: string, lf: string): Comparison {
  if (project.symptom.signature === flat.symptom.signature) return same(lp, lf);
  if (IMPORT_CODES.has(project.symptom.code) || /cannot import itself|Circular dependency/.test(project.symptom.message)) {
    return { differs: false, inconclusive: true, description: `the ${lp} fails on an import rule (${project.symptom.code || project.symptom.message}) that flattening removes; that is not evidence of a module-system bug` };
  }
  // "Fails as a project but not flattened": the flattened form must not fail at all; a
  // different failure (a front-end rejection, a missing main) is more likely a flattening artefact.
  if (flat.symptom.stage !== 'ok') {
    return { differs: false, inconclusive: true, description: `the ${lf} form fails differently (${summary(flat)}): inconclusive, possibly a flattening artefact` };
  }
  return { differs: true, inconclusive: false, description: `the ${lp} gives ${summary(project)} but the same code ${lf} into one file gives ${summary(flat)}` };
}

function ran(o: Observation): boolean {
  return o.phase === 'run' && (o.symptom.stage === 'ok' || o.symptom.stage === 'wrong-output');
}

function same(la: string, lb: string): Comparison {
  return { differs: false, inconclusive: false, description: `${la} and ${lb} agree` };
}

function summary(o: Observation): string {
  return o.symptom.stage === 'ok' ? (o.phase === 'run' ? 'a clean run' : 'a clean build') : `${o.symptom.stage} (${o.symptom.message})`;
}

function onlyTrailingPartialLine(x: string, y: string): boolean {
  const [short, long] = x.length <= y.length ? [x, y] : [y, x];
  return long.startsWith(short) && (short === '' || short.endsWith('\n')) && !long.slice(short.length).includes('\n');
}

function firstDifference(x: string, y: string): string {
  const a = x.split('\n');
  const b = y.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i + 1}: ${JSON.stringify(a[i] ?? '(nothing)')} vs ${JSON.stringify(b[i] ?? '(nothing)')}`;
  }
  return 'outputs differ';
}
