/**
 * Toolchain scenarios against a REAL meshc (named by MESHC; run with `npm run test:real`).
 * Every Mesh program here was written for this suite.
 */
import { describe, expect, it } from 'vitest';
import { buildCandidate, compilerInfo, observe, runBinary } from '../../src/toolchain/index.js';
import { existsSync } from 'node:fs';
import { scanJsonObjects } from '../support/json-stream.js';
import { BASELINE_MESHC, BUILD_TIMEOUT_MS, REAL_ENABLED, REAL_MESHC } from './real-meshc.js';

const single = (text: string): Map<string, string> => new Map([['main.mpl', text]]);

const GREETING = single('fn main() do\n  println("triage greets you")\n  println("second line")\nend\n');
const TYPE_ERROR = single('fn main() do\n  let count :: Int = "three"\n  println("${count}")\nend\n');
const NO_MAIN = single('fn helper() do\n  1\nend\n');
// No `let` in the loop body: that shape is gap loop-let-stack (SIGSEGV at -O0), not an endless run.
const SPINS = single('fn nothing() -> Int do\n  0\nend\n\nfn main() do\n  println("spinning")\n  while true do\n    nothing()\n  end\nend\n');

describe.runIf(REAL_ENABLED)('real meshc: toolchain', () => {
  const base = { meshc: REAL_MESHC, timeoutMs: BUILD_TIMEOUT_MS };

  it('reports its version and a known dialect', async () => {
    const info = await compilerInfo(REAL_MESHC);
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(['february', 'april']).toContain(info.dialect);
  });

  it('builds and runs a program', async () => {
    const seen = await observe(GREETING, base);
    expect(seen.build.exitCode).toBe(0);
    expect(seen.build.stdout).toBe('');
    expect(seen.build.stderr).toMatch(/ {2}Compiled: project\/project\n$/);
    expect(seen.run).toMatchObject({ exitCode: 0, signal: null, stdout: 'triage greets you\nsecond line\n', timedOut: false });
  });

  it('gives the same output at --opt-level 2', async () => {
    const seen = await observe(GREETING, { ...base, optLevel: 2 });
    expect(seen.run?.stdout).toBe('triage greets you\nsecond line\n');
  });

  it('rejects a type error with a coded diagnostic and the final error line', async () => {
    const built = await buildCandidate(TYPE_ERROR, base);
    expect(built.record.exitCode).toBe(1);
    expect(built.binaryPath).toBeNull();
    expect(built.record.stderr).toMatch(/\[E\d{4}\] Error: /);
    expect(built.record.stderr).toContain('error: Compilation failed due to errors above.');
    expect(built.record.stderr).not.toContain('\u001b['); // no colour
    expect(existsSync(built.dir)).toBe(false);
  });

  it('streams the same type error as JSON objects ending with C0001', async () => {
    const built = await buildCandidate(TYPE_ERROR, { ...base, json: true });
    const { objects } = scanJsonObjects(built.record.stderr);
    const codes = objects.map((o) => (o as { code: string }).code);
    expect(codes.some((c) => /^E\d{4}$/.test(c))).toBe(true);
    expect(codes.at(-1)).toBe('C0001');
  });

  it('fails in code generation on a program without fn main (not at link time)', async () => {
    const built = await buildCandidate(NO_MAIN, base);
    expect(built.record.exitCode).toBe(1);
    expect(built.record.stderr).toMatch(/^error: Unsupported binop type: String$/m);
    expect(built.record.stderr).not.toMatch(/Linking failed/);
  });

  it('kills a compiler run that passes its timeout', async () => {
    const built = await buildCandidate(GREETING, { ...base, timeoutMs: 30 });
    expect(built.record.timedOut).toBe(true);
    expect(built.binaryPath).toBeNull();
  });

  it('kills a program that never ends', async () => {
    const built = await buildCandidate(SPINS, base);
    try {
      expect(built.binaryPath, built.record.stderr).not.toBeNull();
      const run = await runBinary(built.binaryPath!, { timeoutMs: 1500 });
      expect(run.timedOut).toBe(true);
      expect(run.signal).toBe('SIGKILL');
    } finally {
      await built.dispose();
    }
  });
});

describe.runIf(REAL_ENABLED && BASELINE_MESHC !== '')('real meshc: version differential', () => {
  it('builds the same program with both compilers', async () => {
    const [current, baseline] = await Promise.all([
      observe(GREETING, { meshc: REAL_MESHC, timeoutMs: BUILD_TIMEOUT_MS }),
      observe(GREETING, { meshc: BASELINE_MESHC, timeoutMs: BUILD_TIMEOUT_MS }),
    ]);
    expect(current.run?.stdout).toBe(baseline.run?.stdout);
    expect(current.compiler.path).not.toBe(baseline.compiler.path);
  });
});

describe.skipIf(REAL_ENABLED)('real meshc', () => {
  it.skip('skipped: run `npm run test:real` with MESHC=/path/to/meshc', () => undefined);
});
