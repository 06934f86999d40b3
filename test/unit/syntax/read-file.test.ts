import { mkdtemp, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode, UserError } from '../../../src/types/index.js';
import { decodeMeshSource, readMeshFile } from '../../../src/syntax/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'syntax-read-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function refusal(path: string, maxBytes?: number): Promise<UserError> {
  try {
    await readMeshFile(path, maxBytes === undefined ? {} : { maxBytes });
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return err as UserError;
  }
  throw new Error('expected a refusal');
}

describe('readMeshFile', () => {
  it('reads UTF-8 source, keeping non-ASCII text and dropping a BOM', async () => {
    const path = join(dir, 'ok.mpl');
    await writeFile(path, '\ufefffn main() do\n  println("héllo 🌍")\nend\n');
    expect(await readMeshFile(path)).toBe('fn main() do\n  println("héllo 🌍")\nend\n');
  });

  it('refuses a missing file with a hint', async () => {
    const err = await refusal(join(dir, 'nope.mpl'));
    expect(err.exitCode).toBe(ExitCode.INPUT);
    expect(err.message).toMatch(/does not exist/);
    expect(err.hint).toBeTruthy();
  });

  it('refuses empty and whitespace-only files', async () => {
    await writeFile(join(dir, 'empty.mpl'), '');
    await writeFile(join(dir, 'blank.mpl'), ' \n\t\n');
    expect((await refusal(join(dir, 'empty.mpl'))).message).toMatch(/is empty/);
    expect((await refusal(join(dir, 'blank.mpl'))).message).toMatch(/only whitespace/);
  });

  it('refuses binary files (NUL byte, invalid UTF-8)', async () => {
    await writeFile(join(dir, 'nul.mpl'), Buffer.from([0x66, 0x6e, 0x00, 0x01]));
    await writeFile(join(dir, 'latin1.mpl'), Buffer.from([0x66, 0x6e, 0x20, 0xe9, 0x0a]));
    expect((await refusal(join(dir, 'nul.mpl'))).message).toMatch(/binary/);
    const bad = await refusal(join(dir, 'latin1.mpl'));
    expect(bad.message).toMatch(/not valid UTF-8/);
    expect(bad.hint).toMatch(/UTF-8/);
  });

  it('refuses files over the size limit', async () => {
    const path = join(dir, 'big.mpl');
    await writeFile(path, 'x'.repeat(2000));
    const err = await refusal(path, 1000);
    expect(err.message).toMatch(/too large/);
    expect(err.exitCode).toBe(ExitCode.INPUT);
  });

  it('refuses a directory', async () => {
    expect((await refusal(dir)).message).toMatch(/is a directory/);
  });

  it('refuses an unreadable file', async () => {
    if (process.getuid?.() === 0) return; // root can read anything
    const path = join(dir, 'secret.mpl');
    await writeFile(path, 'fn main() do\nend\n');
    await chmod(path, 0o000);
    expect((await refusal(path)).message).toMatch(/permission denied/);
  });
});

describe('decodeMeshSource', () => {
  it('decodes bytes already in memory', () => {
    expect(decodeMeshSource('x.mpl', new TextEncoder().encode('fn f() do\nend'))).toBe('fn f() do\nend');
    expect(() => decodeMeshSource('x.mpl', new Uint8Array([0xff, 0xfe, 0x00]))).toThrow(UserError);
  });
});
