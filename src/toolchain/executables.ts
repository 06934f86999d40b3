import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

/** True when `path` is a regular file we may execute. */
export function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Searches PATH (as given) for an executable called `name`; returns its absolute path. */
export function searchPath(name: string, pathVar: string | undefined): string | null {
  for (const dir of (pathVar ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = resolve(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

/** `name` with a slash is a path (relative to cwd); a bare name is looked up on PATH. */
export function resolveCommand(name: string, pathVar: string | undefined): string | null {
  if (isAbsolute(name) || name.includes('/')) {
    const full = resolve(name);
    return isExecutableFile(full) ? full : null;
  }
  return searchPath(name, pathVar) ?? (isExecutableFile(join(process.cwd(), name)) ? resolve(name) : null);
}
