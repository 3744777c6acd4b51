/** Test kit: a fresh database per test file on the test PostgreSQL server (see test/setup/postgres.ts). */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDatabase, dropDatabase } from './admin.js';
import { MIGRATOR_TABLES } from '../sql/migrations.js';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(adminUrl: string, prefix = 'marquee_test'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  return { url: await createDatabase(adminUrl, name), drop: () => dropDatabase(adminUrl, name) };
}

/** Runs SQL on a test database (to plant another application's tables, or a newer schema). */
export async function runSql(url: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** Empties every Marquee table of a library and restarts its keys at 1 (one PGlite shared by many cases); the schema's version and migrations stay. */
export async function resetLibrary(url: string): Promise<void> {
  const kept = ['meta', ...MIGRATOR_TABLES].map((t) => `'${t}'`).join(', ');
  await runSql(url, `DO $$ DECLARE t text; BEGIN
    FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename NOT IN (${kept}) LOOP
      EXECUTE format('TRUNCATE %I RESTART IDENTITY CASCADE', t);
    END LOOP;
    DELETE FROM meta WHERE key <> 'schema_version';
  END $$`);
}
