/** Movies: their metadata by id and key, what filters and title matching read of all of them, and the atomic write of an index batch. */
import type { ExpressionBuilder } from 'kysely';
import { sql as raw } from 'kysely';
import type { Sql } from '../sql/connect.js';
import type { Tables } from '../sql/database.js';
import type { EngineWrites } from '../sql/engine-writes.js';
import { chunks, now } from '../sql/values.js';
import type { FilterRow, MovieRecord, PosterRecord, StoredMovie, TitleRow, VectorRecord } from '../types.js';
import type { PaletteColor } from '../../design/palette.js';
import { putPalette, putVector, upsertMovie } from './catalog-writes.js';

/** One movie of an index batch: its metadata and whatever of its poster and synopsis changed. */
export interface MovieWrite {
  movie: MovieRecord;
  poster?: {
    record: PosterRecord;
    /** Every channel computed from the poster (content, colour, layout, signature). */
    vectors: VectorRecord[];
    palette: { version: string; sourceHash: string; colors: PaletteColor[] };
  };
  /** Replaces the synopsis vector. */
  text?: VectorRecord;
  /** Removes the synopsis vector (the synopsis became empty). */
  dropText?: boolean;
}

export interface MoviesRepository {
  /** Inserts or updates one movie's metadata; returns its key. */
  upsert(movie: MovieRecord, source: string): Promise<number>;
  keyOf(id: string): Promise<number | undefined>;
  get(id: string): Promise<StoredMovie | undefined>;
  byKeys(keys: number[]): Promise<Map<number, StoredMovie>>;
  idsFromSource(source: string): Promise<string[]>;
  /** Ids of movies with a poster, in key order (benchmarks, samples). */
  idsWithPoster(limit: number): Promise<string[]>;
  /** Deletes movies with everything computed from them; returns how many went. */
  delete(ids: string[]): Promise<number>;
  /** Metadata every filter needs, for the whole collection, in key order. */
  filterRows(): Promise<FilterRow[]>;
  /** Titles (and extra columns that may hold other titles) of every movie, in key order. */
  titleRows(): Promise<TitleRow[]>;
  /** Writes a batch of movies (metadata, poster, thumbnail, every channel) atomically; returns their keys. */
  write(batch: MovieWrite[], source: string): Promise<number[]>;
}

const hasPoster = (eb: ExpressionBuilder<Tables & { m: Tables['movies'] }, 'm'>) =>
  eb.exists(eb.selectFrom('posters as p').select(raw.lit(1).as('one')).whereRef('p.movie_key', '=', 'm.key')).as('has_poster');

export class SqlMovies implements MoviesRepository {
  constructor(
    private readonly sql: Sql,
    private readonly engine: EngineWrites,
  ) {}

  upsert(movie: MovieRecord, source: string): Promise<number> {
    return upsertMovie(this.sql.db, this.engine, movie, source);
  }

  async keyOf(id: string): Promise<number | undefined> {
    return (await this.sql.db.selectFrom('movies').select('key').where('id', '=', id).executeTakeFirst())?.key;
  }

  private selectMovies() {
    return this.sql.db.selectFrom('movies as m').select(['m.key', 'm.id', 'm.title', 'm.year', 'm.genres', 'm.countries', 'm.overview', 'm.tagline', 'm.imdb_id', 'm.tmdb_id', 'm.extra', 'm.source']).select(hasPoster);
  }

  private toMovie = (r: { key: number; id: string; title: string; year: number | null; genres: unknown; countries: unknown; overview: string; tagline: string; imdb_id: string | null; tmdb_id: string | null; extra: unknown; source: string; has_poster: unknown }): StoredMovie => ({
    key: r.key,
    id: r.id,
    title: r.title,
    year: r.year ?? null,
    genres: this.sql.json<string[]>(r.genres),
    countries: this.sql.json<string[]>(r.countries),
    overview: r.overview,
    tagline: r.tagline,
    imdbId: r.imdb_id ?? null,
    tmdbId: r.tmdb_id ?? null,
    extra: this.sql.json<Record<string, string>>(r.extra),
    source: r.source,
    hasPoster: Boolean(r.has_poster),
  });

