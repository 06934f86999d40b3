import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { observe, ProcessPool } from '../../../src/toolchain/index.js';
import { makeFakeMeshc, type FakeMeshc } from '../../support/fake-meshc.js';

let meshc: FakeMeshc;
beforeAll(async () => {
  meshc = await makeFakeMeshc({
    dialect: 'april',
    rules: [
      {
        name: 'list-find-case',
        when: { source: 'case\\s+List\\.find' },
        then: { build: { kind: 'llvm-verify', text: "Instruction does not dominate all uses!\n  %x = load ptr, ptr %x_slot\n" } },
      },
      { name: 'and-chain-o2', when: { source: '&&', optLevel: 2 }, then: { run: { stdout: 'wrong\n' } } },
    ],
  });
});
afterAll(() => meshc.cleanup());

const andChain = new Map([['main.mpl', 'fn main() do\n  if a && (b && c) do\n    println("right")\n  end\nend\n']]);

describe('observe (with the fake-meshc test double)', () => {
  it('builds, runs and names the compiler', async () => {
    const seen = await observe(andChain, { meshc: meshc.path, timeoutMs: 20_000 });
    expect(seen.compiler).toEqual({ path: meshc.path, version: '0.1.0', dialect: 'april' });
    expect(seen.build.exitCode).toBe(0);
    expect(seen.run?.stdout).toBe('right\n');
  });

  it('shows an opt-level difference', async () => {
    const seen = await observe(andChain, { meshc: meshc.path, timeoutMs: 20_000, optLevel: 2 });
    expect(seen.run?.stdout).toBe('wrong\n');
  });

  it('does not run anything when the build fails', async () => {
    const candidate = new Map([['main.mpl', 'fn main() do\n  case List.find(xs, f) do\n    Some(x) -> x\n    None -> 0\n  end\nend\n']]);
    const seen = await observe(candidate, { meshc: meshc.path, timeoutMs: 20_000 });
    expect(seen.run).toBeNull();
    expect(seen.build.exitCode).toBe(1);
    expect(seen.build.stderr).toBe(
      'error: LLVM module verification failed: "Instruction does not dominate all uses!\\n  %x = load ptr, ptr %x_slot\\n"\n',
    );
  });

  it('uses the pool it is given and never exceeds its size', async () => {
    const pool = new ProcessPool(1);
    let live = 0;
    let peak = 0;
    let calls = 0;
    const original = pool.run.bind(pool);
    pool.run = async (task, signal) =>
      original(async () => {
        calls++;
        peak = Math.max(peak, ++live);
        try {
          return await task();
        } finally {
          live--;
        }
      }, signal);
    const runs = await Promise.all([1, 2, 3].map(() => observe(andChain, { meshc: meshc.path, timeoutMs: 20_000, pool })));
    expect(runs.every((r) => r.run?.stdout === 'right\n')).toBe(true);
    expect(calls).toBeGreaterThanOrEqual(6); // three builds and three runs went through it
    expect(peak).toBe(1);
  });

  it('leaves no temp directory behind', async () => {
    const before = (await meshc.invocations()).length;
    await observe(andChain, { meshc: meshc.path, timeoutMs: 20_000 });
    const [call] = (await meshc.invocations()).slice(before);
    expect(call?.cwd).toBeTruthy();
    expect(existsSync(call!.cwd)).toBe(false);
  });
});
