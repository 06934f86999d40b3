import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { ExitCode, UserError } from '../types/index.js';
import type { ReproFiles } from './types.js';
import { makeDirsSync } from '../fs/make-dirs.js';

/** Normalizes repro files to a Map with safe relative POSIX paths (no absolute paths, no `..`). */
export function normalizeReproFiles(files: ReproFiles): Map<string, string> {
  const entries = files instanceof Map ? [...files.entries()] : Object.entries(files as Record<string, string>);
  const out = new Map<string, string>();
  for (const [raw, content] of entries) {
    const path = safeRelativePath(raw);
    out.set(path, content);
  }
  return out;
}

export function safeRelativePath(raw: string): string {
  const path = posix.normalize(raw.replace(/\\/g, '/'));
  if (path === '' || path === '.' || path.startsWith('/') || path === '..' || path.startsWith('../') || path.includes('\u0000')) {
    throw new UserError(`repro file path '${raw}' is not a plain relative path`, ExitCode.INPUT);
  }
  return path;
}

export function reproBytes(files: ReadonlyMap<string, string>): number {
  let total = 0;
  for (const content of files.values()) total += Buffer.byteLength(content, 'utf8');
  return total;
}

/**
 * Writes the on-disk copy of a repro (`<root>/<id>/`), replacing any older copy: files go
 * to a temporary sibling first, which is then renamed into place. Another process doing
 * the same at the same moment can win the rename; we then try again (last writer wins).
 */
export function writeReproDir(dir: string, files: ReadonlyMap<string, string>): void {
  const tag = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const staging = `${dir}.tmp-${tag}`;
  const old = `${dir}.old-${tag}`;
  try {
    for (const [path, content] of files) {
      const target = join(staging, path);
      makeDirsSync(dirname(target));
      writeFileSync(target, content);
    }
    makeDirsSync(staging);
    for (let attempt = 0; ; attempt++) {
      try {
        renameSync(dir, old);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      try {
        renameSync(staging, dir);
        break;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || attempt >= 20) throw err;
      }
    }
  } catch (err) {
    throw new UserError(`cannot write the repro copy in ${dir}: ${(err as Error).message}`, ExitCode.JOURNAL, 'the repro is stored in the journal itself; check permissions on the directory');
  } finally {
    rmSync(old, { recursive: true, force: true });
    rmSync(staging, { recursive: true, force: true });
  }
}