  async get(id: string): Promise<StoredMovie | undefined> {
    const r = await this.selectMovies().where('m.id', '=', id).executeTakeFirst();
    return r ? this.toMovie(r) : undefined;
  }

  async byKeys(keys: number[]): Promise<Map<number, StoredMovie>> {
    const found = new Map<number, StoredMovie>();
    for (const part of chunks([...new Set(keys)])) for (const r of await this.selectMovies().where('m.key', 'in', part).execute()) found.set(r.key, this.toMovie(r));
    // In the order asked.
    const out = new Map<number, StoredMovie>();
    for (const k of keys) if (found.has(k)) out.set(k, found.get(k)!);
    return out;
  }

  async idsFromSource(source: string): Promise<string[]> {
    return (await this.sql.db.selectFrom('movies').select('id').where('source', '=', source).orderBy('key').execute()).map((r) => r.id);
  }

  async idsWithPoster(limit: number): Promise<string[]> {
    return (await this.sql.db.selectFrom('movies as m').innerJoin('posters as p', 'p.key', 'm.key').select('m.id').orderBy('m.key').limit(limit).execute()).map((r) => r.id);
  }

  async delete(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return this.sql.db.transaction().execute(async (trx) => {
      let n = 0;
      for (const part of chunks(ids)) n += Number((await trx.deleteFrom('movies').where('id', 'in', part).executeTakeFirst()).numDeletedRows);
      return n;
    });
  }

  async filterRows(): Promise<FilterRow[]> {
    const rows = await this.sql.db.selectFrom('movies').select(['key', 'year', 'genres', 'countries']).orderBy('key').execute();
    return rows.map((r) => ({ key: r.key, year: r.year ?? null, genres: this.sql.json<string[]>(r.genres), countries: this.sql.json<string[]>(r.countries) }));
  }

  async titleRows(): Promise<TitleRow[]> {
    const rows = await this.sql.db.selectFrom('movies').select(['key', 'id', 'title', 'year', 'extra']).orderBy('key').execute();
    return rows.map((r) => ({ key: r.key, id: r.id, title: r.title, year: r.year ?? null, extra: this.sql.json<Record<string, unknown>>(r.extra) }));
  }

  async write(batch: MovieWrite[], source: string): Promise<number[]> {
    await this.engine.beforeVectors(batch.flatMap((w) => [...(w.poster?.vectors ?? []), ...(w.text ? [w.text] : [])]));
    const indexedAt = now();
    return this.sql.db.transaction().execute(async (trx) => {
      const keys: number[] = [];
      for (const w of batch) {
        const key = await upsertMovie(trx, this.engine, w.movie, source);
        if (w.poster) {
          const p = w.poster.record;
          await trx
            .insertInto('posters')
            .values({ key, movie_key: key, rank: 0, path: p.path, content_hash: p.contentHash, width: p.width, height: p.height, format: p.format, bytes: p.bytes, thumbnail: p.thumbnail, indexed_at: indexedAt })
            .onConflict((oc) =>
              oc.column('key').doUpdateSet((eb) => ({
                path: eb.ref('excluded.path'), content_hash: eb.ref('excluded.content_hash'), width: eb.ref('excluded.width'), height: eb.ref('excluded.height'),
                format: eb.ref('excluded.format'), bytes: eb.ref('excluded.bytes'), thumbnail: eb.ref('excluded.thumbnail'), indexed_at: eb.ref('excluded.indexed_at'),
              })),
            )
            .execute();
          for (const v of w.poster.vectors) await putVector(trx, this.engine, key, v);
          await putPalette(trx, key, w.poster.palette);
        }
        if (w.text) await putVector(trx, this.engine, key, w.text);
        else if (w.dropText) await trx.deleteFrom('vectors').where('subject_key', '=', key).where('channel', '=', 'text').execute();
        keys.push(key);
      }
      return keys;
    });
  }
}
