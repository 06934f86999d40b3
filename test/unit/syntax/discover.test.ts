import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparePaths, discoverProjectFiles, isMeshFile, isTestFile, walkMeshFiles } from '../../../src/syntax/index.js';
import { UserError } from '../../../src/types/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'syntax-discover-'));
  const files = [
    'main.mpl',
    'utils.mpl',
    'api/router.mpl',
    'api/handlers/users.mesh',
    'api_v2.mpl',
    'math/vector.test.mpl',
    '.hidden/x.mpl',
    'api/.secret.mpl',
    'notes.txt',
    'deep/a/b/c/d/e.mpl',
  ];
  for (const f of files) {
    await mkdir(join(dir, f, '..'), { recursive: true });
    await writeFile(join(dir, f), 'fn f() do\nend\n');
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('discovery', () => {
  it('finds the build set as meshc does (no dot entries, no tests), sorted by path components', async () => {
    expect(await discoverProjectFiles(dir)).toEqual([
      'api/handlers/users.mesh',
      'api/router.mpl',
      'api_v2.mpl',
      'deep/a/b/c/d/e.mpl',
      'main.mpl',
      'utils.mpl',
    ]);
  });

  it('walkMeshFiles can include test files', async () => {
    const all: string[] = [];
    for await (const f of walkMeshFiles(dir, { skipTests: false })) all.push(f);
    expect(all).toContain('math/vector.test.mpl');
    expect(all).not.toContain('.hidden/x.mpl');
    expect(all).not.toContain('notes.txt');
  });

  it('rejects a path that is not a directory', async () => {
    await expect(discoverProjectFiles(join(dir, 'main.mpl'))).rejects.toBeInstanceOf(UserError);
    await expect(discoverProjectFiles(join(dir, 'missing'))).rejects.toBeInstanceOf(UserError);
  });

  it('classifies extensions', () => {
    expect(isMeshFile('a/b.mpl')).toBe(true);
    expect(isMeshFile('b.MESH')).toBe(true);
    expect(isMeshFile('.mpl')).toBe(false);
    expect(isMeshFile('b.rs')).toBe(false);
    expect(isTestFile('x.test.mpl')).toBe(true);
    expect(isTestFile('x.mpl')).toBe(false);
    expect(comparePaths('a/b', 'a_b')).toBeLessThan(0);
  });
});
