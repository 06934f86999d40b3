import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every Markdown file a user reads in a clone: README, docs/, and the READMEs of fixtures and the grammar. */
const ROOT = resolve(import.meta.dirname, '../../..');

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : markdownFiles(path);
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

const DOCS = [join(ROOT, 'README.md'), ...markdownFiles(join(ROOT, 'docs')), ...markdownFiles(join(ROOT, 'fixtures')), join(ROOT, 'tree-sitter-mesh/README.md')];

describe('docs work in a clone', () => {
  it('finds the docs', () => {
    expect(DOCS.length).toBeGreaterThan(10);
  });

  it.each(DOCS.map((path) => [relative(ROOT, path), path]))('%s links only to files inside the repository', (_name, path) => {
    const text = readFileSync(path, 'utf8');
    const broken: string[] = [];
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^(https?:|mailto:|#)/.test(target!)) continue;
      const file = resolve(dirname(path), target!.replace(/#.*$/, ''));
      if (relative(ROOT, file).startsWith('..') || !existsSync(file)) broken.push(target!);
    }
    expect(broken).toEqual([]);
  });

  it.each(DOCS.map((path) => [relative(ROOT, path), path]))('%s names no machine path or the design folder outside the clone', (_name, path) => {
    const text = readFileSync(path, 'utf8');
    expect(text).not.toMatch(/\.\.\/shared\b|(^|[\s`(])\/(work|root)\//m);
  });
});
