import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOBODY, RUNNING_AS_ROOT, runCli, unprivilegedTempDir } from '../support/cli.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/mesher-triage.js');
let work: string;
/** The CLI's temp dir, private to this suite, so leftovers can be checked. */
let privateTmp: string;

const PROGRAM = `# written for the reduce e2e test
struct Pair do
  left :: Int
  right :: Int
end

fn double(n :: Int) -> Int do
  n * 2
end

fn label(n :: Int) -> String do
  case n do
    0 -> "none"
    _ -> "some"
  end
end

fn main() do
  let pair = Pair { left: 1, right: 2 }
  let sum = List.fold([1, 2, 3], 0, fn(acc, x) -> acc + double(x) end)
  println(label(sum + pair.left))
end
`;

/** Interesting = still has `fn main`, still folds a list (somewhere in the project). */
const GREP_TEST = `#!/bin/sh
grep -rq --include='*.mpl' 'List.fold' . || exit 1
grep -rq --include='*.mpl' 'fn main' . || exit 1
`;
/** The same, plus "still parses" by our own CLI, as the bench scripts do. */
const PARSE_TEST = `${GREP_TEST}exec node "$MESHER_TRIAGE_ROOT/bin/mesher-triage.js" parse --quiet . >/dev/null 2>&1
`;

function script(name: string, body: string, executable = true): string {
  const path = join(work, name);
  writeFileSync(path, body);
  chmodSync(path, executable ? 0o755 : 0o644);
  return path;
}

