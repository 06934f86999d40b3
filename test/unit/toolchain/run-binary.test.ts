import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCandidate, memoryLimitSupported, runBinary } from '../../../src/toolchain/index.js';
import type { BuiltCandidate } from '../../../src/toolchain/index.js';
import { makeFakeMeshc, type FakeMeshc } from '../../support/fake-meshc.js';
import { isAlive, waitUntilGone } from '../../support/processes.js';

let meshc: FakeMeshc;
let scratch: string;
const built: BuiltCandidate[] = [];

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'run-binary-'));
  meshc = await makeFakeMeshc({
    dialect: 'april',
    rules: [
      { name: 'segv', when: { source: 'SEGV' }, then: { run: { stdout: 'before\n', signal: 'SIGSEGV' } } },
      { name: 'panic', when: { source: 'PANIC' }, then: { run: { runtimePanic: 'mesh_list_head: empty list' } } },
      { name: 'hang', when: { source: 'HANG' }, then: { run: { stdout: 'started\n', hang: true, grandchildPidFile: join(scratch, 'grandchild.pid') } } },
      { name: 'exit', when: { source: 'EXIT3' }, then: { run: { stderr: 'bye\n', exitCode: 3 } } },
    ],
  });
});
afterAll(async () => {
  await Promise.all(built.map((b) => b.dispose()));
  await meshc.cleanup();
  await rm(scratch, { recursive: true, force: true });
});

async function binaryFor(marker: string): Promise<string> {
  const result = await buildCandidate(new Map([['main.mpl', `fn main() do\n  println("hello")\n  # ${marker}\nend\n`]]), { meshc: meshc.path, timeoutMs: 20_000 });
  built.push(result);
  if (!result.binaryPath) throw new Error(`build failed: ${result.record.stderr}`);
  return result.binaryPath;
}

describe('runBinary (binaries written by the fake-meshc test double)', () => {
  it('captures stdout and a clean exit', async () => {
    const record = await runBinary(await binaryFor('OK'), { timeoutMs: 10_000 });
    expect(record).toMatchObject({ exitCode: 0, signal: null, stdout: 'hello\n', timedOut: false });
  });

  it('captures stderr and a non-zero exit code', async () => {
    const record = await runBinary(await binaryFor('EXIT3'), { timeoutMs: 10_000 });
    expect(record).toMatchObject({ exitCode: 3, signal: null, stderr: 'bye\n' });
  });

  it('captures death by SIGSEGV, with the output printed before it', async () => {
    const record = await runBinary(await binaryFor('SEGV'), { timeoutMs: 10_000 });
    expect(record).toMatchObject({ exitCode: null, signal: 'SIGSEGV', stdout: 'before\n', timedOut: false });
  });

  it('captures a runtime panic as panic text then SIGABRT', async () => {
    const record = await runBinary(await binaryFor('PANIC'), { timeoutMs: 10_000 });
    expect(record.signal).toBe('SIGABRT');
    expect(record.stderr).toMatch(/^\nthread '<unnamed>' \(\d+\) panicked at compiler\/mesh-rt\//);
    expect(record.stderr).toContain('\nmesh_list_head: empty list\n');
    expect(record.stderr).toContain('panic in a function that cannot unwind');
  });

  it('kills a hung program together with its children at the timeout', async () => {
    // Generous: on a loaded machine the script must get as far as starting its child.
    const record = await runBinary(await binaryFor('HANG'), { timeoutMs: 3000 });
    expect(record.timedOut).toBe(true);
    expect(record.signal).toBe('SIGKILL');
    expect(record.stdout).toBe('started\n');
    const grandchild = Number((await readFile(join(scratch, 'grandchild.pid'), 'utf8')).trim());
    expect(grandchild).toBeGreaterThan(0);
    expect(await waitUntilGone(grandchild)).toBe(true);
  });

  it('kills the program when aborted and rejects with the reason', async () => {
    const pidFile = join(scratch, 'abort.pid');
    const path = join(scratch, 'sleeper');
    await writeFile(path, `#!/bin/sh\necho $$ > '${pidFile}'\nexec sleep 30\n`);
    await chmod(path, 0o755);
    const controller = new AbortController();
    const running = runBinary(path, { timeoutMs: 20_000, signal: controller.signal });
    while (!(await readFile(pidFile, 'utf8').catch(() => ''))) await new Promise((r) => setTimeout(r, 20));
    controller.abort(new Error('stop'));
    await expect(running).rejects.toThrow('stop');
    const pid = Number((await readFile(pidFile, 'utf8')).trim());
    expect(await waitUntilGone(pid)).toBe(true);
    expect(isAlive(pid)).toBe(false);
  });

  it('feeds stdin', async () => {
    const path = join(scratch, 'cat');
    await writeFile(path, '#!/bin/sh\ncat\n');
    await chmod(path, 0o755);
    const record = await runBinary(path, { timeoutMs: 10_000, stdin: 'ping\n' });
    expect(record.stdout).toBe('ping\n');
  });

  it.runIf(memoryLimitSupported())('applies the memory limit through prlimit', async () => {
    const path = join(scratch, 'limits');
    await writeFile(path, '#!/bin/sh\nulimit -v\n');
    await chmod(path, 0o755);
    const record = await runBinary(path, { timeoutMs: 10_000, memoryMb: 256 });
    expect(record.argv[0]).toMatch(/prlimit$/);
    expect(record.stdout.trim()).toBe(String(256 * 1024));
  });
});
