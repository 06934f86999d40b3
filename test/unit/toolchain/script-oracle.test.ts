import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calibratedTimeout, createScriptOracle } from '../../../src/toolchain/script-oracle.js';
import { ExitCode, UserError } from '../../../src/types/index.js';

let dir: string;
let tmpRoot: string;
const script = (name: string, body: string, mode = 0o755): string => {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, mode);
  return path;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mt-oracle-'));
  tmpRoot = mkdtempSync(join(tmpdir(), 'mt-oracle-tmp-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(tmpRoot, { recursive: true, force: true });
});

describe('script oracle (C-Reduce convention)', () => {
  it('runs the script in a temp dir holding main.mpl, with the paths in the environment', async () => {
    const path = script('t.sh', 'grep -q bug main.mpl && [ "$MESHER_TRIAGE_CANDIDATE" = "$PWD/main.mpl" ] && [ -n "$MESHER_TRIAGE_TEST" ]');
    const { oracle, calls } = await createScriptOracle({ script: path, tmpRoot });
    expect(await oracle(new Map([['main.mpl', 'fn bug() do\nend\n']]))).toBe('interesting');
    expect(await oracle(new Map([['main.mpl', 'fn ok() do\nend\n']]))).toBe('boring');
    expect(calls()).toBe(2);
    expect(readdirSync(tmpRoot)).toEqual([]);
  });

  it('writes a project with its subdirectories and passes the dir as the candidate', async () => {
    const path = script('p.sh', 'test -f main.mpl && test -f api/router.mpl && [ "$MESHER_TRIAGE_CANDIDATE" = "$PWD" ]');
    const { oracle } = await createScriptOracle({ script: path, tmpRoot });
    expect(await oracle(new Map([['main.mpl', 'x'], ['api/router.mpl', 'y']]))).toBe('interesting');
  });

  it('reports a timeout and kills the hung script', async () => {
    const marker = join(dir, 'survived');
    const path = script('hang.sh', `(sleep 2; touch ${marker}) &\nsleep 30`);
    const { oracle } = await createScriptOracle({ script: path, timeoutMs: 300, tmpRoot });
    expect(await oracle(new Map([['main.mpl', 'x']]))).toBe('timeout');
    await new Promise((r) => setTimeout(r, 2500));
    expect(existsSync(marker)).toBe(false);
    expect(readdirSync(tmpRoot)).toEqual([]);
  });

  it('calibrates the timeout from the first runs when none is given', async () => {
    const path = script('quick.sh', 'exit 0');
    const oracle = await createScriptOracle({ script: path, tmpRoot });
    expect(oracle.timeoutMs()).toBe(300_000);
    await oracle.oracle(new Map([['main.mpl', 'x']]));
    await oracle.oracle(new Map([['main.mpl', 'x']]));
    expect(oracle.timeoutMs()).toBeGreaterThanOrEqual(1_000);
    expect(oracle.timeoutMs()).toBeLessThan(300_000);
  });

  it('clamps calibrated timeouts to [1 s, 5 min]', () => {
    expect(calibratedTimeout(0)).toBe(1_000);
    expect(calibratedTimeout(2_000)).toBe(7_000);
    expect(calibratedTimeout(10 * 60_000)).toBe(300_000);
  });

  it('rejects a missing or non-executable script with a usage error', async () => {
    const missing = await createScriptOracle({ script: join(dir, 'nope.sh') }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(UserError);
    expect((missing as UserError).exitCode).toBe(ExitCode.USAGE);
    const noexec = await createScriptOracle({ script: script('n.sh', 'exit 0', 0o644) }).catch((e: unknown) => e);
    expect((noexec as UserError).message).toMatch(/not executable/);
    expect((noexec as UserError).hint).toMatch(/chmod \+x/);
  });
});
