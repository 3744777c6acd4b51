/**
 * The writes that span movies, posters, palettes and vectors in one transaction (an index batch,
 * a movie's further posters, a stills folder's movies), as steps on a transaction so the
 * repositories that own those tables share them.
 */
import type { Insertable, Kysely } from 'kysely';
import { sql } from 'kysely';
import type { PaletteColor } from '../../design/palette.js';
import { toBlob } from '../blob.js';
import type { EngineWrites } from '../sql/engine-writes.js';
import type { MoviesTable, Tables, VectorsTable } from '../sql/database.js';
import { now } from '../sql/values.js';
import type { MovieRecord, VectorRecord } from '../types.js';

type Db = Kysely<Tables>;

/** `col = excluded.col` for every column named. */
function excluded(columns: string[]): Record<string, unknown> {
  return Object.fromEntries(columns.map((c) => [c, sql.ref(`excluded.${c}`)]));
}

/** Inserts or updates a movie by id; returns its key. */
export async function upsertMovie(db: Db, engine: EngineWrites, movie: MovieRecord, source: string): Promise<number> {
  const extra = engine.movieColumns(movie);
  const row = {
    key: engine.newKey(),
    id: movie.id,
    title: movie.title,
    year: movie.year,
    genres: JSON.stringify(movie.genres),
    countries: JSON.stringify(movie.countries),
    overview: movie.overview,
    tagline: movie.tagline,
    imdb_id: movie.imdbId,
    tmdb_id: movie.tmdbId,
    extra: JSON.stringify(movie.extra),
    source,
    updated_at: now(),
    // Engine columns are not in the shared table type (sql/database.ts); the schema-agreement test lists them.
    ...extra,
  } as Insertable<MoviesTable>;
  const updated = ['title', 'year', 'genres', 'countries', 'overview', 'tagline', 'imdb_id', 'tmdb_id', 'extra', 'source', 'updated_at', ...Object.keys(extra)];
  const r = await db
    .insertInto('movies')
    .values(row)
    .onConflict((oc) => oc.column('id').doUpdateSet(excluded(updated) as Partial<Insertable<MoviesTable>>))
    .returning('key')
    .executeTakeFirstOrThrow();
  return Number(r.key);
}

/** Inserts or replaces one vector of a movie or poster. */
export async function putVector(db: Db, engine: EngineWrites, key: number, v: VectorRecord): Promise<void> {
  const extra = engine.vectorColumns(v);
  const row = { subject_key: key, channel: v.channel, model_id: v.modelId, model_version: v.modelVersion, source_hash: v.sourceHash, dim: v.vector.length, data: toBlob(v.vector), ...extra } as Insertable<VectorsTable>;
  await db
    .insertInto('vectors')
    .values(row)
    .onConflict((oc) => oc.columns(['subject_key', 'channel']).doUpdateSet(excluded(['model_id', 'model_version', 'source_hash', 'dim', 'data', ...Object.keys(extra)]) as Partial<Insertable<VectorsTable>>))
    .execute();
}

export async function putPalette(db: Db, key: number, palette: { version: string; sourceHash: string; colors: PaletteColor[] }): Promise<void> {
  await db
    .insertInto('palettes')
    .values({ poster_key: key, version: palette.version, source_hash: palette.sourceHash, colors: JSON.stringify(palette.colors) })
    .onConflict((oc) => oc.column('poster_key').doUpdateSet(excluded(['version', 'source_hash', 'colors'])))
    .execute();
}
