import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GAP_CATALOG, judgeProbe, loadProbe, parseProbe, splitModules } from '../../../src/gaps/index.js';
import { parseSource } from '../../../src/syntax/index.js';
import { UserError } from '../../../src/types/index.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const PROBES = readdirSync(join(ROOT, 'fixtures/mesh/gaps')).filter((f) => f.endsWith('.mpl')).sort();

describe('probe programs', () => {
  it('exist for every compiler gap', () => {
    expect(PROBES.length).toBe(GAP_CATALOG.filter((g) => g.kind === 'compiler').length);
  });

  // Every probe parses with tree-sitter-mesh, parse-stage gaps included: the grammar models
  // the intended syntax (e.g. string_concat_pattern) that meshc's parser still rejects.
  it.each(PROBES)('%s parses with zero syntax errors', (file) => {
    const parsed = parseSource(readFileSync(join(ROOT, 'fixtures/mesh/gaps', file), 'utf8'), file);
    expect(parsed.errors).toEqual([]);
  });

  it.each(PROBES)('%s loads through loadProbe', async (file) => {
    const key = file.replace(/\.mpl$/, '');
    const probe = await loadProbe(key);
    expect(probe.key).toBe(key);
    expect(probe.files.get('main.mpl')).toContain('fn main');
    expect(() => new RegExp(probe.openPattern, 'im')).not.toThrow();
  });
});

describe('parseProbe', () => {
  const probe = parseProbe(
    [
      '# gap: demo-gap',
      '# open: parse — expected DO_KW',
      '# open: llvm-verify — does not dominate',
      '# fixed-output: one',
      '# fixed-output: ',
      '# fixed-output: three',
      '# exits: no',
      '# Prose: ignored',
      '',
      'fn main() do',
      '  println("one")',
      'end',
    ].join('\n'),
  );

  it('reads every header line', () => {
    expect(probe.key).toBe('demo-gap');
    expect(probe.openStage).toBe('parse');
    expect(probe.openPattern).toBe('expected DO_KW');
    expect(probe.open).toEqual([
      { stage: 'parse', pattern: 'expected DO_KW' },
      { stage: 'llvm-verify', pattern: 'does not dominate' },
    ]);
    expect(probe.expectedOutput).toEqual(['one', '', 'three']);
    expect(probe.exits).toBe(false);
    expect(probe.mode).toBe('build-run');
  });

  it('splits # open: at the first separator only and accepts ASCII dashes', () => {
    const p = parseProbe('# gap: x\n# open: wrong-output -- ^a - b — c$\n# fixed-output: 1\n');
    expect(p.open).toEqual([{ stage: 'wrong-output', pattern: '^a - b — c$' }]);
  });

  it('rejects incomplete or invalid headers with a UserError', () => {
    expect(() => parseProbe('fn main() do\nend\n')).toThrow(UserError);
    expect(() => parseProbe('# gap: x\n# fixed-output: 1\n')).toThrow(/open/);
    expect(() => parseProbe('# gap: x\n# open: runtime — boom\n# fixed-output: 1\n')).toThrow(/unknown stage/);
    expect(() => parseProbe('# gap: x\n# open: parse — (unclosed\n# fixed-output: 1\n')).toThrow(/regular expression/);
    expect(() => parseProbe('# gap: x\n# open: parse — boom\n')).toThrow(/fixed-output/);
  });

  it('rejects an unknown or malformed gap key', async () => {
    await expect(loadProbe('no-such-gap')).rejects.toThrow(/no probe/);
    await expect(loadProbe('../etc/passwd')).rejects.toThrow(/not a gap key/);
  });
});

describe('splitModules', () => {
  it('puts the text before the first # file: line in main.mpl and the rest in named modules', () => {
    const files = splitModules('from Kit import f\nfn main() do\n  f()\nend\n# file: kit.mpl\npub fn f() do\n  1\nend\n# file: util/more.mpl\nfn g() do\n  2\nend\n');
    expect([...files.keys()]).toEqual(['main.mpl', 'kit.mpl', 'util/more.mpl']);
    expect(files.get('main.mpl')).toBe('from Kit import f\nfn main() do\n  f()\nend\n');
    expect(files.get('kit.mpl')).toBe('pub fn f() do\n  1\nend\n');
  });

  it('splits the two-module probes', async () => {
    const probe = await loadProbe('cross-module-poly-export');
    expect([...probe.files.keys()]).toEqual(['main.mpl', 'kit.mpl']);
    expect(probe.files.get('kit.mpl')).toContain('pub fn same(x)');
    expect(probe.files.get('main.mpl')).not.toContain('pub fn same');
  });
});

describe('judgeProbe', () => {
  const probe = { open: [{ stage: 'llvm-verify' as const, pattern: 'PHI node entries' }], expectedOutput: ['inside', 'outside'], exits: true };

  it('says fixed when the program runs and prints the expected lines', () => {
    expect(judgeProbe(probe, { stage: 'ok', text: '', stdout: 'inside\noutside\n' })).toBe('fixed');
  });

  it('says still-open when the documented symptom appears', () => {
    expect(judgeProbe(probe, { stage: 'llvm-verify', text: 'LLVM module verification failed: "PHI node entries do not match predecessors!"', stdout: '' })).toBe('still-open');
  });

  it('says changed for any other failure or output', () => {
    expect(judgeProbe(probe, { stage: 'llvm-verify', text: 'Call parameter type does not match function signature!', stdout: '' })).toBe('changed');
    expect(judgeProbe(probe, { stage: 'ok', text: '', stdout: 'inside\n' })).toBe('changed');
    expect(judgeProbe(probe, { stage: 'runtime-crash', text: 'SIGSEGV', stdout: 'inside\noutside\n' })).toBe('changed');
  });

  it('matches wrong-output expectations against stdout', () => {
    const wrong = { open: [{ stage: 'wrong-output' as const, pattern: '^missing$' }], expectedOutput: ['1', 'found'], exits: true };
    expect(judgeProbe(wrong, { stage: 'ok', text: '', stdout: '2\nmissing\n' })).toBe('still-open');
    expect(judgeProbe(wrong, { stage: 'ok', text: '', stdout: '1\nfound\n' })).toBe('fixed');
  });

  it('accepts a timeout for probes that serve forever', () => {
    const server = { open: [{ stage: 'runtime-crash' as const, pattern: 'request failed|SIGSEGV' }], expectedOutput: ['body pong'], exits: false };
    expect(judgeProbe(server, { stage: 'hang', text: '', stdout: 'body pong\n' })).toBe('fixed');
    expect(judgeProbe(server, { stage: 'runtime-crash', text: 'killed by SIGSEGV', stdout: '' })).toBe('still-open');
    expect(judgeProbe({ ...server, exits: true }, { stage: 'hang', text: '', stdout: 'body pong\n' })).toBe('changed');
  });
});
