import { describe, expect, it } from 'vitest';
import { definesMain } from '../../../src/cli/triage.js';

/** The program fact `classify` passes to the classifier: does main.mpl define `fn main`? */
describe('definesMain', () => {
  const one = (source: string, extra: Record<string, string> = {}) => definesMain(new Map([['main.mpl', source], ...Object.entries(extra)]));

  it('finds a top-level fn main, in any form', () => {
    expect(one('fn main() do\n  println("hi")\nend\n')).toBe(true);
    expect(one('fn helper() -> Int do\n  1\nend\n\npub fn main() do\n  println("${helper()}")\nend\n')).toBe(true);
  });

  it('says false when main.mpl has none (an empty file, or only helpers)', () => {
    expect(one('')).toBe(false);
    expect(one('fn helper() -> Int do\n  1\nend\n')).toBe(false);
    expect(one('fn mainly() do\n  1\nend\n')).toBe(false);
  });

  it('only counts main.mpl, not a main in another module', () => {
    expect(one('fn helper() do\n  1\nend\n', { 'lib/util.mpl': 'pub fn main() do\n  1\nend\n' })).toBe(false);
  });

  it('is unsure (undefined) without main.mpl, with a manifest, or with syntax errors', () => {
    expect(definesMain(new Map([['lib.mpl', 'fn main() do\nend\n']]))).toBeUndefined();
    expect(one('fn helper() do\n  1\nend\n', { 'mesh.toml': '[package]\nname = "x"\n' })).toBeUndefined();
    expect(one('fn helper( do\n')).toBeUndefined();
  });
});
