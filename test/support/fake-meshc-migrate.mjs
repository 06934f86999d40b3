// `meshc migrate [DIR] [up|status]` for fake-meshc, the TEST DOUBLE of meshc. Real meshc
// compiles each `migrations/*.mpl` and runs it against DATABASE_URL; the double does not
// read Mesh: the rules file's top-level `migrate` object says what happens (see
// docs/fake-meshc.md): `sql` (applied with the first pending migration) and `fail` (that
// migration fails with this message). Output shapes follow real April meshc (on stderr).
// Written for this project.

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

export async function migrate(spec, args) {
  const [dir = '.', action = 'up'] = args.filter((a) => !a.startsWith('-'));
  const url = process.env.DATABASE_URL;
  if (!url) return fail('error: meshc migrate: DATABASE_URL environment variable is required');
  const folder = join(dir, 'migrations');
  const names = existsSync(folder) ? readdirSync(folder).filter((f) => /^\d{14}_\w+\.mpl$/.test(f)).sort().map((f) => f.slice(0, -4)) : [];
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    return fail(`error: Failed to connect to database: connection failed: ${err.message}`);
  }
  try {
    await client.query('CREATE TABLE IF NOT EXISTS _mesh_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
    const applied = new Set((await client.query('SELECT version::text AS v FROM _mesh_migrations')).rows.map((r) => r.v));
    const pending = names.filter((n) => !applied.has(n.slice(0, 14)));
    if (action === 'status') {
      process.stderr.write(`Migration Status:\n${names.map((n) => `  [${applied.has(n.slice(0, 14)) ? 'x' : ' '}] ${n}`).join('\n')}\n${names.length - pending.length} applied, ${pending.length} pending\n`);
      return;
    }
    if (pending.length === 0) {
      process.stderr.write('No pending migrations\n');
      return;
    }
    process.stderr.write(`Running ${pending.length} pending migration(s):\n`);
    for (const [i, name] of pending.entries()) {
      process.stderr.write(`  Applying: ${name}\n  Compiled: /tmp/.tmpfake${i}/_migrate\n`);
      if (i === 0 && spec.fail) return fail(`error: Migration ${name} failed: ${spec.fail}`);
      if (i === 0) for (const sql of [spec.sql ?? []].flat()) await client.query(sql);
      await client.query('INSERT INTO _mesh_migrations (version, name) VALUES ($1, $2)', [name.slice(0, 14), name.slice(15)]);
      process.stderr.write(`  Applied:  ${name}\n`);
    }
    process.stderr.write(`Applied ${pending.length} migration(s)\n`);
  } catch (err) {
    return fail(`error: Migration failed: ${err.message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exitCode = 1;
}
