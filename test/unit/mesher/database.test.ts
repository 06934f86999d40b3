import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/mesher/database.js';
import { withSql } from '../../../src/mesher/sql.js';

describe('embedded database', () => {
  it('starts a real PostgreSQL, clones a migrated database as a template, and leaves nothing behind', async () => {
    const db = await openDatabase({ keep: false, runId: 'unit' });
    try {
      expect(db.kind).toBe('embedded');
      expect(existsSync(db.root!)).toBe(true);
      await withSql(db.url, async (sql) => {
        await sql.query('CREATE TABLE t (n int)');
        await sql.query('INSERT INTO t VALUES (41), (1)');
        expect(await sql.query('SELECT gen_random_uuid() IS NOT NULL AS ok')).toEqual([{ ok: true }]);
      });
      // A template must have no open sessions while it is copied.
      const copy = await db.cloneDatabase('mesher', 'mesher_copy');
      expect(await withSql(copy, (sql) => sql.query('SELECT sum(n)::int AS s FROM t'))).toEqual([{ s: 42 }]);
      await db.dropDatabase('mesher_copy');
      await expect(withSql(copy, (sql) => sql.query('SELECT 1'))).rejects.toThrow(/does not exist/);
    } finally {
      await db.close();
    }
    expect(existsSync(db.root!)).toBe(false);
  }, 60_000);
});
