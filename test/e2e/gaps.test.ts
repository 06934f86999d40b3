import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GAP_CATALOG } from '../../src/gaps/index.js';
import { openJournal } from '../../src/journal/index.js';

// Spawns bin/ (needs `npx tsc -p .` first, as `npm test` does).
const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/mesher-triage.js');
const work = mkdtempSync(join(tmpdir(), 'gaps-e2e-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function cli(args: string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0', ...options.env };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, encoding: 'utf8', env });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, signal: result.signal };
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
    expect(catalog.length).toBe(41);
    expect(catalog.find((g) => g.key === 'map-linear-scan')?.measurement).toBeTruthy();
  });

  it('shows one gap with its probe, workaround and queries', () => {
    const show = cli(['gaps', 'show', 'nested-and']);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('probe:       fixtures/mesh/gaps/nested-and.mpl');
    expect(show.stdout).toContain('workaround:');
    expect(show.stdout).toContain('fn both(a :: Bool, b :: Bool)');
    expect(show.stdout).toContain('detection (risky):');
    // Which real compiler run each dialect's status comes from.
    expect(show.stdout).toMatch(/^verified: +february c8728bd2 on \d{4}-\d{2}-\d{2}: .*PHI node/m);
    expect(show.stdout).toMatch(/^verified: +april 5bc8e7fa on \d{4}-\d{2}-\d{2}: /m);
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

describe('gaps scan on inputs nested far deeper than the JS (or C) stack', () => {
  // Each scan writes its JSON report to a file (tens of thousands of findings overflow a pipe buffer).
  function scanDeep(name: string, source: string, extra: string[] = []) {
    const file = join(work, `${name}.mpl`);
    writeFileSync(file, source);
    const out = join(work, `${name}.json`);
    const r = cli(['gaps', 'scan', file, '--all', '--format', 'json', '-o', out, ...extra]);
    expect(r.signal, r.stderr).toBeNull();
    expect(r.stderr).not.toMatch(/internal error|RangeError|stack/i);
    const report = JSON.parse(readFileSync(out, 'utf8')) as { findings: Array<{ line: number; column: number; gapKey: string; kind: string }> };
    return { code: r.code, findings: report.findings };
  }
  const N = 50_000;

  it('scans a 50,000-term `1 + 1 + ...` chain (tree-sitter queries crashed with SIGSEGV on it)', () => {
    const r = scanDeep('plus-chain', `fn main() do\n  let x = ${Array(N).fill('1').join(' + ')}\n  println("\${x}")\nend\n`);
    expect(r.code).toBe(0);
    expect(r.findings).toEqual([]);
  });

  it('reports a 50,000-term && chain once, at its outermost &&', () => {
    const r = scanDeep('and-chain', `fn ok(a :: Bool) -> Bool do\n  ${Array(N).fill('a').join(' && ')}\nend\n`, ['--only', 'nested-and']);
    expect(r.code).toBe(1);
    expect(r.findings.map((f) => [f.gapKey, f.line, f.column])).toEqual([['nested-and', 2, 3]]);
  });

  it('scans 50,000 nested parentheses and finds the chained && inside them', () => {
    const r = scanDeep('parens', `fn ok(a :: Bool, b :: Bool, c :: Bool) -> Bool do\n  ${'('.repeat(N)}a && (b && c)${')'.repeat(N)}\nend\n`);
    expect(r.code).toBe(1);
    expect(r.findings.map((f) => [f.gapKey, f.line, f.column])).toEqual([['nested-and', 2, N + 3]]);
  });

  it('scans 50,000 nested ifs: every && below the first if is in a branch body', () => {
    const source =
      'fn pick(a :: Bool) -> Int do\n  let x = ' + 'if a && a do\n'.repeat(N) + '1\n' + 'else\n0\nend\n'.repeat(N) + '  x\nend\n';
    const r = scanDeep('ifs', source, ['--only', 'nested-and']);
    expect(r.code).toBe(1);
    expect(r.findings).toHaveLength(N - 1);
    expect(r.findings[0]).toMatchObject({ gapKey: 'nested-and', line: 3, column: 4 });
    expect(r.findings[N - 2]).toMatchObject({ line: N + 1, column: 4 });
  });
});

describe('gaps scan: --json and empty folders', () => {
  it('takes --json as --format json', () => {
    const r = cli(['gaps', 'scan', 'fixtures/mesh/gap-scan/nested-and.mpl', '--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { files: number; risky: number; findings: Array<{ gapKey: string }> };
    expect(report).toMatchObject({ files: 1 });
    expect(report.findings.some((f) => f.gapKey === 'nested-and')).toBe(true);
    expect(cli(['gaps', 'scan', 'fixtures/mesh/gap-scan/nested-and.mpl', '--json', '--format', 'sarif']).code).toBe(2);
  });

  it('exits 3 on a folder without Mesh files, as parse does', () => {
    const empty = join(work, 'empty');
    mkdirSync(join(empty, '.hidden'), { recursive: true });
    writeFileSync(join(empty, '.hidden', 'main.mpl'), 'fn main() do\n  println("x")\nend\n');
    writeFileSync(join(empty, 'notes.txt'), 'no Mesh here\n');
    const r = cli(['gaps', 'scan', empty]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`error: no .mpl or .mesh files under ${empty}`);
    expect(r.stderr).toContain('hint:');
    expect(r.stdout).toBe('');
  });
});

describe("gaps list / show: the journal's statuses", () => {
  const noJournalEnv = { MESHER_TRIAGE_JOURNAL: undefined };

  /** A project folder whose default journal recorded nested-and as fixed in april (as gate --update does). */
  function folderWithJournal(): string {
    const dir = mkdtempSync(join(work, 'journal-'));
    mkdirSync(join(dir, '.mesher-triage'));
    const journal = openJournal(join(dir, '.mesher-triage', 'journal.db'));
    try {
      journal.seedGaps(GAP_CATALOG);
      journal.recordGapFix('nested-and', 'april', 'meshc 0.9.0', '2026-05-01');
    } finally {
      journal.close();
    }
    return dir;
  }

  it("shows the journal's status, with the catalog's beside it, from the default journal and from --journal", () => {
    const dir = folderWithJournal();
    const table = cli(['gaps', 'list'], { cwd: dir, env: noJournalEnv });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^nested-and\s+compiler\s+llvm-verify\s+open\s+fixed \(catalog: open\)\s/m);
    expect(table.stderr).toContain(`statuses from the journal ${join(dir, '.mesher-triage', 'journal.db')}`);
    const elsewhere = cli(['gaps', 'list', '--json', '--journal', join(dir, '.mesher-triage', 'journal.db')], { env: noJournalEnv });
    const entry = (JSON.parse(elsewhere.stdout) as Array<{ key: string; status: object; journalStatus?: object }>).find((g) => g.key === 'nested-and');
    expect(entry).toMatchObject({ status: { april: 'open' }, journalStatus: { april: 'fixed', february: 'open' } });
    const show = cli(['gaps', 'show', 'nested-and'], { cwd: dir, env: noJournalEnv });
    expect(show.stdout).toContain('status:      february open, april fixed (catalog: open)');
  });

  it('shows the catalog and creates no journal when there is none; a mistyped --journal is an error', () => {
    const dir = mkdtempSync(join(work, 'nojournal-'));
    const table = cli(['gaps', 'list'], { cwd: dir, env: noJournalEnv });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^nested-and\s+compiler\s+llvm-verify\s+open\s+open\s/m);
    expect(existsSync(join(dir, '.mesher-triage'))).toBe(false);
    const typo = cli(['gaps', 'list', '--journal', join(dir, 'jornal.db')], { cwd: dir, env: noJournalEnv });
    expect(typo.code).toBe(6);
    expect(typo.stderr).toContain('error: no journal at');
    expect(existsSync(join(dir, 'jornal.db'))).toBe(false);
  });
});
