/**
 * The output folder (`--out`) of `reduce` and `repro`: checked and created before any work,
 * so a bad --out fails at once rather than after a long reduction; then written after every
 * gain without ever losing the result (a failed write is kept, the result saved elsewhere).
 */
import { mkdtemp, readdir, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { makeDirs } from '../fs/make-dirs.js';
import { contentKey } from '../repro/index.js';
import { ExitCode, UserError, usageError, type Candidate } from '../types/index.js';

export interface OutDirRules {
  /** The input as the user gave it: never written. */
  input: string;
  inputKind: 'file' | 'project';
  /** Files that show an earlier run of the same command wrote the folder, so it may be reused. */
  markers: readonly string[];
  /** Write into a non-empty folder without markers. */
  force?: boolean;
}

/**
 * Refuses an --out that overlaps the input (is the input project, is inside it or holds it;
 * for a file, would hold it as main.mpl) or that holds someone else's files (non-empty
 * without markers, unless --force); then creates it and checks a file can be written there.
 */
export async function prepareOutDir(outDir: string, rules: OutDirRules): Promise<void> {
  const out = await canonical(outDir);
  const input = await canonical(rules.input);
  const clash = rules.inputKind === 'project' ? within(out, input) || within(input, out) : join(out, 'main.mpl') === input;
  if (clash) throw usageError(`--out ${outDir} would overwrite the input ${rules.input}`, 'pick an --out folder outside the input (and not holding it)');

  let entries: string[] | null;
  try {
    entries = await readdir(outDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw outDirError(err, outDir);
    entries = null;
  }
  if (entries && entries.length > 0 && !rules.markers.some((m) => entries.includes(m)) && !rules.force) {
    throw usageError(`--out ${outDir} is not empty and was not written by this command`, 'pick another --out, or pass --force to write into it');
  }
  try {
    await makeDirs(outDir);
    // A folder that exists is not necessarily writable: find out now, not after the work.
    const probe = join(outDir, `.mesher-triage-probe-${process.pid}`);
    await writeFile(probe, '');
    await rm(probe, { force: true });
  } catch (err) {
    throw outDirError(err, outDir);
  }
}

/** A failure to write the output folder: exit 3, with the system's reason. */
export function outDirError(err: unknown, outDir: string): UserError {
  if (err instanceof UserError) return err;
  return new UserError(`cannot write the output folder ${outDir}: ${(err as Error).message}`, ExitCode.INPUT, 'pick an --out folder you can create files in');
}

/** The real path, resolving symlinks as far as the path exists (so a link to the input is caught). */
async function canonical(path: string): Promise<string> {
  const tail: string[] = [];
  for (let at = resolve(path); ; at = dirname(at)) {
    try {
      return join(await realpath(at), ...tail);
    } catch {
      if (dirname(at) === at) return resolve(path);
      tail.unshift(basename(at));
    }
  }
}

/** `a` is `b` or inside it. */
function within(a: string, b: string): boolean {
  return a === b || a.startsWith(b.endsWith(sep) ? b : `${b}${sep}`);
}

/** Where a result written into `dir` is: the file for a single main.mpl, else the folder. */
export function outputPath(dir: string, best: Candidate): string {
  return best.size === 1 && best.has('main.mpl') ? join(dir, 'main.mpl') : dir;
}

/**
 * Writes the best candidate after every gain (each file atomically) and removes the files an
 * earlier best had. A failed write is kept in `failure`, not thrown, so the reduction goes on
 * and its result stays in memory; the command reports it once the result is shown and kept.
 */
export class BestWriter {
  failure: UserError | undefined;
  private written: Set<string>;
  private lastKey = '';

  constructor(
    readonly outDir: string,
    private readonly options: {
      /** Files an earlier run wrote (from --resume state). */
      written?: readonly string[];
      /** A side file rewritten with every best (reduce's resume state). */
      state?: (best: Candidate, written: readonly string[]) => { name: string; text: string };
    } = {},
  ) {
    this.written = new Set(options.written ?? []);
  }

  outputPath(best: Candidate): string {
    return outputPath(this.outDir, best);
  }

  async save(best: Candidate): Promise<void> {
    const key = contentKey(best);
    if (this.failure || key === this.lastKey) return;
    this.lastKey = key;
    await this.attempt(async () => {
      for (const [path, text] of best) await atomicWrite(join(this.outDir, path), text);
      for (const path of this.written) {
        if (!best.has(path)) await rm(join(this.outDir, path), { force: true });
      }
      this.written = new Set(best.keys());
      const state = this.options.state?.(best, [...this.written]);
      if (state) await atomicWrite(join(this.outDir, state.name), state.text);
    });
  }

  /** Writes one more file (a report) into the folder, unless writing already failed. */
  async writeFile(name: string, text: string): Promise<void> {
    if (!this.failure) await this.attempt(() => atomicWrite(join(this.outDir, name), text));
  }

  private async attempt(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (err) {
      this.failure = outDirError(err, this.outDir);
    }
  }
}

async function atomicWrite(path: string, text: string): Promise<void> {
  await makeDirs(dirname(path));
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

/**
 * After `failure`, keeps `best` in a fresh temp folder (or, if even that fails, prints it on
 * stderr) and returns where it went plus the error to report, whose hint says so.
 */
export async function keepElsewhere(best: Candidate, failure: UserError): Promise<{ kept: string | undefined; error: UserError }> {
  let kept: string | undefined;
  try {
    kept = await mkdtemp(join(tmpdir(), 'mesher-triage-kept-'));
    for (const [rel, text] of best) await atomicWrite(join(kept, rel), text);
  } catch {
    kept = undefined;
    for (const [rel, text] of best) process.stderr.write(`--- ${rel} ---\n${text.endsWith('\n') ? text : `${text}\n`}`);
  }
  const where = kept ? `the result was saved in ${kept} instead` : 'the result is printed above (no temp folder could be written either)';
  return { kept, error: new UserError(failure.message, failure.exitCode, `${where}; ${failure.hint ?? 'pick another --out'}`) };
}
