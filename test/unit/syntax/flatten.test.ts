import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childByField, flattenProject, nodeText, parseProject, parseSource, type ParsedProject } from '../../../src/syntax/index.js';
import { UserError } from '../../../src/types/index.js';

const FIXTURES = resolve(__dirname, 'fixtures');
const SHARED_PROJECTS = resolve(__dirname, '../../../fixtures/mesh/projects');

/** Top-level definition names of a file, by kind. */
function definedNames(source: string): string[] {
  const { root } = parseSource(source);
  const names: string[] = [];
  for (const item of root.children) {
    const name = childByField(item, 'name');
    if (name && item.type !== 'module_definition') names.push(nodeText(source, name));
    if (item.type === 'sum_type_definition') {
      for (const v of childByField(item, 'body')?.children ?? []) {
        const vn = v.type === 'variant' ? childByField(v, 'name') : undefined;
        if (vn) names.push(nodeText(source, vn));
      }
    }
  }
  return names;
}

/** Every definition of every module appears in the flattened file under its final name. */
function expectAllDefinitionsKept(project: ParsedProject, flat: { source: string; renames: readonly { module: string | null; from: string; to: string }[] }): void {
  const kept = new Set(definedNames(flat.source));
  for (const file of project.files) {
    for (const name of definedNames(file.source)) {
      const renamed = flat.renames.find((r) => r.module === file.module && r.from === name);
      expect(kept.has(renamed ? renamed.to : name), `${file.relPath}: ${name}`).toBe(true);
    }
  }
}

function expectNoProjectImports(project: ParsedProject, source: string): void {
  for (const file of project.files) {
    if (file.module === null) continue;
    expect(source).not.toMatch(new RegExp(`^\\s*(import|from)\\s+${file.module.replace(/\./g, '\\.')}\\b`, 'm'));
  }
}

describe('flattenProject on a project with collisions', () => {
  let project: ParsedProject;
  let flat: ReturnType<typeof flattenProject>;
  beforeAll(async () => {
    project = await parseProject(join(FIXTURES, 'collide'));
    flat = flattenProject(project);
  });

  it('names modules from paths', () => {
    expect(project.files.map((f) => [f.relPath, f.module])).toEqual([
      ['alert/rules.mpl', 'Alert.Rules'],
      ['ingest/parser.mpl', 'Ingest.Parser'],
      ['main.mpl', null],
      ['text/format.mpl', 'Text.Format'],
    ]);
  });

  it('orders modules by the entry\'s imports, dependencies first, entry last', () => {
    expect(flat.order).toEqual(['Ingest.Parser', 'Alert.Rules', 'Text.Format', null]);
  });

  it('renames colliding and captured names and reports them', () => {
    expect(flat.renames).toEqual([
      { module: 'Alert.Rules', from: 'Event', to: 'AlertRulesEvent' },
      { module: 'Alert.Rules', from: 'parse', to: 'alert_rules_parse' },
      // kept name would be shadowed by `let describe` in main where Rules.describe is used
      { module: 'Alert.Rules', from: 'describe', to: 'alert_rules_describe' },
      { module: 'Alert.Rules', from: 'helper', to: 'alert_rules_helper' },
      // main calls the builtin println: Text.Format's private println must not capture it
      { module: 'Text.Format', from: 'println', to: 'text_format_println' },
    ]);
  });

  it('rewrites qualified uses, types and struct literals, and leaves locals alone', () => {
    const s = flat.source;
    expect(s).toContain('let hit :: AlertRulesEvent = alert_rules_parse("cpu")');
    expect(s).toContain('println(alert_rules_describe(AlertRulesEvent { rule: "mem" }))');
    expect(s).toContain('println(describe)');
    expect(s).toContain('println(show(e))');
    expect(s).toContain('if n > alert_rules_helper(10) do');
    expect(s).toContain('Event { kind: line, size: helper(String.length(line)) }');
    expect(s).toContain('text_format_println("${e.kind}:${e.size}")');
    expect(s).toContain('println(severity_label(level(50)))');
  });

  it('keeps nested modules verbatim (meshc ignores them)', () => {
    expect(flat.source).toContain('module Scratch do\n  fn parse() do\n    1\n  end\nend');
  });

  it('produces one file that parses with zero errors, without project imports, keeping every definition', () => {
    expect(parseSource(flat.source).errors).toEqual([]);
    expectNoProjectImports(project, flat.source);
    expect(flat.source).not.toMatch(/^\s*(import|from)\s/m);
    expectAllDefinitionsKept(project, flat);
    expect(definedNames(flat.source).filter((n) => n === 'main')).toHaveLength(1);
  });
});

