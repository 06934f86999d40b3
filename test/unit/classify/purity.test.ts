import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** classify/ is pure: it may import only its own files and src/types (architecture.md). */
describe('src/classify purity', () => {
  const dir = join(import.meta.dirname, '../../../src/classify');
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));

  it.each(files)('%s imports only ./ and ../types/', (file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    const specifiers = [...text.matchAll(/(?:import|export)[^;]*?from\s+'([^']+)'/g)].map((m) => m[1]!);
    for (const s of specifiers) expect(s).toMatch(/^(\.\/[\w-]+\.js|\.\.\/types\/index\.js)$/);
    expect(text).not.toMatch(/\bprocess\.|node:|require\(/);
  });
});
