/** The PostgreSQL store's Kysely (../sql/connect.ts). */
import type pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { Tables } from '../sql/database.js';
import type { Sql } from '../sql/connect.js';

/** Over the store's pool; `destroy()` would end the pool, so the store ends the pool itself and never destroys this. */
export const postgresSql = (pool: pg.Pool): Sql => ({
  db: new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) }),
  engine: 'postgres',
  json: <T>(value: unknown) => value as T,
});
