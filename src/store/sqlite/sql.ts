/** The SQLite store's Kysely (../sql/connect.ts). */
import type Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Tables } from '../sql/database.js';
import type { Sql } from '../sql/connect.js';

/** Over the store's better-sqlite3 connection: Kysely's queries and the store's own statements share one connection. */
export const sqliteSql = (database: Database.Database): Sql => ({
  db: new Kysely<Tables>({ dialect: new SqliteDialect({ database }) }),
  engine: 'sqlite',
  json: <T>(value: unknown) => JSON.parse(value as string) as T,
});
