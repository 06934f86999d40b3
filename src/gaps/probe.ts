import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExitCode, STAGES, UserError, type Candidate, type Stage } from '../types/index.js';

/**
 * Probe programs: fixtures/mesh/gaps/<key>.mpl, one minimal standalone program per
 * compiler gap, with a machine-readable comment header (format in docs/gaps.md):
 *
 *   # gap: <key>
 *   # open: <stage> — <regex matched against the symptom text while the gap is open>
 *   # fixed-output: <exact stdout line once fixed>      (one per line, in order)
 *   # exits: no                                          (optional: serves forever)
 *   # mode: fmt-then-build                               (optional: run meshc fmt first)
 *   # file: <relpath>                                    (optional: starts another module)
 */

export type ProbeMode = 'build-run' | 'fmt-then-build';

export interface ProbeExpectation {
  stage: Stage;
  /** Regular-expression source, matched case-insensitively (multiline) against the symptom text. */
  pattern: string;
}

export interface Probe {
  key: string;
  /** The whole probe file. */
  source: string;
  /** First `# open:` line (the CI gate's primary expectation). */
  openStage: Stage;
  openPattern: string;
  /** Every `# open:` line (any of them means still open). */
  open: ProbeExpectation[];
  /** Exact stdout once the gap is fixed, one entry per line. */
  expectedOutput: string[];
  /** False for programs that serve forever: judge their stdout at the timeout. */
  exits: boolean;
  mode: ProbeMode;
  /** The program to build: main.mpl plus any `# file:` modules. */
  files: Candidate;
}

const HEADER = /^#\s*([a-z-]+):\s?(.*)$/;
const OPEN_SEPARATOR = /\s+[—–-]{1,2}\s+/;

/** Parses a probe file's text. Throws UserError(INPUT) naming the problem. Pure. */
export function parseProbe(source: string, origin = 'probe'): Probe {
  let key: string | undefined;
  const open: ProbeExpectation[] = [];
  const expectedOutput: string[] = [];
  let exits = true;
  let mode: ProbeMode = 'build-run';
  const bad = (why: string): UserError => new UserError(`${origin}: ${why}`, ExitCode.INPUT, 'see docs/gaps.md for the probe header format');

  const lines = source.split('\n');
  for (const line of lines) {
    if (!line.startsWith('#')) break; // the header is the leading comment block
    const m = HEADER.exec(line.trimEnd());
    if (!m) continue;
    const [, name, rawValue] = m;
    const value = rawValue ?? '';
    switch (name) {
      case 'gap':
        key = value.trim();
        break;
      case 'open': {
        // Split at the first separator only: the pattern itself may contain dashes.
        const sep = OPEN_SEPARATOR.exec(value);
        const stage = (sep ? value.slice(0, sep.index) : value).trim();
        const pattern = sep ? value.slice(sep.index + sep[0].length).trim() : '';
        if (!(STAGES as readonly string[]).includes(stage)) throw bad(`unknown stage '${stage}' in '# open:'`);
        if (!pattern) throw bad(`'# open:' needs '<stage> — <pattern>'`);
        try {
          new RegExp(pattern, 'im');
        } catch (err) {
          throw bad(`'# open:' pattern is not a valid regular expression: ${(err as Error).message}`);
        }
        open.push({ stage: stage as Stage, pattern });
        break;
      }
      case 'fixed-output':
        expectedOutput.push(value);
        break;
      case 'exits':
        exits = value.trim() !== 'no';
        break;
      case 'mode':
        if (value.trim() !== 'build-run' && value.trim() !== 'fmt-then-build') throw bad(`unknown mode '${value.trim()}'`);
        mode = value.trim() as ProbeMode;
        break;
      default:
        break; // prose in the header is allowed
    }
  }
  if (!key) throw bad("missing '# gap: <key>' header");
  const first = open[0];
  if (!first) throw bad("missing '# open: <stage> — <pattern>' header");
  if (expectedOutput.length === 0) throw bad("missing '# fixed-output:' header");
  return { key, source, openStage: first.stage, openPattern: first.pattern, open, expectedOutput, exits, mode, files: splitModules(source) };
}

const FILE_MARKER = /^#\s*file:\s*(\S+)\s*$/;

/** Splits a probe at `# file: <relpath>` lines; the text before the first one is main.mpl. */
export function splitModules(source: string): Candidate {
  const files = new Map<string, string>();
  let current = 'main.mpl';
  let buffer: string[] = [];
  for (const line of source.split('\n')) {
    const m = FILE_MARKER.exec(line);
    if (m) {
      files.set(current, `${buffer.join('\n').trimEnd()}\n`);
      current = m[1]!;
      buffer = [];
    } else {
      buffer.push(line);
    }
  }
  files.set(current, `${buffer.join('\n').trimEnd()}\n`);
  return files;
}

/** Repository root (src/gaps or dist/gaps → two levels up). */
export function repoRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
}

export function probePath(key: string, root = repoRoot()): string {
  return join(root, 'fixtures', 'mesh', 'gaps', `${key}.mpl`);
}

/** Reads and parses fixtures/mesh/gaps/<key>.mpl. */
export async function loadProbe(key: string, root = repoRoot()): Promise<Probe> {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(key)) throw new UserError(`'${key}' is not a gap key`, ExitCode.USAGE, 'run `mesher-triage gaps list` for the keys');
  const path = probePath(key, root);
  let source: string;
  try {
    source = await readFile(path, 'utf8');
  } catch {
    throw new UserError(`no probe for gap '${key}' (${path})`, ExitCode.INPUT, 'runtime limits have a measurement instead of a probe: see `mesher-triage gaps show <key>`');
  }
  const probe = parseProbe(source, path);
  if (probe.key !== key) throw new UserError(`${path}: header says gap '${probe.key}', file name says '${key}'`, ExitCode.INPUT);
  return probe;
}

/** What a probe run says about its gap. */
export type ProbeOutcome = 'fixed' | 'still-open' | 'changed';

export interface ProbeObservation {
  /** Stage of the observed symptom ('ok' for a clean build and run). */
  stage: Stage;
  /** Symptom text: diagnostics, panic text, signal name; for wrong-output, stdout. */
  text: string;
  stdout: string;
}

/**
 * Judges one run: stdout equal to the fixed output (and no failure stage) → fixed; the
 * symptom matches an `# open:` line → still-open; anything else → changed. Pure.
 */
export function judgeProbe(probe: Pick<Probe, 'open' | 'expectedOutput' | 'exits'>, observed: ProbeObservation): ProbeOutcome {
  const okStages: Stage[] = probe.exits ? ['ok', 'wrong-output'] : ['ok', 'wrong-output', 'hang'];
  const lines = observed.stdout.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');
  const sameOutput = lines.length === probe.expectedOutput.length && lines.every((l, i) => l === probe.expectedOutput[i]);
  if (okStages.includes(observed.stage) && sameOutput) return 'fixed';
  for (const expectation of probe.open) {
    const stageMatches = expectation.stage === observed.stage || (expectation.stage === 'wrong-output' && okStages.includes(observed.stage));
    const text = expectation.stage === 'wrong-output' ? observed.stdout : observed.text;
    if (stageMatches && new RegExp(expectation.pattern, 'im').test(text)) return 'still-open';
  }
  return 'changed';
}
