import { resolve } from 'node:path';
import { discoverProjectFiles } from './discover.js';
import { moduleNameForPath } from './module-name.js';
import { parseSource } from './parser.js';
import { readMeshFile } from './read-file.js';
import type { ParsedFile, ParsedProject, ProjectFile } from './types.js';

/** Reads (with readMeshFile's checks) and parses one file. */
export async function parseFile(path: string): Promise<ParsedFile> {
  const source = await readMeshFile(path);
  return parseSource(source, path);
}

/**
 * Parses a project's build set the way meshc discovers it (see discoverProjectFiles) and
 * names each file's module (moduleNameForPath). Files keep meshc's order.
 */
export async function parseProject(dir: string): Promise<ParsedProject> {
  const root = resolve(dir);
  const files: ProjectFile[] = [];
  for (const relPath of await discoverProjectFiles(root)) {
    const parsed = await parseFile(resolve(root, relPath));
    files.push({ ...parsed, relPath, module: moduleNameForPath(relPath) });
  }
  return { root, files };
}
