import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Spawns the built CLI: run `npx tsc -p .` first (npm test does).
const BIN = resolve(__dirname, '../../bin/mesher-triage.js');

function cli(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parse-e2e-'));
  await mkdir(join(dir, 'proj/api'), { recursive: true });
  await mkdir(join(dir, 'proj/.hidden'), { recursive: true });
  await mkdir(join(dir, 'nothing/.git'), { recursive: true });
  await writeFile(join(dir, 'nothing/.git/x.mpl'), 'fn main() do\nend\n');
  await writeFile(join(dir, 'good.mpl'), 'fn main() do\n  println("héllo 🌍")\nend\n');
  await writeFile(join(dir, 'bad.mpl'), 'fn main() do\n  println("x"))\nend\n');
  await writeFile(join(dir, 'empty.mpl'), '');
  await writeFile(join(dir, 'proj/main.mpl'), 'fn main() do\n  1\nend\n');
  await writeFile(join(dir, 'proj/api/router.mesh'), 'pub fn route() -> Int do\n  2\nend\n');
  await writeFile(join(dir, 'proj/api/notes.txt'), 'not mesh');
  await writeFile(join(dir, 'proj/.hidden/skip.mpl'), 'fn (((');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('mesher-triage parse', () => {
  it('prints `path: ok` and exits 0 for a clean file', () => {
    const r = cli(['parse', 'good.mpl'], dir);
    expect(r.stdout).toBe('good.mpl: ok\n');
    expect(r.code).toBe(0);
  });

  it('prints path:line:col: message plus the excerpt and exits 1 on syntax errors', () => {
    const r = cli(['parse', 'good.mpl', 'bad.mpl'], dir);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('good.mpl: ok');
    expect(lines[1]).toBe('bad.mpl:2:15: unexpected `)`');
    expect(lines[2]).toBe('      println("x"))');
    expect(lines[3]).toBe(`    ${' '.repeat(14)}^`);
  });

  it('--quiet prints only errors', () => {
    const r = cli(['parse', '--quiet', 'good.mpl', 'bad.mpl'], dir);
    expect(r.stdout.startsWith('bad.mpl:2:15:')).toBe(true);
    expect(r.stdout).not.toContain('good.mpl');
    expect(r.code).toBe(1);
  });

  it('walks directories for .mpl and .mesh, skipping dot-directories and other files', () => {
    const r = cli(['parse', 'proj'], dir);
    const lines = r.stdout.split('\n').filter(Boolean);
    expect(lines.slice(0, -1).sort()).toEqual(['proj/api/router.mesh: ok', 'proj/main.mpl: ok']);
    expect(lines.at(-1)).toMatch(/^parsed 2 files in \d+ ms: 2 ok$/);
    expect(r.code).toBe(0);
  });

  it('ends a run over several files with one summary line: files, errors, time', () => {
    const r = cli(['parse', 'good.mpl', 'bad.mpl', 'empty.mpl', 'proj'], dir);
    expect(r.code).toBe(3);
    const last = r.stdout.trimEnd().split('\n').at(-1);
    expect(last).toMatch(/^parsed 5 files in \d+(?: ms|\.\d s): 3 ok, 1 with syntax errors \(1 error\), 1 unreadable$/);
    // Not for a single file (its own line says it all), nor with --quiet (errors only).
    expect(cli(['parse', 'good.mpl'], dir).stdout).toBe('good.mpl: ok\n');
    expect(cli(['parse', '--quiet', 'good.mpl', 'bad.mpl'], dir).stdout).not.toContain('parsed ');
  });

  it('--tree prints the S-expression', () => {
    const r = cli(['parse', '--tree', 'proj/main.mpl'], dir);
    expect(r.stdout).toBe(
      'proj/main.mpl: ok\n(source_file (function_definition name: (identifier) parameters: (parameters) body: (block (expression_statement (integer)))))\n',
    );
  });

  it('--json prints one document with per-file results and a summary', () => {
    const r = cli(['parse', '--json', 'good.mpl', 'bad.mpl'], dir);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.files.map((f: { path: string; ok: boolean }) => [f.path, f.ok])).toEqual([
      ['good.mpl', true],
      ['bad.mpl', false],
    ]);
    expect(doc.files[1].errors[0]).toMatchObject({ line: 2, column: 15, kind: 'error', message: 'unexpected `)`' });
    expect(doc.summary).toEqual({ files: 2, withErrors: 1, unreadable: 0, errors: 1 });
  });

  it('exits 3 for unreadable input (empty file, missing file, directory without Mesh files) with error and hint', () => {
    const empty = cli(['parse', 'empty.mpl', 'good.mpl'], dir);
    expect(empty.code).toBe(3);
    expect(empty.stderr).toMatch(/error: empty\.mpl is empty/);
    expect(empty.stderr).toMatch(/hint: /);
    expect(empty.stdout).toContain('good.mpl: ok');
    const emptyDir = cli(['parse', 'nothing'], dir);
    expect(emptyDir.code).toBe(3);
    expect(emptyDir.stderr).toMatch(/no \.mpl or \.mesh files under nothing/);
    const missing = cli(['parse', 'nope.mpl'], dir);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/nope\.mpl does not exist/);
  });

  it('checks a large directory in parallel worker threads with the same results, in order', async () => {
    // 40 files (enough for worker threads): every 7th has an error, one is empty.
    const many = join(dir, 'many');
    await mkdir(many, { recursive: true });
    const names: string[] = [];
    for (let i = 0; i < 40; i++) {
      const name = `m${String(i).padStart(2, '0')}.mpl`;
      names.push(name);
      const body = i === 13 ? '' : i % 7 === 0 ? `fn f${i}() do\n  (${i}\nend\n` : `fn f${i}() do\n  ${i}\nend\n`;
      await writeFile(join(many, name), body);
    }
    const together = cli(['parse', '--json', '--jobs', '2', 'many'], dir);
    expect(together.code).toBe(3);
    const doc = JSON.parse(together.stdout);
    expect(doc.files.map((f: { path: string }) => f.path)).toEqual(names.map((n) => join('many', n)));
    // Each file on its own (no workers) must give the same verdict and the same issues.
    for (const [i, name] of names.entries()) {
      const alone = JSON.parse(cli(['parse', '--json', join('many', name)], dir).stdout).files[0];
      expect(doc.files[i]).toEqual(alone);
      if (i % 7 === 0 && i !== 13) expect(alone.errors.length).toBeGreaterThan(0);
    }
    expect(doc.summary).toMatchObject({ files: 40, unreadable: 1, withErrors: 6 });
  });

  it('exits 2 on usage errors (no paths)', () => {
    const r = cli(['parse'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing required argument/);
    const jobs = cli(['parse', '--jobs', '0', 'good.mpl'], dir);
    expect(jobs.code).toBe(2);
    expect(jobs.stderr).toMatch(/invalid --jobs '0'/);
  });
});
