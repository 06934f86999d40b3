import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseShard, selectShard } from '../../../src/gate/shard.js';
import { UserError } from '../../../src/types/index.js';

describe('parseShard', () => {
  it('parses i/n', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
  });
  it.each(['0/3', '4/3', '1/0', 'a/b', '1-3', '', '1/3/4'])('rejects %j as a usage error', (text) => {
    expect(() => parseShard(text)).toThrow(UserError);
  });
});

describe('selectShard', () => {
  it('puts every key in exactly one shard, whatever the input order', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1 }), { maxLength: 40 }), fc.integer({ min: 1, max: 7 }), (keys, count) => {
        const seen: string[] = [];
        for (let index = 1; index <= count; index++) seen.push(...selectShard(keys, (k) => k, { index, count }));
        expect(seen.sort()).toEqual([...keys].sort());
        const reversed = selectShard([...keys].reverse(), (k) => k, { index: 1, count });
        expect(reversed).toEqual(selectShard(keys, (k) => k, { index: 1, count }));
      }),
    );
  });
});
