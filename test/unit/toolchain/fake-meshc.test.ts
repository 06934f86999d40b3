/**
 * The fake-meshc TEST DOUBLE itself: its CLI and output must keep the shapes documented in
 * docs/fake-meshc.md (taken from the meshc fact sheet), or every test built on it lies.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess } from '../../../src/toolchain/index.js';
import type { RunRecord } from '../../../src/types/index.js';
import { FAKE_MESHC_PATH, makeFakeMeshc, type FakeMeshc, type FakeMeshcRules } from '../../support/fake-meshc.js';
import { scanJsonObjects } from '../../support/json-stream.js';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

interface Setup {
  meshc: FakeMeshc;
  root: string;
  run(args: string[]): Promise<RunRecord>;
}

async function setup(rules: FakeMeshcRules, files: Record<string, string> = { 'main.mpl': 'fn main() do\n  println("hi")\nend\n' }): Promise<Setup> {
  const meshc = await makeFakeMeshc(rules);
  const root = await mkdtemp(join(tmpdir(), 'fake-shape-'));
  cleanups.push(meshc.cleanup, () => rm(root, { recursive: true, force: true }));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(root, 'proj', path, '..'), { recursive: true });
    await writeFile(join(root, 'proj', path), text);
  }
  return { meshc, root, run: (args) => runProcess(meshc.path, args, { cwd: root, timeoutMs: 20_000 }) };
}

const TYPE_SOURCE = 'fn main() do\n  let n :: Int = "x"\n  println(n)\nend\n';
const typeRule = (extra = {}): FakeMeshcRules => ({
  rules: [
    {
      when: { source: 'let n' },
      then: {
        build: {
          kind: 'type-error',
          code: 'E0001',
          headline: 'expected String, found Int',
          message: 'type mismatch: expected `String`, found `Int`',
          at: '"x"',
          label: 'expected String from annotation',
          help: 'use to_string()',
          ...extra,
        },
      },
    },
  ],
});

describe('fake-meshc CLI', () => {
  it('prints `meshc <version>` on stdout for --version and -V', async () => {
    const { run } = await setup({ version: '0.1.0' });
    for (const flag of ['--version', '-V']) {
      const record = await run([flag]);
      expect(record).toMatchObject({ exitCode: 0, stdout: 'meshc 0.1.0\n', stderr: '' });
    }
  });

  it('lists the subcommands of each dialect in --help', async () => {
    const commands = (help: string): string[] => [...help.split('Commands:\n')[1]!.split('\n\n')[0]!.matchAll(/^ {2}(\S+)/gm)].map((m) => m[1]!);
    const feb = await (await setup({ dialect: 'february' })).run(['--help']);
    const apr = await (await setup({ dialect: 'april' })).run(['--help']);
    expect(commands(feb.stdout)).toEqual(['build', 'init', 'deps', 'fmt', 'repl', 'lsp', 'migrate', 'help']);
    expect(commands(apr.stdout)).toEqual(['build', 'init', 'cluster', 'deps', 'update', 'fmt', 'repl', 'lsp', 'test', 'migrate', 'help']);
  });

  it('knows `test` only in the April dialect', async () => {
    const feb = await (await setup({ dialect: 'february' })).run(['test', '--help']);
    expect(feb.exitCode).toBe(2);
    expect(feb.stderr).toMatch(/^error: unrecognized subcommand 'test'/);
    const apr = await (await setup({ dialect: 'april' })).run(['test', '--help']);
    expect(apr.exitCode).toBe(0);
  });

  it('exits 2 on clap usage errors', async () => {
    const { run } = await setup({});
    for (const args of [['build'], ['build', 'proj', '--bogus'], ['build', 'proj', '--opt-level', 'x'], ['run', 'proj']]) {
      const record = await run(args);
      expect(record.exitCode, args.join(' ')).toBe(2);
      expect(record.stderr).toMatch(/^error: /);
      expect(record.stdout).toBe('');
    }
  });

  it('fails loudly on a broken rules file, with its own exit code', async () => {
    const { root } = await setup({});
    const rulesPath = join(root, 'bad.json');
    await writeFile(rulesPath, JSON.stringify({ rules: [{ when: { sauce: 'x' } }] }));
    const record = await runProcess(process.execPath, [FAKE_MESHC_PATH, 'build', 'proj'], { cwd: root, env: { FAKE_MESHC_RULES: rulesPath }, timeoutMs: 20_000 });
    expect(record.exitCode).toBe(97);
    expect(record.stderr).toContain("fake-meshc (test double): rule 0: unknown 'when' key 'sauce'");
  });
});

describe('fake-meshc build: success', () => {
  it('writes the binary to <DIR>/<basename>, stdout empty, `  Compiled:` last on stderr', async () => {
    const { run, root } = await setup({});
    const record = await run(['build', 'proj', '--no-color']);
    expect(record).toMatchObject({ exitCode: 0, stdout: '', stderr: '  Compiled: proj/proj\n' });
    const binary = await runProcess(join(root, 'proj/proj'), [], { timeoutMs: 10_000 });
    expect(binary).toMatchObject({ exitCode: 0, stdout: 'hi\n' });
  });

  it('honours -o and --emit-llvm (IR line first, .ll next to the output)', async () => {
    const { run, root } = await setup({});
    await mkdir(join(root, 'out'));
    const record = await run(['build', 'proj', '-o', 'out/app', '--emit-llvm', '--no-color']);
    expect(record.stderr).toBe('  LLVM IR: out/app.ll\n  Compiled: out/app\n');
    expect(existsSync(join(root, 'out/app'))).toBe(true);
  });

  it('names the binary `output` when DIR is `.`', async () => {
    const { meshc, root } = await setup({});
    const record = await runProcess(meshc.path, ['build', '.', '--no-color'], { cwd: join(root, 'proj'), timeoutMs: 20_000 });
    expect(record.stderr).toBe('  Compiled: output\n');
  });

  it('prints the println/print literals of fn main by default, not those of other functions', async () => {
    const { run, root } = await setup({}, {
      'main.mpl': 'fn helper() do\n  println("not me")\nend\n\nfn main() do\n  println("one")\n  print("two \\"q\\"")\n  println("")\nend\n',
    });
    await run(['build', 'proj', '--no-color']);
    const binary = await runProcess(join(root, 'proj/proj'), [], { timeoutMs: 10_000 });
    expect(binary.stdout).toBe('one\ntwo "q"\n');
  });

  it('prints warnings (they never fail the build) and [mesh-codegen] warnings', async () => {
    const { run } = await setup({
      rules: [{ then: { build: { kind: 'ok', warnings: [{ code: 'W0001', headline: 'redundant match arm (arm 2)', at: 'println' }], codegenWarnings: ["call to 'show' could not be resolved as a trait method for type 'Int'. This may indicate a type checker bug."] } } }],
    });
    const record = await run(['build', 'proj', '--no-color']);
    expect(record.exitCode).toBe(0);
    expect(record.stderr).toMatch(/^\[W0001\] Warning: redundant match arm \(arm 2\)\n/);
    expect(record.stderr).toContain("[mesh-codegen] warning: call to 'show' could not be resolved");
    expect(record.stderr.endsWith('  Compiled: proj/proj\n')).toBe(true);
  });
});

describe('fake-meshc build: front-end errors', () => {
  it('renders a type error in the ariadne layout, then the final error line', async () => {
    const { run } = await setup(typeRule(), { 'main.mpl': TYPE_SOURCE });
    const record = await run(['build', 'proj', '--no-color']);
    expect(record.exitCode).toBe(1);
    expect(record.stdout).toBe('');
    const lines = record.stderr.split('\n');
    expect(lines[0]).toBe('[E0001] Error: expected String, found Int');
    expect(lines[1]).toBe('   ╭─[ proj/main.mpl:2:18 ]');
    expect(lines[2]).toBe('   │');
    expect(lines[3]).toBe(' 2 │   let n :: Int = "x"');
    expect(lines[4]).toMatch(/^ {3}│ {18}─┬─ *$/);
    expect(lines[5]).toMatch(/^ {3}│ {19}╰─+ expected String from annotation$/);
    expect(lines).toContain('   │ Help: use to_string()');
    expect(lines.at(-3)).toBe('───╯');
    expect(lines.at(-2)).toBe('error: Compilation failed due to errors above.');
    expect(record.stderr).not.toContain('\u001b['); // no colour
  });

  it('streams type errors as JSON objects written back to back, then C0001 on its own line', async () => {
    const { run } = await setup(
      typeRule({ errors: [{ code: 'E0001', message: 'type mismatch: expected `String`, found `Int`', at: '"x"', label: 'here' }, { code: 'E0004', message: 'unbound variable `y`', at: 'println' }] }),
      { 'main.mpl': TYPE_SOURCE },
    );
    const record = await run(['build', 'proj', '--json']);
    expect(record.exitCode).toBe(1);
    expect(record.stderr).toMatch(/\}\{"code":"E0004"/); // not newline-separated
    const { objects, rest } = scanJsonObjects(record.stderr);
    expect(rest.trim()).toBe('');
    expect(objects).toHaveLength(3);
    expect(Object.keys(objects[0] as object)).toEqual(['code', 'severity', 'message', 'file', 'spans', 'fix']);
    expect(objects[0]).toMatchObject({ code: 'E0001', severity: 'error', file: 'proj/main.mpl', spans: [{ start: 30, end: 33, label: 'here' }] });
    expect(objects[2]).toEqual({ code: 'C0001', file: '', fix: null, message: 'Compilation failed due to errors above.', severity: 'error', spans: [] });
    expect(record.stderr.endsWith('"spans":[]}\n')).toBe(true);
  });

  it('renders parse errors with <unknown> as the file, and as sorted-key P0001 JSON', async () => {
    const rules: FakeMeshcRules = { rules: [{ then: { build: { kind: 'parse-error', message: 'expected R_PAREN', line: 2, col: 11 } } }] };
    const human = await (await setup(rules, { 'main.mpl': 'fn main() do\n  println("a"\nend\n' })).run(['build', 'proj', '--no-color']);
    expect(human.stderr).toMatch(/^Error: Parse error\n {3}╭─\[ <unknown>:2:11 \]\n/);
    expect(human.stderr).toContain('expected R_PAREN');
    expect(human.stderr.endsWith('error: Compilation failed due to errors above.\n')).toBe(true);
    const json = await (await setup(rules, { 'main.mpl': 'fn main() do\n  println("a"\nend\n' })).run(['build', 'proj', '--json']);
    const [first] = json.stderr.split('\n');
    const parsed = JSON.parse(first!) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['code', 'file', 'fix', 'message', 'severity', 'spans']);
    expect(parsed).toMatchObject({ code: 'P0001', file: 'proj/main.mpl', message: 'Parse error: expected R_PAREN' });
  });

  it('reports a missing main.mpl in each dialect’s words', async () => {
    const files = { 'util.mpl': 'pub fn f() do\n  1\nend\n' };
    const feb = await (await setup({ dialect: 'february' }, files)).run(['build', 'proj', '--no-color']);
    expect(feb.stderr).toBe("error: No 'main.mpl' found in 'proj'. Mesh projects must have a main.mpl entry point.\n");
    const apr = await (await setup({ dialect: 'april' }, files)).run(['build', 'proj', '--no-color']);
    expect(apr.stderr).toBe("error: Entrypoint 'main.mpl' was not found in project 'proj'\n");
  });

  it('rejects a DIR that is not a directory', async () => {
    const record = await (await setup({})).run(['build', 'proj/main.mpl', '--no-color']);
    expect(record).toMatchObject({ exitCode: 1, stderr: "error: 'proj/main.mpl' is not a directory\n" });
  });
});

describe('fake-meshc build: back-end failures and crashes', () => {
  it('prints an LLVM verification failure on one line, Rust-escaped', async () => {
    const rules: FakeMeshcRules = { rules: [{ when: { source: 'case\\s+List\\.find' }, then: { build: { kind: 'llvm-verify', text: "PHI node entries do not match predecessors!\n  %and_result = phi i1 [ 'x' ]\n" } } }] };
    const files = { 'main.mpl': 'fn main() do\n  case List.find(xs, f) do\n    Some(x) -> x\n  end\nend\n' };
    const human = await (await setup(rules, files)).run(['build', 'proj', '--no-color']);
    expect(human.exitCode).toBe(1);
    expect(human.stderr).toBe(`error: LLVM module verification failed: "PHI node entries do not match predecessors!\\n  %and_result = phi i1 [ \\'x\\' ]\\n"\n`);
    const json = await (await setup(rules, files)).run(['build', 'proj', '--json']);
    const { objects } = scanJsonObjects(json.stderr);
    expect(objects).toEqual([expect.objectContaining({ code: 'C0001', message: expect.stringMatching(/^LLVM module verification failed: "PHI node/) })]);
  });

  it('panics like Rust: exit 101, thread line with a dialect path', async () => {
    const rules = (dialect: 'february' | 'april'): FakeMeshcRules => ({ dialect, rules: [{ when: { imports: 'Util' }, then: { build: { kind: 'panic', message: 'Found IntValue but expected the PointerValue variant' } } }] });
    const files = { 'main.mpl': 'import Util\nfn main() do\n  println("x")\nend\n', 'util.mpl': 'pub fn f() do\n  1\nend\n' };
    const feb = await (await setup(rules('february'), files)).run(['build', 'proj', '--no-color']);
    expect(feb.exitCode).toBe(101);
    expect(feb.stderr).toMatch(/^\nthread 'main' \(\d+\) panicked at crates\/mesh-codegen\/\S+:\d+:\d+:\nFound IntValue but expected the PointerValue variant\nnote: run with `RUST_BACKTRACE=1`/);
    const apr = await (await setup(rules('april'), files)).run(['build', 'proj', '--json']);
    expect(apr.exitCode).toBe(101);
    expect(apr.stderr).toMatch(/panicked at compiler\/mesh-codegen\//);
  });

  it('fails in code generation without fn main, as both real compilers do (no link, no object file)', async () => {
    const files = { 'main.mpl': 'fn helper() do\n  1\nend\n' };
    for (const dialect of ['february', 'april'] as const) {
      const made = await setup({ dialect }, files);
      const human = await made.run(['build', 'proj', '--no-color']);
      expect(human).toMatchObject({ exitCode: 1, stdout: '', stderr: 'error: Unsupported binop type: String\n' });
      expect(existsSync(join(made.root, 'proj/proj.o'))).toBe(false);
      const json = await made.run(['build', 'proj', '--json']);
      expect(json.stderr).toBe('{"code":"C0001","file":"","fix":null,"message":"Unsupported binop type: String","severity":"error","spans":[]}\n');
    }
  });

  it('fails to link the way each dialect prints it, leaving the object file', async () => {
    const rules = (dialect: 'february' | 'april'): FakeMeshcRules => ({ dialect, rules: [{ then: { build: { kind: 'link', stderr: 'ld: boom\n' } } }] });
    const feb = await setup(rules('february'));
    const record = await feb.run(['build', 'proj', '--no-color']);
    expect(record).toMatchObject({ exitCode: 1, stderr: 'error: Linking failed:\nld: boom\n\n' }); // February keeps the linker's newline
    expect(existsSync(join(feb.root, 'proj/proj.o'))).toBe(true);
    expect(existsSync(join(feb.root, 'proj/proj'))).toBe(false);
    const apr = await (await setup(rules('april'))).run(['build', 'proj', '--no-color']);
    expect(apr.stderr).toMatch(/^error: Linking failed for target 'x86_64-unknown-linux-gnu'\.\nlinker: cc\nruntime: .*\nstderr:\nld: boom\n$/);
  });

  it('reports a missing runtime library in each dialect’s words', async () => {
    const rules = (dialect: 'february' | 'april'): FakeMeshcRules => ({ dialect, rules: [{ then: { build: { kind: 'runtime-missing' } } }] });
    expect((await (await setup(rules('february'))).run(['build', 'proj', '--no-color'])).stderr).toMatch(/^error: Could not locate libmesh_rt\.a\./);
    expect((await (await setup(rules('april'))).run(['build', 'proj', '--no-color'])).stderr).toMatch(/^error: Could not locate Mesh runtime static library for target '.*'\.[\s\S]*\nSearched:\n {2}- /);
  });

  it('dies by a signal, and overflows its stack with SIGABRT', async () => {
    const segv = await (await setup({ rules: [{ then: { build: { kind: 'signal', signal: 'SIGSEGV' } } }] })).run(['build', 'proj', '--no-color']);
    expect(segv).toMatchObject({ exitCode: null, signal: 'SIGSEGV' });
    const overflow = await (await setup({ rules: [{ then: { build: { kind: 'stack-overflow' } } }] })).run(['build', 'proj', '--no-color']);
    expect(overflow.signal).toBe('SIGABRT');
    expect(overflow.stderr).toMatch(/thread 'main' (\(\d+\) )?has overflowed its stack\nfatal runtime error: stack overflow, aborting/);
  });

  it('hangs until killed', async () => {
    const { meshc, root } = await setup({ rules: [{ then: { build: { kind: 'hang' } } }] });
    const record = await runProcess(meshc.path, ['build', 'proj'], { cwd: root, timeoutMs: 400 });
    expect(record.timedOut).toBe(true);
  });
});

describe('fake-meshc rule conditions', () => {
  const probe = async (rules: FakeMeshcRules, files: Record<string, string>, args: string[] = []): Promise<string | number | null> => {
    const made = await setup(rules, files);
    await made.run(['build', 'proj', '--no-color', ...args]);
    const [call] = (await made.meshc.invocations()).slice(-1);
    return call!.rule;
  };
  const main = { 'main.mpl': 'fn main() do\n  if a && b do\n    println("x")\n  end\nend\n' };

  it('matches opt-level, json, multi-module, imports, inFile and notSource', async () => {
    const rules: FakeMeshcRules = {
      rules: [
        { name: 'o2', when: { source: '&&', optLevel: [2, 3] } },
        { name: 'json', when: { json: true } },
        { name: 'multi', when: { multiModule: true, imports: 'Lib\\.Text' } },
        { name: 'util-file', when: { inFile: 'util.mpl', source: 'secret' } },
        { name: 'no-and', when: { notSource: '&&' } },
      ],
    };
    expect(await probe(rules, main, ['--opt-level', '2'])).toBe('o2');
    expect(await probe(rules, main, ['--opt-level', '1'])).toBeNull();
    expect(await probe(rules, { ...main, 'lib/text.mpl': 'x' }, [])).toBeNull();
    expect(await probe(rules, { 'main.mpl': 'import Lib.Text\nfn main() do\n  a && b\nend\n', 'lib/text.mpl': 'x' })).toBe('multi');
    expect(await probe(rules, { ...main, 'util.mpl': 'secret' })).toBe('util-file');
    expect(await probe(rules, { 'main.mpl': 'fn main() do\nend\n' })).toBe('no-and');
  });

  it('skips hidden entries always and *.test.mpl in the April dialect', async () => {
    const files = { ...main, '.hidden/x.mpl': 'x', 'a.test.mpl': 'x' };
    const feb = await setup({ dialect: 'february' }, files);
    await feb.run(['build', 'proj', '--no-color']);
    expect((await feb.meshc.invocations())[0]!.files).toEqual(['a.test.mpl', 'main.mpl']);
    const apr = await setup({ dialect: 'april' }, files);
    await apr.run(['build', 'proj', '--no-color']);
    expect((await apr.meshc.invocations())[0]!.files).toEqual(['main.mpl']);
  });
});

describe('shared example rules (test/support/fake-meshc-rules/)', () => {
  const examples = async (name: string): Promise<FakeMeshcRules> =>
    JSON.parse(await readFile(new URL(`../../support/fake-meshc-rules/${name}`, import.meta.url), 'utf8')) as FakeMeshcRules;

  it('triage-examples.json: each documented scenario happens', async () => {
    const rules = await examples('triage-examples.json');
    const listFind = await (await setup(rules, { 'main.mpl': 'fn main() do\n  case List.find(xs, f) do\n    Some(x) -> x\n  end\nend\n' })).run(['build', 'proj', '--no-color']);
    expect(listFind.stderr).toMatch(/^error: LLVM module verification failed: "Instruction does not dominate all uses!\\n/);
    const store = await (await setup(rules, { 'main.mpl': 'import Store\nfn main() do\n  println("x")\nend\n', 'store.mpl': 'pub fn f() do\n  1\nend\n' })).run(['build', 'proj', '--no-color']);
    expect(store.exitCode).toBe(101);
    const andChain = await setup(rules, { 'main.mpl': 'fn main() do\n  if a && b do\n    println("then branch")\n  end\nend\n' });
    await andChain.run(['build', 'proj', '--no-color', '--opt-level', '2']);
    expect((await runProcess(join(andChain.root, 'proj/proj'), [], { timeoutMs: 10_000 })).stdout).toBe('else branch\n');
    await andChain.run(['build', 'proj', '--no-color']);
    expect((await runProcess(join(andChain.root, 'proj/proj'), [], { timeoutMs: 10_000 })).stdout).toBe('then branch\n');
  });

  it('february-baseline.json: is the February dialect', async () => {
    const rules = await examples('february-baseline.json');
    expect(rules.dialect).toBe('february');
    const record = await (await setup(rules, { 'main.mpl': 'fn main() do\n  case List.find(xs, f) do\n  end\nend\n' })).run(['build', 'proj', '--no-color']);
    expect(record.stderr).toMatch(/^Error: Parse error\n/);
  });
});
