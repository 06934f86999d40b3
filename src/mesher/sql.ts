import pg from 'pg';

/** A connection that the harness uses for setup SQL and scenario `sql` steps. */
export interface SqlSession {
  query(text: string, params?: readonly unknown[], timeoutMs?: number): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/**
 * Opens one connection (node-postgres). Rows come back as plain objects; timestamps as ISO
 * text so that they compare and print like the app's JSON.
 */
export async function connect(url: string, connectTimeoutMs = 5_000): Promise<SqlSession> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs });
  // A server that goes away between queries emits 'error'; the next query reports it.
  client.on('error', () => undefined);
  await client.connect();
  return {
    async query(text, params = [], timeoutMs = 10_000) {
      const result = await client.query({ text, values: [...params], query_timeout: timeoutMs } as pg.QueryConfig);
      return result.rows.map((row: Record<string, unknown>) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v])));
    },
    async close() {
      await client.end().catch(() => undefined);
    },
  };
}

/** Runs `body` with a fresh connection, always closed afterwards. */
export async function withSql<T>(url: string, body: (sql: SqlSession) => Promise<T>): Promise<T> {
  const sql = await connect(url);
  try {
    return await body(sql);
  } finally {
    await sql.close();
  }
}

/** Double-quotes an identifier for SQL text. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The URL without its password, for messages and reports. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}
