import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { ExitCode, UserError } from '../types/index.js';
import { isMeshFile, isTestFile } from './extensions.js';

/** Compares relative paths component by component, like Rust's PathBuf ordering (meshc sorts this way). */
export function comparePaths(a: string, b: string): number {
  const pa = a.split('/');
  const pb = b.split('/');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x !== y) return Buffer.compare(Buffer.from(x), Buffer.from(y));
  }
  return pa.length - pb.length;
}

interface WalkOptions {
  /** Leave out `*.test.mpl` (a build does; the parse command does not). */
  skipTests: boolean;
}

/**
 * Yields Mesh files under dir one directory at a time (iterative, so deep trees are fine),
 * skipping dot-files and dot-directories. Paths are relative to dir with `/` separators,
 * sorted within each directory. Symlinked directories are not followed (no cycles).
 */
export async function* walkMeshFiles(dir: string, options: WalkOptions): AsyncGenerator<string> {
  const pending: string[] = [''];
  while (pending.length > 0) {
    const rel = pending.pop()!;
    const abs = rel === '' ? dir : join(dir, rel);
    let entries;
    try {
      entries = await readdir(abs, { withFileTypes: true });
    } catch (err) {
      throw new UserError(`cannot read directory ${abs}: ${(err as Error).message}`, ExitCode.INPUT, 'check the path and its permissions');
    }
    entries.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
    const subdirs: string[] = [];
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        subdirs.push(childRel);
      } else if (isMeshFile(entry.name) && !(options.skipTests && isTestFile(entry.name))) {
        if (entry.isFile() || (entry.isSymbolicLink() && (await isRegularFile(join(dir, childRel))))) yield childRel;
      }
    }
    // Reverse so the stack pops subdirectories in sorted order.
    for (let i = subdirs.length - 1; i >= 0; i--) pending.push(subdirs[i]!);
  }
}

async function isRegularFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * The build set of a project as meshc discovers it: every Mesh file under dir (recursive),
 * minus dot-files, dot-directories and `*.test.mpl`, sorted by relative path.
 */
export async function discoverProjectFiles(dir: string): Promise<string[]> {
  await assertDirectory(dir);
  const files: string[] = [];
  for await (const rel of walkMeshFiles(dir, { skipTests: true })) files.push(rel);
  return files.sort(comparePaths);
}

/** A user-given folder that must exist (exit 3 with `hint` otherwise). */
export async function assertDirectory(dir: string, hint = 'pass the project directory (the one holding main.mpl)'): Promise<void> {
  let info;
  try {
    info = await stat(dir);
  } catch {
    throw new UserError(`${dir} does not exist`, ExitCode.INPUT, hint);
  }
  if (!info.isDirectory()) throw new UserError(`${dir} is not a directory`, ExitCode.INPUT, hint);
}

/** Relative path with `/` separators on every platform. */
export function toPosixRelative(from: string, to: string): string {
  return relative(from, to).split(sep).join('/');
}
