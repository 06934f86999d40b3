import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCandidate, meshcBuildArgs, withBuild } from '../../../src/toolchain/index.js';
import { ExitCode, UserError, type Candidate } from '../../../src/types/index.js';
import { liveTempDirs } from '../../../src/toolchain/temp-dirs.js';
import { makeFakeMeshc, type FakeMeshc } from '../../support/fake-meshc.js';

const HELLO = 'fn main() do\n  println("hi")\nend\n';
let meshc: FakeMeshc;

beforeAll(async () => {
  meshc = await makeFakeMeshc({
    dialect: 'february',
    rules: [{ name: 'broken', when: { source: 'BROKEN' }, then: { build: { kind: 'type-error', code: 'E0004', headline: 'undefined variable: BROKEN', at: 'BROKEN' } } }],
  });
});
afterAll(() => meshc.cleanup());

const options = (extra: Partial<Parameters<typeof buildCandidate>[1]> = {}) => ({ meshc: meshc.path, timeoutMs: 20_000, ...extra });

describe('meshcBuildArgs', () => {
  it('always turns colour off, with --no-color or --json', () => {
    expect(meshcBuildArgs('project', {})).toEqual(['build', 'project', '--no-color']);
    expect(meshcBuildArgs('project', { json: true, optLevel: 2, emitLlvm: true })).toEqual(['build', 'project', '--json', '--opt-level', '2', '--emit-llvm']);
  });
});

describe('buildCandidate (with the fake-meshc test double)', () => {
  it('builds in a fresh temp project and removes it on dispose', async () => {
    const built = await buildCandidate(new Map([['main.mpl', HELLO]]), options());
    expect(built.record.exitCode).toBe(0);
    expect(built.record.stderr).toContain('  Compiled: project/project');
    expect(built.binaryPath).toBe(join(built.dir, 'project'));
    expect(existsSync(built.binaryPath!)).toBe(true);
    const [call] = (await meshc.invocations()).slice(-1);
    expect(call?.argv).toEqual(['build', 'project', '--no-color']);
    expect(call?.files).toEqual(['main.mpl']);
    await built.dispose();
    expect(existsSync(built.dir)).toBe(false);
    await built.dispose(); // idempotent
  });

  it('writes every file of a project, keeping relative paths', async () => {
    const candidate: Candidate = new Map([
      ['main.mpl', 'import Util.Text\nfn main() do\n  println("x")\nend\n'],
      ['util/text.mpl', 'pub fn shout(s) do\n  s\nend\n'],
    ]);
    await withBuild(candidate, options({ optLevel: 2 }), async (built) => {
      expect(await readFile(join(built.dir, 'util/text.mpl'), 'utf8')).toBe(candidate.get('util/text.mpl'));
    });
    const [call] = (await meshc.invocations()).slice(-1);
    expect(call?.files).toEqual(['main.mpl', 'util/text.mpl']);
    expect(call?.argv).toContain('--opt-level');
  });

  it('never touches the input: files read from disk stay as they were', async () => {
    const source = await mkdtemp(join(tmpdir(), 'input-'));
    try {
      await writeFile(join(source, 'main.mpl'), HELLO);
      const before = await readdir(source);
      const candidate: Candidate = new Map([['main.mpl', await readFile(join(source, 'main.mpl'), 'utf8')]]);
      const built = await buildCandidate(candidate, options());
      await built.dispose();
      expect(await readdir(source)).toEqual(before);
      expect(await readFile(join(source, 'main.mpl'), 'utf8')).toBe(HELLO);
      expect(candidate.get('main.mpl')).toBe(HELLO);
    } finally {
      await rm(source, { recursive: true, force: true });
    }
  });

  it('cleans up at once when the build fails, and reports no binary', async () => {
    const built = await buildCandidate(new Map([['main.mpl', 'fn main() do\n  BROKEN\nend\n']]), options());
    expect(built.record.exitCode).toBe(1);
    expect(built.record.stderr).toContain('[E0004] Error: undefined variable: BROKEN');
    expect(built.binaryPath).toBeNull();
    expect(existsSync(built.dir)).toBe(false);
  });

  it('removes the dir even when the callback of withBuild throws', async () => {
    let dir = '';
    await expect(
      withBuild(new Map([['main.mpl', HELLO]]), options(), async (built) => {
        dir = built.dir;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(dir).not.toBe('');
    expect(existsSync(dir)).toBe(false);
  });

  it('keeps the dir when asked to (debugging)', async () => {
    const built = await buildCandidate(new Map([['main.mpl', HELLO]]), options({ keep: true }));
    await built.dispose();
    expect(existsSync(built.dir)).toBe(true);
    await rm(join(built.dir, '..'), { recursive: true, force: true });
  });

  it('passes --json instead of --no-color when asked', async () => {
    const built = await buildCandidate(new Map([['main.mpl', 'fn main() do\n  BROKEN\nend\n']]), options({ json: true }));
    expect(built.record.argv).toContain('--json');
    expect(built.record.argv).not.toContain('--no-color');
    expect(built.record.stderr).toContain('"code":"E0004"');
  });

  it('rejects paths that escape the project or collide with the binary', async () => {
    for (const path of ['../evil.mpl', '/abs.mpl', 'project/x.mpl', 'a/../b.mpl', '']) {
      const error = await buildCandidate(new Map([[path, HELLO]]), options()).catch((e: unknown) => e);
      expect(error, path).toBeInstanceOf(UserError);
      expect((error as UserError).exitCode).toBe(ExitCode.INPUT);
    }
  });

  it('rejects with the abort reason and leaves nothing behind when aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('lost the race'));
    await expect(buildCandidate(new Map([['main.mpl', HELLO]]), options({ signal: controller.signal }))).rejects.toThrow('lost the race');
  });
});

describe('buildCandidate with a compiler that cannot start', () => {
  it('is a setup error, and leaves no temp dir', async () => {
    const error = await buildCandidate(new Map([['main.mpl', HELLO]]), { meshc: '/nonexistent/meshc', timeoutMs: 5000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(ExitCode.SETUP);
    expect((error as UserError).message).toMatch(/cannot start meshc at \/nonexistent\/meshc \(ENOENT\)/);
    expect(liveTempDirs()).toEqual([]);
  });
});