describe('flattenProject on a project with a service, interfaces and aliases', () => {
  it('renames a colliding interface everywhere it is named, and leaves service calls alone', async () => {
    const project = await parseProject(join(FIXTURES, 'services'));
    expect(project.files.map((f) => f.module)).toEqual([null, 'Model.Label', 'Model.Shape', 'Workers.Counter']);
    const flat = flattenProject(project);
    expect(flat.renames).toEqual([
      { module: 'Model.Label', from: 'Describe', to: 'ModelLabelDescribe' },
      { module: 'Model.Label', from: 'describe', to: 'model_label_describe' },
    ]);
    expect(flat.source).toContain('pub interface ModelLabelDescribe do\n  fn describe(self) -> String\nend');
    expect(flat.source).toContain('impl ModelLabelDescribe for Tag do\n  fn describe(self) -> String do');
    expect(flat.source).toContain('impl Describe for Point do');
    expect(flat.source).toContain('let t :: Tally = Counter.get(pid)');
    expect(flat.source).toContain('println(model_label_describe(Tag { text: "hi" }))');
    expect(flat.source).toContain('println(describe(origin()))');
    expect(parseSource(flat.source).errors).toEqual([]);
    expectAllDefinitionsKept(project, flat);
  });
});

describe('flattenProject edge cases', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flatten-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function project(name: string, files: Record<string, string>): Promise<ParsedProject> {
    for (const [rel, text] of Object.entries(files)) {
      await mkdir(join(dir, name, rel, '..'), { recursive: true });
      await writeFile(join(dir, name, rel), text);
    }
    return parseProject(join(dir, name));
  }

  it('rejects import cycles and self-imports like meshc', async () => {
    const cyclic = await project('cycle', {
      'main.mpl': 'import A\nfn main() do\n  A.f()\nend\n',
      'a.mpl': 'import B\npub fn f() -> Int do\n  B.g()\nend\n',
      'b.mpl': 'import A\npub fn g() -> Int do\n  1\nend\n',
    });
    expect(() => flattenProject(cyclic)).toThrow(/circular dependency: A -> B -> A/);
    const selfish = await project('self', {
      'main.mpl': 'fn main() do\n  1\nend\n',
      'a.mpl': 'import A\npub fn f() -> Int do\n  1\nend\n',
    });
    expect(() => flattenProject(selfish)).toThrow(UserError);
  });

  it('needs the entry file', async () => {
    const lib = await project('lib', { 'util.mpl': 'pub fn f() -> Int do\n  1\nend\n' });
    expect(() => flattenProject(lib)).toThrow(/no main\.mpl/);
  });

  it('hoists imports of non-project modules once and keeps pub', async () => {
    const p = await project('ext', {
      'main.mpl': 'from Json import encode\nimport Util\nfn main() do\n  println(Util.twice(2))\nend\n',
      'util.mpl': 'from Json import encode\npub fn twice(x :: Int) -> Int do\n  x * 2\nend\n',
    });
    const flat = flattenProject(p);
    expect(flat.source.match(/from Json import encode/g)).toHaveLength(1);
    expect(flat.source.indexOf('from Json import encode')).toBeLessThan(flat.source.indexOf('pub fn twice'));
    expect(flat.source).toContain('println(twice(2))');
    expect(parseSource(flat.source).errors).toEqual([]);
    expect(flat.renames).toEqual([]);
  });

  it('handles the parenthesised multi-line from-import form', async () => {
    const p = await project('paren', {
      'main.mpl': 'from Util import (\n  twice,\n  Box,\n)\nfn main() do\n  println(twice(Box { v: 2 }.v))\nend\nfn helper() -> Int do\n  0\nend\n',
      'util.mpl': 'pub struct Box do\n  v :: Int\nend\npub fn twice(x :: Int) -> Int do\n  helper(x) * 2\nend\nfn helper(x :: Int) -> Int do\n  x\nend\n',
    });
    const flat = flattenProject(p);
    expect(flat.renames).toEqual([{ module: 'Util', from: 'helper', to: 'util_helper' }]);
    expect(flat.source).not.toContain('from Util');
    expect(flat.source).not.toMatch(/^\s*twice,$/m);
    expect(flat.source).toContain('  util_helper(x) * 2');
    expect(parseSource(flat.source).errors).toEqual([]);
  });

  it('renames multi-clause functions and variants everywhere, including patterns and qualified variants', async () => {
    const p = await project('clauses', {
      'main.mpl': [
        'from Shapes import Shape, area',
        'import Other',
        'fn main() do',
        '  let s = Circle(2)',
        '  case s do',
        '    Circle(r) -> println("${area(s)} ${r}")',
        '    Square(_) -> println("square")',
        '  end',
        '  println(Other.fact(5))',
        'end',
        'fn fact(0) = 1',
        'fn fact(n) = n * fact(n - 1)',
        '',
      ].join('\n'),
      'shapes.mpl': 'pub type Shape do\n  Circle(Int)\n  Square(Int)\nend\npub fn area(s :: Shape) -> Int do\n  case s do\n    Circle(r) -> r * r * 3\n    Square(w) -> w * w\n  end\nend\n',
      'other.mpl': 'type Local do\n  Circle(Int)\nend\npub fn fact(0) = 1\npub fn fact(n) = n * fact(n - 1)\nfn mk() -> Local do\n  Circle(1)\nend\n',
    });
    const flat = flattenProject(p);
    expect(flat.renames).toEqual([
      { module: 'Other', from: 'Circle', to: 'OtherCircle' },
      { module: 'Other', from: 'fact', to: 'other_fact' },
    ]);
    expect(flat.source).toContain('pub fn other_fact(0) = 1\npub fn other_fact(n) = n * other_fact(n - 1)');
    expect(flat.source).toContain('type Local do\n  OtherCircle(Int)\nend');
    expect(flat.source).toContain('  OtherCircle(1)\n');
    expect(flat.source).toContain('println(other_fact(5))');
    expect(flat.source).toContain('fn fact(n) = n * fact(n - 1)');
    expect(flat.source).toContain('    Circle(r) -> println("${area(s)} ${r}")');
    expect(parseSource(flat.source).errors).toEqual([]);
    expectAllDefinitionsKept(p, flat);
  });

  it('respects parameter, closure and pattern bindings that shadow module names', async () => {
    const p = await project('shadow', {
      'main.mpl': 'import Util\nfn main() do\n  println(Util.pick(1))\nend\nfn pick(x :: Int) -> Int do\n  x\nend\n',
      'util.mpl': 'pub fn pick(pick :: Int) -> Int do\n  let f = fn pick -> pick + 1 end\n  f(pick)\nend\n',
    });
    const flat = flattenProject(p);
    expect(flat.renames).toEqual([{ module: 'Util', from: 'pick', to: 'util_pick' }]);
    expect(flat.source).toContain('pub fn util_pick(pick :: Int) -> Int do\n  let f = fn pick -> pick + 1 end\n  f(pick)\nend');
    expect(flat.source).toContain('println(util_pick(1))');
  });

  it('flattens deeply nested code without overflowing the stack', async () => {
    const depth = 10_000;
    const p = await project('deep', {
      'main.mpl': 'import Deep\nfn main() do\n  println(Deep.value())\nend\n',
      'deep.mpl': `pub fn value() -> Int do\n  ${'('.repeat(depth)}helper()${')'.repeat(depth)}\nend\nfn helper() -> Int do\n  1\nend\n`,
    });
    const flat = flattenProject(p);
    expect(flat.source).toContain('println(value())');
    expect(parseSource(flat.source).errors).toEqual([]);
  });
});

describe('flattenProject on the shared multi-module fixtures', () => {
  const dirs = existsSync(SHARED_PROJECTS)
    ? readdirSync(SHARED_PROJECTS, { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(join(SHARED_PROJECTS, d.name, 'main.mpl'))).map((d) => d.name)
    : [];
  it.skipIf(dirs.length === 0).each(dirs)('%s flattens to one clean file keeping every definition', async (name) => {
    const project = await parseProject(join(SHARED_PROJECTS, name));
    expect(project.files.every((f) => f.errors.length === 0)).toBe(true);
    const flat = flattenProject(project);
    expect(parseSource(flat.source).errors).toEqual([]);
    expectNoProjectImports(project, flat.source);
    expectAllDefinitionsKept(project, flat);
    expect(flat.order[flat.order.length - 1]).toBeNull();
  });
});
