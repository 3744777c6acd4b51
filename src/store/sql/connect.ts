/**
 * One Kysely instance per store, over the connection the engine already holds, with the one
 * thing its values differ in that a query cannot hide: how a JSON column comes back (SQLite:
 * text to parse; PostgreSQL's jsonb: a value already parsed, which may itself be a string).
 * Repositories (src/store/repositories/) write their SQL once against this; each engine makes
 * its own (sqlite/sql.ts, postgres/sql.ts), so only it imports its driver.
 */
import type { Kysely } from 'kysely';
import type { Tables } from './database.js';

export interface Sql {
  readonly db: Kysely<Tables>;
  readonly engine: 'sqlite' | 'postgres';
  /** A JSON column's value as stored. */
  json<T>(value: unknown): T;
  /** A boolean as the engine binds it (better-sqlite3 binds no booleans: 1/0). */
  bool(value: boolean): number | boolean;
  /** Whether an error is a unique-constraint violation. */
  isUniqueViolation(err: unknown): boolean;
}
