import { afterAll, describe, expect, it } from 'vitest';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearCompilerInfoCache, compilerInfo, dialectFromHelp, parseVersion } from '../../../src/toolchain/index.js';
import { ExitCode, UserError } from '../../../src/types/index.js';
import { makeFakeMeshc, type FakeMeshc } from '../../support/fake-meshc.js';

const fakes: FakeMeshc[] = [];
const scratch: string[] = [];
afterAll(async () => {
  await Promise.all(fakes.map((f) => f.cleanup()));
  await Promise.all(scratch.map((d) => rm(d, { recursive: true, force: true })));
});

async function fake(...args: Parameters<typeof makeFakeMeshc>): Promise<FakeMeshc> {
  const made = await makeFakeMeshc(...args);
  fakes.push(made);
  return made;
}

async function script(body: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'broken-meshc-'));
  scratch.push(dir);
  const path = join(dir, 'meshc');
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

describe('parseVersion / dialectFromHelp', () => {
  it('reads the version from `meshc X`', () => {
    expect(parseVersion('meshc 0.1.0\n')).toBe('0.1.0');
    expect(parseVersion('rustc 1.95.0\n')).toBeNull();
  });

  it('tells the snapshots apart by their subcommands', () => {
    const help = (commands: string[]): string =>
      `The Mesh compiler\n\nUsage: meshc <COMMAND>\n\nCommands:\n${commands.map((c) => `  ${c}  does ${c}`).join('\n')}\n\nOptions:\n  -h, --help  Print help\n  test-ish  not a command\n`;
    expect(dialectFromHelp(help(['build', 'init', 'deps', 'fmt', 'repl', 'lsp', 'migrate', 'help']))).toBe('february');
    expect(dialectFromHelp(help(['build', 'init', 'cluster', 'deps', 'update', 'fmt', 'repl', 'lsp', 'test', 'migrate']))).toBe('april');
    expect(dialectFromHelp('usage: something else\n')).toBe('unknown');
  });
});

describe('compilerInfo (with the fake-meshc test double)', () => {
  it('detects the February dialect', async () => {
    const meshc = await fake({ dialect: 'february' });
    await expect(compilerInfo(meshc.path)).resolves.toEqual({ path: meshc.path, version: '0.1.0', dialect: 'february' });
  });

  it('detects the April dialect although the version string is the same', async () => {
    const meshc = await fake({ dialect: 'april', version: '0.1.0' });
    const info = await compilerInfo(meshc.path);
    expect(info.dialect).toBe('april');
    expect(info.version).toBe('0.1.0');
  });

  it('caches per path: a second call spawns nothing', async () => {
    clearCompilerInfoCache();
    const meshc = await fake({ dialect: 'april' });
    await compilerInfo(meshc.path);
    const spawned = (await meshc.invocations()).length;
    await compilerInfo(meshc.path);
    expect(spawned).toBe(2); // --version and --help
    expect((await meshc.invocations()).length).toBe(spawned);
  });

  it('turns a compiler that crashes on --version into a setup error', async () => {
    const path = await script('kill -SEGV $$');
    const error = await compilerInfo(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(ExitCode.SETUP);
    expect((error as UserError).message).toMatch(/SIGSEGV/);
  });

  it('turns a compiler that hangs on --version into a setup error', async () => {
    const path = await script('sleep 30');
    const error = await compilerInfo(path, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect((error as UserError).exitCode).toBe(ExitCode.SETUP);
    expect((error as UserError).message).toMatch(/did not finish/);
  });

  it('rejects a program that is not meshc', async () => {
    const path = await script('echo "gcc (GCC) 13.2"');
    const error = await compilerInfo(path).catch((e: unknown) => e);
    expect((error as UserError).exitCode).toBe(ExitCode.SETUP);
    expect((error as UserError).message).toMatch(/not "meshc <version>"/);
  });

  it('does not cache failures', async () => {
    const path = await script('exit 3');
    await expect(compilerInfo(path)).rejects.toBeInstanceOf(UserError);
    await writeFile(path, '#!/bin/sh\ncase "$1" in --version) echo "meshc 9.9.9";; *) printf "Commands:\\n  build  b\\n";; esac\n');
    await expect(compilerInfo(path)).resolves.toMatchObject({ version: '9.9.9', dialect: 'february' });
  });
});