function file(name: string, text: string | Buffer): string {
  const path = join(work, name);
  mkdirSync(resolve(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

function cli(args: string[], options: { timeoutMs?: number } = {}): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [BIN, ...args], {
    cwd: work,
    encoding: 'utf8',
    env: { ...process.env, MESHER_TRIAGE_ROOT: ROOT, CI: '1', TMPDIR: privateTmp },
    // Only a guard against a hang (then the test fails instead of blocking the suite).
    timeout: options.timeoutMs,
    killSignal: 'SIGKILL',
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mt-reduce-e2e-'));
  privateTmp = join(work, 'tmp');
  mkdirSync(privateTmp);
  script('grep-test.sh', GREP_TEST);
  script('parse-test.sh', PARSE_TEST);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('mesher-triage reduce', () => {
  it('reduces a file with a real script, leaves the input alone and writes the report', () => {
    const input = file('prog.mpl', PROGRAM);
    const run = cli(['reduce', input, '--test', './grep-test.sh', '--out', 'out1', '--jobs', '2', '--json']);
    expect(run.stderr).not.toMatch(/error:/);
    expect(run.code).toBe(0);
    const reduced = readFileSync(join(work, 'out1/main.mpl'), 'utf8');
    expect(reduced).toContain('List.fold');
    expect(reduced).toContain('fn main');
    expect(reduced.length).toBeLessThan(PROGRAM.length / 3);
    expect(readFileSync(input, 'utf8')).toBe(PROGRAM);
    const report = JSON.parse(readFileSync(join(work, 'out1/reduce.json'), 'utf8'));
    expect(report.final.tokens).toBeLessThan(report.original.tokens);
    expect(report.oracleCalls).toBeGreaterThan(3);
    expect(report.passes.map((p: { name: string }) => p.name)).toContain('hdd');
    expect(JSON.parse(run.stdout).final.bytes).toBe(Buffer.byteLength(reduced));
    // No candidate dirs left behind.
    expect(readdirSync(privateTmp)).toEqual([]);
  });

  it('gives the same result with --jobs 1 and prints a diff', () => {
    const input = file('prog.mpl', PROGRAM);
    const run = cli(['reduce', input, '--test', 'grep-test.sh', '--out', 'out-j1', '--jobs', '1', '--diff']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('@@');
    expect(run.stdout).toContain('-struct Pair do');
    expect(readFileSync(join(work, 'out-j1/main.mpl'), 'utf8')).toBe(readFileSync(join(work, 'out1/main.mpl'), 'utf8'));
  });

  it('reduces a multi-module project to one standalone file', () => {
    file('proj/main.mpl', 'from Util.Math import triple\n\nfn main() do\n  let n = triple(2)\n  println("${n}")\nend\n');
    file('proj/util/math.mpl', 'pub fn triple(n :: Int) -> Int do\n  List.fold([n, n, n], 0, fn(a, b) -> a + b end)\nend\n\npub fn unused(n :: Int) -> Int do\n  n\nend\n');
    const run = cli(['reduce', join(work, 'proj'), '--test', './parse-test.sh', '--out', 'out-proj']);
    expect(run.stderr).not.toMatch(/error:/);
    expect(run.code).toBe(0);
    const report = JSON.parse(readFileSync(join(work, 'out-proj/reduce.json'), 'utf8'));
    expect(report.flattened).toBe(true);
    expect(readdirSync(join(work, 'out-proj')).filter((n) => n.endsWith('.mpl'))).toEqual(['main.mpl']);
    const reduced = readFileSync(join(work, 'out-proj/main.mpl'), 'utf8');
    expect(reduced).toContain('List.fold');
    expect(reduced).not.toContain('import');
  });

  it('resumes from the saved state', () => {
    const input = file('prog.mpl', PROGRAM);
    const run = cli(['reduce', input, '--test', './grep-test.sh', '--out', 'out1', '--resume', '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.resumed).toBe(true);
    expect(report.start.tokens).toBeLessThan(report.original.tokens);
  });

  it('keeps the best result and exits 130 on Ctrl-C', async () => {
    const input = file('prog.mpl', PROGRAM);
    script('slow-test.sh', `#!/bin/sh\nsleep 0.3\n${GREP_TEST.split('\n').slice(1).join('\n')}`);
    const child = spawn(process.execPath, [BIN, 'reduce', input, '--test', './slow-test.sh', '--out', 'out-int', '--jobs', '1'], {
      cwd: work,
      env: { ...process.env, MESHER_TRIAGE_ROOT: ROOT, CI: '1' },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Interrupt once the first gain has been saved.
    while (!existsSync(join(work, 'out-int/reduce-state.json'))) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).toBe(130);
    expect(stderr).toMatch(/interrupted/);
    const best = readFileSync(join(work, 'out-int/main.mpl'), 'utf8');
    expect(best).toContain('List.fold');
    expect(best.length).toBeLessThan(PROGRAM.length);
  });
});

describe('mesher-triage reduce: bad input', () => {
  it.each([
    ['an empty file', () => file('empty.mpl', ''), 3, /empty/],
    ['a binary file', () => file('bin.mpl', Buffer.from([0x66, 0x00, 0x6e, 0xff])), 3, /binary|NUL|UTF-8/i],
    ['a file that does not parse', () => file('bad.mpl', 'fn main( do\n'), 3, /does not parse/],
    ['a missing file', () => join(work, 'nope.mpl'), 3, /does not exist|not found|no such/i],
    ['an empty folder', () => (mkdirSync(join(work, 'empty-dir'), { recursive: true }), join(work, 'empty-dir')), 3, /holds no Mesh files/],
  ])('rejects %s', (_name, make, code, pattern) => {
    const run = cli(['reduce', make(), '--test', './grep-test.sh', '--out', `out-bad-${code}-${Math.random()}`]);
    expect(run.code).toBe(code);
    expect(run.stderr).toMatch(pattern);
    expect(run.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('rejects a missing or non-executable script with exit 2', () => {
    const input = file('prog.mpl', PROGRAM);
    const missing = cli(['reduce', input, '--test', './missing.sh', '--out', 'out-s1']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/test script not found/);
    script('noexec.sh', GREP_TEST, false);
    const noexec = cli(['reduce', input, '--test', './noexec.sh', '--out', 'out-s2']);
    expect(noexec.code).toBe(2);
    expect(noexec.stderr).toMatch(/not executable/);
    expect(noexec.stderr).toMatch(/chmod \+x/);
  });

  it('exits 4 when the original is not interesting, and says how to reproduce the check', () => {
    const input = file('prog.mpl', PROGRAM);
    script('false.sh', '#!/bin/sh\nexit 1\n');
    const run = cli(['reduce', input, '--test', './false.sh', '--out', 'out-f']);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/original input is not interesting/);
    expect(run.stderr).toMatch(/mktemp -d/);
  });

  it('exits 4 on a flaky test', () => {
    const input = file('prog.mpl', PROGRAM);
    script('flaky.sh', `#!/bin/sh\nif [ -e ${join(work, 'flag')} ]; then exit 1; fi\ntouch ${join(work, 'flag')}\nexit 0\n`);
    const run = cli(['reduce', input, '--test', './flaky.sh', '--out', 'out-fl']);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/flaky/);
  });

  it('exits 4 when the test accepts an empty program', () => {
    const input = file('prog.mpl', PROGRAM);
    script('true.sh', '#!/bin/sh\nexit 0\n');
    const run = cli(['reduce', input, '--test', './true.sh', '--out', 'out-t']);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/empty program/);
  });

  it('exits 4 when the original times out, suggesting --timeout', () => {
    const input = file('prog.mpl', PROGRAM);
    script('hang.sh', '#!/bin/sh\nsleep 30\n');
    const run = cli(['reduce', input, '--test', './hang.sh', '--out', 'out-h', '--timeout', '0.5']);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/timeout/);
    expect(run.stderr).toMatch(/--timeout/);
  });

  it('refuses to write into a foreign non-empty directory without --force', () => {
    const input = file('prog.mpl', PROGRAM);
    file('foreign/notes.txt', 'mine');
    const run = cli(['reduce', input, '--test', './grep-test.sh', '--out', 'foreign']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--force/);
    expect(readFileSync(join(work, 'foreign/notes.txt'), 'utf8')).toBe('mine');
  });
});

describe('mesher-triage reduce: the output folder', () => {
  it('an --out that cannot be written fails with exit 3 and a hint before any test run', async () => {
    const dir = await unprivilegedTempDir('reduce-out-');
    const input = join(dir, 'prog.mpl');
    writeFileSync(input, PROGRAM);
    const ran = join(dir, 'test-ran');
    const test = join(dir, 'test.sh');
    writeFileSync(test, `#!/bin/sh\ntouch '${ran}'\n${GREP_TEST.split('\n').slice(1).join('\n')}`, { mode: 0o755 });
    // A read-only current folder (for the default ./reduced) and a read-only --out folder.
    const readOnly = join(dir, 'read-only');
    const locked = join(dir, 'locked');
    for (const d of [readOnly, locked]) {
      mkdirSync(d);
      if (RUNNING_AS_ROOT) chownSync(d, NOBODY.uid, NOBODY.gid);
      chmodSync(d, 0o555);
    }
    try {
      for (const [cwd, extra, out] of [
        [readOnly, [], join(readOnly, 'reduced')],
        [dir, ['--out', locked], locked],
      ] as const) {
        const run = await runCli(['reduce', input, '--test', test, ...extra], { cwd, unprivileged: true, env: { CI: '1' } });
        expect(run.code, run.stderr).toBe(3);
        expect(run.stderr).toMatch(new RegExp(`^error: cannot write the output folder ${out}: .*permission denied`, 'm'));
        expect(run.stderr).toMatch(/^hint: pick an --out folder you can create files in/m);
        expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
      }
      expect(existsSync(ran)).toBe(false);
    } finally {
      for (const d of [readOnly, locked]) chmodSync(d, 0o755);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.runIf(process.platform === 'linux')('an --out under /proc fails at once with exit 3 (no endless mkdir retry)', () => {
    const input = file('prog.mpl', PROGRAM);
    const run = cli(['reduce', input, '--test', './grep-test.sh', '--out', '/proc/mesher-triage-out'], { timeoutMs: 30_000 });
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toMatch(/^error: cannot write the output folder \/proc\/mesher-triage-out/m);
    expect(run.stderr).toMatch(/^hint: /m);
  });

  it('keeps the result elsewhere and exits 3 when --out stops being writable during the run', async () => {
    const dir = await unprivilegedTempDir('reduce-lost-');
    const input = join(dir, 'prog.mpl');
    writeFileSync(input, PROGRAM);
    const out = join(dir, 'out');
    // The test locks --out on its first run, after reduce checked that it could write there.
    const test = join(dir, 'lock-out.sh');
    writeFileSync(test, `#!/bin/sh\nchmod 555 '${out}'\n${GREP_TEST.split('\n').slice(1).join('\n')}`, { mode: 0o755 });
    let kept: string | undefined;
    try {
      const run = await runCli(['reduce', input, '--test', test, '--out', out, '--jobs', '1', '--json'], { cwd: dir, unprivileged: true, env: { CI: '1' } });
      expect(run.code, run.stderr).toBe(3);
      kept = (JSON.parse(run.stdout) as { output: string }).output;
      expect(kept.startsWith(out)).toBe(false);
      const reduced = readFileSync(kept, 'utf8');
      expect(reduced).toContain('List.fold');
      expect(reduced.length).toBeLessThan(PROGRAM.length / 3);
      expect(run.stderr).toMatch(new RegExp(`^error: cannot write the output folder ${out}: .*permission denied`, 'm'));
      expect(run.stderr).toContain(`hint: the result was saved in ${resolve(kept, '..')} instead`);
    } finally {
      chmodSync(out, 0o755);
      rmSync(dir, { recursive: true, force: true });
      if (kept) rmSync(resolve(kept, '..'), { recursive: true, force: true });
    }
  });

  it('gives the unit of its time flags in --help', () => {
    const run = cli(['reduce', '--help']);
    expect(run.stdout).toMatch(/--timeout <seconds>\s+per-test timeout in seconds/);
    expect(run.stdout).toMatch(/--time-limit <seconds>\s+stop after this many seconds/);
  });
});
