import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIELDS_BY_KIND, KEYWORDS, NODE_KINDS, PATTERN_KINDS, STATEMENT_KINDS, SUPERTYPES, TYPE_KINDS } from '../../../src/syntax/index.js';

describe('node-kinds.generated.ts', () => {
  it('is up to date with tree-sitter-mesh/src/node-types.json (else run node scripts/gen-node-types.js)', () => {
    const r = spawnSync(process.execPath, [resolve(__dirname, '../../../scripts/gen-node-types.js'), '--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('has the supertypes the tools rely on, with concrete members only', () => {
    for (const s of ['_item', '_statement', '_expression', '_pattern', '_type']) expect(SUPERTYPES[s]?.length ?? 0).toBeGreaterThan(0);
    expect(STATEMENT_KINDS.has('let_declaration')).toBe(true);
    expect(STATEMENT_KINDS.has('function_definition')).toBe(true); // through _item
    expect(PATTERN_KINDS.has('constructor_pattern')).toBe(true);
    expect(TYPE_KINDS.has('generic_type')).toBe(true);
    for (const members of Object.values(SUPERTYPES)) for (const m of members) expect(m.startsWith('_')).toBe(false);
    expect(FIELDS_BY_KIND['function_definition']).toContain('body');
    expect(KEYWORDS.has('do')).toBe(true);
    expect(new Set(NODE_KINDS).size).toBe(NODE_KINDS.length);
  });
});
