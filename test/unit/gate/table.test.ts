import { describe, expect, it } from 'vitest';
import { Chalk } from 'chalk';
import { alignColumns } from '../../../src/gate/table.js';

describe('alignColumns', () => {
  it('keeps at least two spaces between columns whatever the widths', () => {
    // The widest outcome used to fill its whole column: `still-fixedactor-params`.
    const lines = alignColumns([
      ['  still-fixed', 'actor-params', 'prints the expected output'],
      ['✗ fixed', 'a', 'builds'],
      ['an-outcome-wider-than-all', 'b', 'x'],
    ]);
    expect(lines).toEqual([
      '  still-fixed              actor-params  prints the expected output',
      '✗ fixed                    a             builds',
      'an-outcome-wider-than-all  b             x',
    ]);
  });

  it('measures painted cells by their visible text', () => {
    const paint = new Chalk({ level: 1 });
    const lines = alignColumns([
      [paint.green('  still-open'), 'x', 'd'],
      ['  still-fixed', 'y', 'd'],
    ]);
    expect(lines[0]).toBe(`${paint.green('  still-open')}   x  d`);
    expect(lines[1]).toBe('  still-fixed  y  d');
  });

  it('honours another gap, and leaves single-column rows and no rows alone', () => {
    expect(alignColumns([['ab', 'c'], ['a', 'c']], 4)).toEqual(['ab    c', 'a     c']);
    expect(alignColumns([['only']])).toEqual(['only']);
    expect(alignColumns([])).toEqual([]);
  });
});
