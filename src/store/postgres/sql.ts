/** The PostgreSQL store's Kysely (../sql/connect.ts) and its own part of writes (../sql/engine-writes.ts). */
import type pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { EngineWrites } from '../sql/engine-writes.js';
import type { VectorRecord } from '../types.js';
import { vectorLiteral } from './pgvector-index.js';
import type { Tables } from '../sql/database.js';
import type { Sql } from '../sql/connect.js';

/** Over the store's pool; `destroy()` would end the pool, so the store ends the pool itself and never destroys this. */
export const postgresSql = (pool: pg.Pool): Sql => ({
  db: new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) }),
  engine: 'postgres',
  json: <T>(value: unknown) => value as T,
  bool: (value) => value,
  isUniqueViolation: (err) => (err as { code?: string }).code === '23505',
});

/**
 * Keys from the movies' identity sequence (a further poster's key too: no movie ever gets it);
 * movies carry lower/upper-cased genre and country arrays for filters in SQL; with pgvector each
 * vector also lands in its `embedding` column, and its channel's HNSW index is made sure of first.
 */
export function postgresWrites(pgvector: boolean, ensureIndexes: (vectors: VectorRecord[]) => Promise<void>): EngineWrites {
  return {
    newKey: () => sql<number>`nextval(pg_get_serial_sequence('movies', 'key'))::int`,
    movieColumns: (movie) => ({ genre_keys: movie.genres.map((g) => g.toLowerCase()), country_keys: movie.countries.map((c) => c.toUpperCase()) }),
    vectorColumns: (v) => (pgvector ? { embedding: sql`${vectorLiteral(v.vector)}::vector` } : {}),
    beforeVectors: ensureIndexes,
  };
}
