/**
 * The SQLite store's Kysely (../sql/connect.ts) and its own part of writes (../sql/engine-writes.ts).
 * Kysely's queries here resolve in microtasks (better-sqlite3 is synchronous), so a transaction of
 * repository queries is not interleaved with I/O callbacks; the store's remaining own statements
 * share the one connection.
 */
import type Database from 'better-sqlite3';
import { Kysely, sql, SqliteDialect } from 'kysely';
import type { EngineWrites } from '../sql/engine-writes.js';
import type { Tables } from '../sql/database.js';
import type { Sql } from '../sql/connect.js';

/** Over the store's better-sqlite3 connection: Kysely's queries and the store's own statements share one connection. */
export const sqliteSql = (database: Database.Database): Sql => ({
  db: new Kysely<Tables>({ dialect: new SqliteDialect({ database }) }),
  engine: 'sqlite',
  json: <T>(value: unknown) => JSON.parse(value as string) as T,
  bool: (value) => (value ? 1 : 0),
  isUniqueViolation: (err) => (err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE',
});

/** A fresh key is past every movie and poster key (schema.ts "Poster keys"); no column of its own, no work before vectors. */
export const sqliteWrites: EngineWrites = {
  newKey: () => sql<number>`(SELECT MAX(COALESCE((SELECT MAX(key) FROM movies), 0), COALESCE((SELECT MAX(key) FROM posters), 0)) + 1)`,
  movieColumns: () => ({}),
  vectorColumns: () => ({}),
  beforeVectors: async () => undefined,
};
