import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// Spawns bin/ (needs `npx tsc -p .` first, as `npm test` does).
const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/mesher-triage.js');
const work = mkdtempSync(join(tmpdir(), 'gaps-e2e-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function cli(args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('mesher-triage gaps', () => {
  it('lists the catalog as a table and as JSON', () => {
    const table = cli(['gaps', 'list']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^KEY\s+KIND\s+STAGE\s+FEBRUARY\s+APRIL\s+TITLE$/m);
    expect(table.stdout).toMatch(/^nested-and\s+compiler\s+llvm-verify\s+open\s+open\s/m);
    const json = cli(['gaps', 'list', '--json']);
    expect(json.code).toBe(0);
    const catalog = JSON.parse(json.stdout) as Array<{ key: string; probe?: string; measurement?: string }>;
    expect(catalog.length).toBe(34);
    expect(catalog.find((g) => g.key === 'map-linear-scan')?.measurement).toBeTruthy();
  });

  it('shows one gap with its probe, workaround and queries', () => {
    const show = cli(['gaps', 'show', 'nested-and']);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('probe:       fixtures/mesh/gaps/nested-and.mpl');
    expect(show.stdout).toContain('workaround:');
    expect(show.stdout).toContain('fn both(a :: Bool, b :: Bool)');
    expect(show.stdout).toContain('detection (risky):');
    const limit = cli(['gaps', 'show', 'ws-reader-thread']);
    expect(limit.stdout).toContain('measurement:');
  });

  it('rejects an unknown gap key with a usage error and a hint', () => {
    const r = cli(['gaps', 'show', 'no-such-gap']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: unknown gap 'no-such-gap'");
    expect(r.stderr).toContain('hint: known keys:');
  });

  it('exits 1 and prints file:line:col gap-key message for risky shapes', () => {
    const r = cli(['gaps', 'scan', 'fixtures/mesh/gap-scan/nested-and.mpl', 'fixtures/mesh/gap-scan/closure-route-handler.mpl']);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines.some((l) => l.startsWith('fixtures/mesh/gap-scan/nested-and.mpl:6:5 nested-and '))).toBe(true);
    expect(lines.some((l) => /^fixtures\/mesh\/gap-scan\/closure-route-handler\.mpl:\d+:\d+ closure-route-handler /.test(l))).toBe(true);
    expect(r.stderr).toMatch(/2 file\(s\) scanned: \d+ risky/);
  });

  it('exits 0 on the clean project (workaround sites are informational)', () => {
    const r = cli(['gaps', 'scan', 'fixtures/mesh/gap-scan/clean']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[workaround]');
    for (const line of r.stdout.trim().split('\n')) expect(line).toMatch(/^\S+:\d+:\d+ [a-z-]+ \[workaround\] /);
  });

  it('honours --dialect and --all', () => {
    const trailing = 'fixtures/mesh/gap-scan/trailing-pipe.mpl';
    expect(cli(['gaps', 'scan', trailing, '--dialect', 'april']).code).toBe(0);
    expect(cli(['gaps', 'scan', trailing, '--dialect', 'february']).code).toBe(1);
    const fixedEverywhere = 'fixtures/mesh/gap-scan/actor-params.mpl';
    const skipped = cli(['gaps', 'scan', fixedEverywhere]);
    expect(skipped.code).toBe(0);
    expect(skipped.stderr).toMatch(/; [1-9]\d* gap\(s\) fixed in february and april not checked \(--all checks them\)/);
    expect(cli(['gaps', 'scan', fixedEverywhere, '--all']).stderr).not.toMatch(/not checked/);
    expect(cli(['gaps', 'scan', fixedEverywhere, '--all']).code).toBe(1);
    expect(cli(['gaps', 'scan', trailing, '--dialect', 'march']).code).toBe(2);
    const only = cli(['gaps', 'scan', '--only', 'nested-and,closure-route-handler', 'fixtures/mesh/gap-scan']);
    expect(only.code).toBe(1);
    expect(new Set(only.stdout.trim().split('\n').map((l) => l.split(' ')[1]))).toEqual(new Set(['nested-and', 'closure-route-handler']));
  });

  it('writes JSON and SARIF reports to a file with -o', () => {
    const out = join(work, 'scan.sarif');
    const r = cli(['gaps', 'scan', 'fixtures/mesh/gap-scan', '--format', 'sarif', '-o', out]);
    expect(r.code).toBe(1);
    const log = JSON.parse(readFileSync(out, 'utf8'));
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0].results.length).toBeGreaterThan(0);
    const json = cli(['gaps', 'scan', 'fixtures/mesh/gap-scan/clean', '--format', 'json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ files: 2, risky: 0 });
  });

  it('exits 3 for a missing path', () => {
    const r = cli(['gaps', 'scan', 'fixtures/mesh/does-not-exist']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('does not exist');
  });
});
