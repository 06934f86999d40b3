import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findMeshc } from '../../../src/toolchain/index.js';
import { ExitCode, UserError } from '../../../src/types/index.js';

let dir: string;
async function executable(name: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, '#!/bin/sh\necho meshc 0.1.0\n');
  await chmod(path, 0o755);
  return path;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'find-meshc-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('findMeshc', () => {
  it('prefers the --meshc flag over MESHC and PATH', async () => {
    const flag = await executable('flag-meshc');
    const fromEnv = await executable('env-meshc');
    await executable('meshc');
    await expect(findMeshc({ flag, env: { MESHC: fromEnv, PATH: dir } })).resolves.toBe(flag);
  });

  it('uses MESHC when there is no flag', async () => {
    const fromEnv = await executable('env-meshc');
    await executable('meshc');
    await expect(findMeshc({ env: { MESHC: fromEnv, PATH: dir } })).resolves.toBe(fromEnv);
  });

  it('falls back to meshc on PATH', async () => {
    const onPath = await executable('meshc');
    await expect(findMeshc({ env: { PATH: `/nonexistent:${dir}` } })).resolves.toBe(onPath);
  });

  it('does not fall through when the flag names nothing usable', async () => {
    await executable('meshc');
    const error = await findMeshc({ flag: join(dir, 'missing'), env: { PATH: dir } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(ExitCode.SETUP);
    expect((error as UserError).message).toContain('--meshc');
  });

  it('rejects a MESHC that is not executable', async () => {
    const path = join(dir, 'plain');
    await writeFile(path, 'not a program');
    const error = await findMeshc({ env: { MESHC: path, PATH: '' } }).catch((e: unknown) => e);
    expect((error as UserError).exitCode).toBe(ExitCode.SETUP);
    expect((error as UserError).message).toContain('MESHC');
  });

  it('explains how to get meshc when there is none', async () => {
    const error = await findMeshc({ env: { PATH: dir } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(ExitCode.SETUP);
    expect((error as UserError).hint).toMatch(/cargo/);
    expect((error as UserError).hint).toMatch(/MESHC=/);
  });
});
