import { mkdirSync, statSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * `mkdir -p` that cannot spin. Node's own recursive mkdir loops forever where mkdir keeps
 * answering ENOENT although the parent exists (under /proc or /sys), so here each level is
 * tried once, after its parent. Use it for every folder path a user can name.
 */
export async function makeDirs(dir: string): Promise<void> {
  try {
    await mkdirOne(dir);
  } catch (err) {
    const parent = dirname(dir);
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || parent === dir) throw err;
    await makeDirs(parent);
    await mkdirOne(dir);
  }
}

/** The synchronous twin of `makeDirs`, for the journal's synchronous open. */
export function makeDirsSync(dir: string): void {
  try {
    mkdirOneSync(dir);
  } catch (err) {
    const parent = dirname(dir);
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || parent === dir) throw err;
    makeDirsSync(parent);
    mkdirOneSync(dir);
  }
}

async function mkdirOne(dir: string): Promise<void> {
  try {
    await mkdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    if (!(await stat(dir)).isDirectory()) throw notAFolder(dir);
  }
}

function mkdirOneSync(dir: string): void {
  try {
    mkdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    if (!statSync(dir).isDirectory()) throw notAFolder(dir);
  }
}

function notAFolder(dir: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOTDIR: ${dir} exists and is not a folder`), { code: 'ENOTDIR', path: dir });
}
