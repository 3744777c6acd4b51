/**
 * Server-level chores on a PostgreSQL server that are not part of a library: creating and
 * dropping a database (benchmarks, tests) and measuring a database's size on disk.
 */
import pg from 'pg';

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function run<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

const identifier = (name: string): string => {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`"${name}" is not a plain database name`);
  return name;
};

/** A new, empty database on the server of `adminUrl` (dropped first if it exists); returns its URL. */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  await run(adminUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${identifier(name)} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${identifier(name)}`);
  });
  return withDatabase(adminUrl, name);
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await run(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${identifier(name)} WITH (FORCE)`));
}

/** Bytes the database of `url` takes on disk (tables, TOAST and indexes). */
export async function databaseBytes(url: string): Promise<number> {
  return run(url, async (c) => Number((await c.query<{ n: string }>('SELECT pg_database_size(current_database()) AS n')).rows[0]!.n));
}

/** Bytes of the vectors table and, separately, of its pgvector HNSW indexes. */
export async function vectorStorageBytes(url: string): Promise<{ table: number; hnswIndexes: number }> {
  return run(url, async (c) => {
    const table = Number((await c.query<{ n: string }>("SELECT pg_total_relation_size('vectors') - COALESCE((SELECT SUM(pg_relation_size(indexrelid)) FROM pg_index WHERE indrelid = 'vectors'::regclass AND indexrelid::regclass::text LIKE 'vectors_hnsw_%'), 0) AS n")).rows[0]!.n);
    const hnswIndexes = Number((await c.query<{ n: string }>("SELECT COALESCE(SUM(pg_relation_size(indexrelid)), 0) AS n FROM pg_index WHERE indrelid = 'vectors'::regclass AND indexrelid::regclass::text LIKE 'vectors_hnsw_%'")).rows[0]!.n);
    return { table, hnswIndexes };
  });
}
