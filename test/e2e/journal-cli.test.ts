import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOBODY, RUNNING_AS_ROOT, runCli, unprivilegedTempDir } from '../support/cli.js';

// Spawns bin/ (needs `npx tsc -p .` first, as `npm test` does).
const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/mesher-triage.js');
let work: string;

function cli(args: string[], env: Record<string, string | undefined> = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: work,
    encoding: 'utf8',
    env: { ...process.env, MESHER_TRIAGE_JOURNAL: undefined, FORCE_COLOR: '0', ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const REPRO = `# minimal repro written for the journal e2e test
fn main() do
  let hit = List.find([1, 2], fn(n) -> n == 2 end)
  case hit do
    Some(n) -> println("\${n}")
    None -> println("none")
  end
end
`;

const SYMPTOM = {
  stage: 'llvm-verify',
  code: '',
  message: 'Instruction does not dominate all uses!',
  signature: 'llvm-verify||instruction does not dominate all uses!',
  signatureVersion: 'sig-v1',
  generic: false,
};

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist/cli/main.js'))) throw new Error('dist/ is missing: run `npx tsc -p .` before the e2e tests');
  work = mkdtempSync(join(tmpdir(), 'journal-e2e-'));
  mkdirSync(join(work, 'reduced'));
  writeFileSync(join(work, 'reduced', 'main.mpl'), REPRO);
  writeFileSync(
    join(work, 'reduced', 'reduce.json'),
    JSON.stringify({
      input: '/home/dev/mesher/ingestion/routes.mpl',
      symptom: SYMPTOM,
      verdict: { class: 'compiler', confidence: 0.9, reasons: ['LLVM verification failed after the front end accepted the program'] },
      compiler: { path: '/opt/meshc/bin/meshc', version: 'meshc 0.1.0', dialect: 'february' },
      rawOutput: 'error: LLVM module verification failed: "Instruction does not dominate all uses!"',
    }),
  );
  writeFileSync(join(work, 'loose.mpl'), 'fn main() do\n  println(1 + "a")\nend\n');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('mesher-triage journal', () => {
  it('adds a reduced repro with its reduce.json, creating .mesher-triage/journal.db', () => {
    const r = cli(['journal', 'add', 'reduced', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { bugId: number; isNew: boolean; metadata: string[]; reproDir: string };
    expect(out).toMatchObject({ bugId: 1, isNew: true, metadata: ['reduce.json'] });
    expect(existsSync(join(work, '.mesher-triage', 'journal.db'))).toBe(true);
    expect(readFileSync(join(work, '.mesher-triage', 'repros', '1', 'main.mpl'), 'utf8')).toBe(REPRO);
  });

  it('adds a loose file as undetermined, and dedups a second add', () => {
    const first = cli(['journal', 'add', 'loose.mpl']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/added new bug #2 .*undetermined/);
    const again = cli(['journal', 'add', 'loose.mpl']);
    expect(again.stdout).toMatch(/another occurrence of bug #2/);
  });

  it('lists, filters and prints JSON', () => {
    const all = cli(['journal', 'list']);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/#1\s+open\s+compiler\s+llvm-verify\s+1/);
    expect(all.stdout).toMatch(/#2\s+open\s+undetermined\s+unknown\s+2/);
    const compiler = JSON.parse(cli(['journal', 'list', '--class', 'compiler', '--json']).stdout) as Array<{ id: number }>;
    expect(compiler.map((b) => b.id)).toEqual([1]);
    expect(JSON.parse(cli(['journal', 'list', '--status', 'fixed', '--json']).stdout)).toEqual([]);
  });

  it('updates status, workaround and fixed-in with an audit trail shown by show', () => {
    const u = cli(['journal', 'update', '1', '--status', 'workaround', '--workaround', 'bind the call with let first', '--note', 'per the dogfooding notes']);
    expect(u.code).toBe(0);
    expect(u.stdout).toMatch(/status: open → workaround/);
    expect(cli(['journal', 'update', '1', '--status', 'fixed', '--fixed-in', 'meshc 0.1.0 (0d62f018)']).code).toBe(0);
    expect(cli(['journal', 'update', '2', '--status', 'duplicate-of:1']).code).toBe(0);

    const show = cli(['journal', 'show', '1']);
    expect(show.code).toBe(0);
    for (const text of ['Instruction does not dominate all uses!', 'LLVM verification failed after the front end', 'bind the call with let first', 'List.find', '/home/dev/mesher/ingestion/routes.mpl', 'status: open → workaround', 'per the dogfooding notes', 'status: workaround → fixed']) {
      expect(show.stdout).toContain(text);
    }
    const detail = JSON.parse(cli(['journal', 'show', '2', '--json']).stdout) as { status: string; duplicateOf: number };
    expect(detail).toMatchObject({ status: 'duplicate', duplicateOf: 1 });
  });

  it('reopens a fixed bug as regressed when the same repro is added again', () => {
    const r = cli(['journal', 'add', 'reduced']);
    expect(r.code).toBe(0);
    expect(JSON.parse(cli(['journal', 'show', '1', '--json']).stdout).status).toBe('regressed');
  });

  it('reports stats, including the seeded known gaps', () => {
    const stats = JSON.parse(cli(['journal', 'stats', '--json']).stdout) as { bugs: number; occurrences: number; byStatus: Record<string, number>; gaps: { total: number } };
    expect(stats).toMatchObject({ bugs: 2, occurrences: 4 });
    expect(stats.byStatus).toMatchObject({ regressed: 1, duplicate: 1 });
    expect(stats.gaps.total).toBeGreaterThan(0);
    expect(cli(['journal', 'stats']).stdout).toMatch(/bugs\s+2 \(4 occurrences\)/);
  });

  it('exports JSON and Markdown to a file or stdout', () => {
    const json = cli(['journal', 'export', '--format', 'json', '-o', 'journal.json']);
    expect(json.code).toBe(0);
    const data = JSON.parse(readFileSync(join(work, 'journal.json'), 'utf8')) as { format: string; bugs: Array<{ id: number; repro: Record<string, string> }> };
    expect(data.format).toBe('mesher-triage-journal');
    expect(data.bugs.map((b) => b.id)).toEqual([1, 2]);
    expect(data.bugs[0]!.repro['main.mpl']).toBe(REPRO);
    const md = cli(['journal', 'export', '--format', 'md']);
    expect(md.code).toBe(0);
    expect(md.stdout).toContain('| 1 | regressed | compiler | llvm-verify | 2 |');
    expect(md.stdout).toContain('```mesh\n# minimal repro written for the journal e2e test');
  });

  it('honours --journal and MESHER_TRIAGE_JOURNAL', () => {
    expect(cli(['journal', '--journal', 'other/j.db', 'add', 'loose.mpl']).code).toBe(0);
    expect(existsSync(join(work, 'other', 'j.db'))).toBe(true);
    const viaEnv = cli(['journal', 'list', '--json'], { MESHER_TRIAGE_JOURNAL: join(work, 'other', 'j.db') });
    expect((JSON.parse(viaEnv.stdout) as unknown[]).length).toBe(1);
    const flagWins = cli(['journal', 'list', '--json', '--journal', '.mesher-triage/journal.db'], { MESHER_TRIAGE_JOURNAL: join(work, 'other', 'j.db') });
    expect((JSON.parse(flagWins.stdout) as unknown[]).length).toBe(2);
  });

  it('gives clear errors with the documented exit codes', () => {
    const unknown = cli(['journal', 'show', '99']);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/^error: no bug #99 in the journal\nhint: /);
    const badStatus = cli(['journal', 'update', '1', '--status', 'closed']);
    expect(badStatus.code).toBe(2);
    expect(badStatus.stderr).toMatch(/unknown status 'closed'/);
    expect(cli(['journal', 'update', '1']).code).toBe(2);
    expect(cli(['journal', 'show', 'abc']).code).toBe(2);
    expect(cli(['journal', 'list', '--class', 'weird']).code).toBe(2);
    expect(cli(['journal', 'export', '--format', 'pdf']).code).toBe(2);
    expect(cli(['journal', 'add', 'no-such-dir']).code).toBe(3);
    for (const r of [unknown, badStatus]) expect(r.stderr).not.toMatch(/\n\s+at /); // no stack traces
  });

  it('a journal folder that can never be made (under /proc) fails at once with exit 6, not an endless mkdir', () => {
    const r = spawnSync(process.execPath, [BIN, 'journal', '--journal', '/proc/no-such/j.db', 'add', 'loose.mpl'], {
      cwd: work,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
      timeout: 30_000, // only so that a hang fails the test instead of blocking it
    });
    expect(r.signal).toBeNull();
    expect(r.status).toBe(6);
    expect(r.stderr).toMatch(/cannot create the journal's folder/);
  });

  it('refuses a foreign SQLite file with exit 6 and leaves it alone', () => {
    const path = join(work, 'foreign.db');
    const db = new Database(path);
    db.exec("CREATE TABLE t (x); INSERT INTO t VALUES ('precious')");
    db.close();
    const before = readFileSync(path);
    const r = cli(['journal', 'list', '--journal', path]);
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/not a mesher-triage journal/);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('reads verdict.json, and refuses a malformed reduce.json with exit 3', () => {
    const dir = join(work, 'with-verdict');
    mkdirSync(join(dir, 'lib'), { recursive: true });
    writeFileSync(join(dir, 'main.mpl'), 'from Lib.Util import twice\nfn main() do\n  println("${twice(2)}")\nend\n');
    writeFileSync(join(dir, 'lib', 'util.mpl'), 'pub fn twice(n :: Int) -> Int do\n  n * 2\nend\n');
    writeFileSync(join(dir, 'verdict.json'), JSON.stringify({ class: 'app', confidence: 0.6, reasons: ['plain type error'] }));
    const added = JSON.parse(cli(['journal', '--journal', 'v.db', 'add', dir, '--json']).stdout) as { bugId: number; metadata: string[] };
    expect(added.metadata).toEqual(['verdict.json']);
    const bug = JSON.parse(cli(['journal', '--journal', 'v.db', 'show', String(added.bugId), '--json']).stdout) as { verdict: { class: string }; repro: Record<string, string> };
    expect(bug.verdict.class).toBe('app');
    expect(Object.keys(bug.repro)).toEqual(['lib/util.mpl', 'main.mpl']);

    writeFileSync(join(dir, 'reduce.json'), '{"symptom": {"stage": "nonsense"}}');
    const bad = cli(['journal', '--journal', 'v.db', 'add', dir]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/reduce.json symptom.stage must be one of/);
  });
});

/** Runs as the unprivileged user (root ignores permissions), with no journal from the environment. */
function asNobody(args: string[], cwd: string) {
  return runCli(args, { unprivileged: true, cwd, env: { MESHER_TRIAGE_JOURNAL: undefined } });
}

/** Every entry under `dir` with its content: "nothing new appears and nothing changes". */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((e) => join(e.parentPath, e.name))
    .sort()
    .map((path) => `${path} ${statSync(path).isFile() ? readFileSync(path).toString('base64') : 'dir'}`);
}

function expectNoStack(stderr: string): void {
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(stderr).not.toMatch(/internal error/);
}

describe('reading the journal needs no write access (as an unprivileged user)', () => {
  let base: string;
  beforeAll(async () => {
    base = await unprivilegedTempDir('journal-ro-');
    writeFileSync(join(base, 'loose.mpl'), 'fn main() do\n  println(1 + "a")\nend\n');
    // A journal file the user cannot write, in a folder the user can write.
    mkdirSync(join(base, 'rw'));
    expect(cli(['journal', '--journal', join(base, 'rw', 'journal.db'), 'add', 'reduced']).code).toBe(0);
    chmodSync(join(base, 'rw', 'journal.db'), 0o444);
    if (RUNNING_AS_ROOT) chownSync(join(base, 'rw'), NOBODY.uid, NOBODY.gid);
    // A journal in a folder the user cannot write.
    mkdirSync(join(base, 'ro'));
    expect(cli(['journal', '--journal', join(base, 'ro', 'journal.db'), 'add', 'reduced']).code).toBe(0);
    chmodSync(join(base, 'ro'), 0o555);
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  for (const where of ['rw', 'ro']) {
    it(`list, show, stats and export work on ${where === 'rw' ? 'a read-only journal file' : 'a journal in a read-only folder'}, and nothing new appears`, async () => {
      const folder = join(base, where);
      const before = tree(folder);
      const j = ['journal', '--journal', join(folder, 'journal.db')];
      const list = await asNobody([...j, 'list', '--json'], base);
      expect(list.stderr).toBe('');
      expect((JSON.parse(list.stdout) as Array<{ id: number }>).map((b) => b.id)).toEqual([1]);
      const show = await asNobody([...j, 'show', '1', '--json'], base);
      expect(show.code).toBe(0);
      expect((JSON.parse(show.stdout) as { repro: Record<string, string> }).repro['main.mpl']).toBe(REPRO);
      const stats = await asNobody([...j, 'stats', '--json'], base);
      expect(stats.code).toBe(0);
      expect(JSON.parse(stats.stdout)).toMatchObject({ bugs: 1, occurrences: 1 });
      for (const format of ['json', 'md', 'html']) {
        const exported = await asNobody([...j, 'export', '--format', format], base);
        expect(exported.code).toBe(0);
        expect(exported.stdout).toContain('Instruction does not dominate all uses!');
      }
      expect(tree(folder)).toEqual(before);
    });
  }

  it('a read command on a missing journal exits 6 and creates nothing (a mistyped --journal)', async () => {
    const before = tree(base);
    for (const args of [['journal', '--journal', 'typo/journal.db', 'list'], ['journal', 'stats'], ['journal', 'show', '1'], ['journal', 'export', '--format', 'md']]) {
      const r = await asNobody(args, base);
      expect(r.code).toBe(6);
      expect(r.stderr).toMatch(/^error: no journal at .*journal\.db\nhint: nothing has been recorded there yet/);
      expect(r.stdout).toBe('');
    }
    expect(tree(base)).toEqual(before);
  });

  it('write commands that cannot write exit 6 with a hint, leaving no trace', async () => {
    const before = tree(base);
    // Default path in a read-only folder: the folder cannot be created.
    const inRo = await asNobody(['journal', 'add', join(base, 'loose.mpl')], join(base, 'ro'));
    expect(inRo.code).toBe(6);
    expect(inRo.stderr).toMatch(/^error: cannot create the journal's folder .*\.mesher-triage: permission denied\nhint: /);
    const sub = await asNobody(['journal', '--journal', join(base, 'ro', 'sub', 'new.db'), 'add', 'loose.mpl'], base);
    expect(sub.code).toBe(6);
    expect(sub.stderr).toMatch(/cannot create the journal's folder .*ro\/sub: permission denied\nhint: fix the permissions of .*, or choose another location/);
    // An existing journal the user cannot write: refused before SQLite leaves -wal/-shm files of ours beside it.
    for (const where of ['rw', 'ro']) {
      const r = await asNobody(['journal', '--journal', join(base, where, 'journal.db'), 'update', '1', '--note', 'x'], base);
      expect(r.code).toBe(6);
      expect(r.stderr).toMatch(/^error: cannot write journal .*journal\.db: permission denied\nhint: /);
      expectNoStack(r.stderr);
    }
    for (const r of [inRo, sub]) expectNoStack(r.stderr);
    expect(tree(base)).toEqual(before);
  });

  it('list in a read-only folder with the default path is a clear error, not a stack trace', async () => {
    const r = await asNobody(['journal', 'list'], join(base, 'ro'));
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/^error: no journal at .*\.mesher-triage\/journal\.db\nhint: /);
  });

  it('export to a file that cannot be written exits 3 with a hint', async () => {
    const r = await asNobody(['journal', '--journal', join(base, 'ro', 'journal.db'), 'export', '--format', 'md', '-o', join(base, 'ro', 'out.md')], base);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^error: cannot write .*out\.md: .*permission denied.*\nhint: /);
    expect(existsSync(join(base, 'ro', 'out.md'))).toBe(false);
  });
});

describe('options agree with --help', () => {
  it('journal list accepts every status its --help offers, duplicate included', () => {
    const help = cli(['journal', 'list', '--help']).stdout;
    const offered = /--status <status>\s+only this status \(([^)]+)\)/.exec(help.replace(/\s+/g, ' '))![1]!.split(', ');
    expect(offered).toContain('duplicate');
    for (const status of offered) {
      const r = cli(['journal', 'list', '--status', status.replace('<id>', '1'), '--json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    const duplicates = JSON.parse(cli(['journal', 'list', '--status', 'duplicate', '--json']).stdout) as Array<{ id: number; duplicateOf: number }>;
    expect(duplicates.map((b) => [b.id, b.duplicateOf])).toEqual([[2, 1]]);
    expect(JSON.parse(cli(['journal', 'list', '--status', 'duplicate-of:2', '--json']).stdout)).toEqual([]);
  });

  it('every journal subcommand takes --json; export --json is the JSON export', () => {
    for (const sub of ['list', 'show', 'add', 'update', 'stats', 'export']) expect(cli(['journal', sub, '--help']).stdout).toMatch(/--json/);
    const viaJson = JSON.parse(cli(['journal', 'export', '--json']).stdout) as Record<string, unknown>;
    const viaFormat = JSON.parse(cli(['journal', 'export', '--format', 'json']).stdout) as Record<string, unknown>;
    expect({ ...viaJson, exportedAt: '' }).toEqual({ ...viaFormat, exportedAt: '' });
    expect(cli(['journal', 'export', '--json', '--format', 'md']).code).toBe(2);
    expect(cli(['journal', 'export']).code).toBe(2);
  });
});
