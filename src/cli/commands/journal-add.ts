import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ExitCode, STAGES, UserError, type CompilerInfo, type Symptom, type Verdict } from '../../types/index.js';
import { readMeshFile, walkMeshFiles } from '../../syntax/index.js';
import type { OccurrenceInput } from '../../journal/index.js';

/**
 * What `journal add` reads from a repro directory or file. A directory may hold the
 * reducer's `reduce.json` (fields used: symptom, verdict, compiler, input or source: the
 * original program's path, rawOutput) and/or
 * a `verdict.json`; without them the repro is recorded as undetermined, keyed by content.
 */
export interface ReproInput {
  occurrence: OccurrenceInput;
  /** Which metadata files were found, for the report. */
  metadata: string[];
}

const MAX_REPRO_FILES = 500;

export async function readReproInput(path: string): Promise<ReproInput> {
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch {
    throw new UserError(`${path} does not exist`, ExitCode.INPUT, 'pass a repro directory or a .mpl file');
  }
  if (!isDir) {
    const content = await readMeshFile(path);
    return { occurrence: { repro: { [basename(path)]: content }, sourcePath: path }, metadata: [] };
  }
  const files = new Map<string, string>();
  for await (const rel of walkMeshFiles(path, { skipTests: false })) {
    if (files.size >= MAX_REPRO_FILES) throw new UserError(`${path} holds more than ${MAX_REPRO_FILES} Mesh files`, ExitCode.INPUT, 'point at the minimal repro directory, not a whole project tree');
    files.set(rel, await readMeshFile(join(path, rel)));
  }
  if (files.size === 0) throw new UserError(`${path} holds no Mesh files (.mpl, .mesh)`, ExitCode.INPUT, 'pass the directory the reducer wrote, or a .mpl file');

  const metadata: string[] = [];
  const occurrence: OccurrenceInput = { repro: files, sourcePath: path };
  const reduce = await readJsonIfPresent(join(path, 'reduce.json'));
  if (reduce !== undefined) {
    metadata.push('reduce.json');
    const doc = asObject(reduce, 'reduce.json');
    if (doc.symptom !== undefined) occurrence.symptom = asSymptom(doc.symptom, 'reduce.json symptom');
    if (doc.verdict !== undefined) occurrence.verdict = asVerdict(doc.verdict, 'reduce.json verdict');
    if (doc.compiler !== undefined) occurrence.compiler = asCompiler(doc.compiler);
    const source = typeof doc.source === 'string' ? doc.source : doc.input;
    if (typeof source === 'string') occurrence.sourcePath = source;
    if (typeof doc.rawOutput === 'string') occurrence.rawOutput = doc.rawOutput;
  }
  const verdict = await readJsonIfPresent(join(path, 'verdict.json'));
  if (verdict !== undefined) {
    metadata.push('verdict.json');
    occurrence.verdict = asVerdict(verdict, 'verdict.json');
  }
  return { occurrence, metadata };
}

async function readJsonIfPresent(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UserError(`cannot read ${path}: ${(err as Error).message}`, ExitCode.INPUT);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UserError(`${path} is not valid JSON (${(err as Error).message})`, ExitCode.INPUT, 'fix or remove it; the repro files alone can be added');
  }
}

function asObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(what, 'an object');
  return value as Record<string, unknown>;
}

function asSymptom(value: unknown, what: string): Symptom {
  const o = asObject(value, what);
  if (!(STAGES as readonly unknown[]).includes(o.stage)) throw invalid(`${what}.stage`, `one of ${STAGES.join(', ')}`);
  if (typeof o.signature !== 'string' || o.signature === '') throw invalid(`${what}.signature`, 'a non-empty string');
  if (typeof o.signatureVersion !== 'string' || o.signatureVersion === '') throw invalid(`${what}.signatureVersion`, 'a non-empty string');
  return {
    stage: o.stage as Symptom['stage'],
    code: typeof o.code === 'string' ? o.code : '',
    message: typeof o.message === 'string' ? o.message : '',
    signature: o.signature,
    signatureVersion: o.signatureVersion,
    generic: o.generic === true,
  };
}

function asVerdict(value: unknown, what: string): Verdict {
  const o = asObject(value, what);
  if (!['compiler', 'app', 'known-gap', 'undetermined'].includes(o.class as string)) throw invalid(`${what}.class`, 'compiler, app, known-gap or undetermined');
  if (typeof o.confidence !== 'number' || o.confidence < 0 || o.confidence > 1) throw invalid(`${what}.confidence`, 'a number from 0 to 1');
  if (!Array.isArray(o.reasons) || !o.reasons.every((r) => typeof r === 'string')) throw invalid(`${what}.reasons`, 'a list of strings');
  return {
    class: o.class as Verdict['class'],
    confidence: o.confidence,
    reasons: o.reasons as string[],
    ...(typeof o.gapKey === 'string' ? { gapKey: o.gapKey } : {}),
  };
}

function asCompiler(value: unknown): CompilerInfo | undefined {
  const o = asObject(value, 'reduce.json compiler');
  if (typeof o.path !== 'string' || typeof o.version !== 'string') return undefined;
  const dialect = o.dialect === 'february' || o.dialect === 'april' ? o.dialect : 'unknown';
  return { path: o.path, version: o.version, dialect };
}

function invalid(what: string, expected: string): UserError {
  return new UserError(`${what} must be ${expected}`, ExitCode.INPUT, 'fix the file, or remove it to record the repro as undetermined');
}
