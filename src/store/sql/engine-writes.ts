/**
 * Where the two engines really differ when movies, posters and vectors are written, and nothing
 * else: how a fresh key is drawn (SQLite: past the largest movie or poster key; PostgreSQL: the
 * movies' identity sequence — sqlite/schema.ts "Poster keys"), the columns one engine adds to a
 * row (PostgreSQL's lower/upper-cased filter arrays; pgvector's embedding), and what must happen
 * before vectors are written (pgvector: the channel's HNSW index, outside the transaction because
 * index DDL locks the table). Repositories write the SQL once and ask this for those parts.
 */
import type { RawBuilder } from 'kysely';
import type { MovieRecord, VectorRecord } from '../types.js';

export interface EngineWrites {
  /** An expression for a fresh movie or further-poster key (one key space for both). */
  newKey(): RawBuilder<number>;
  /** Columns this engine adds to a movie row, besides those of sql/database.ts. */
  movieColumns(movie: Pick<MovieRecord, 'genres' | 'countries'>): Record<string, unknown>;
  /** Columns this engine adds to a vector row. */
  vectorColumns(vector: Pick<VectorRecord, 'vector'>): Record<string, unknown>;
  /** Runs before a write of these vectors, outside its transaction. */
  beforeVectors(vectors: VectorRecord[]): Promise<void>;
}
