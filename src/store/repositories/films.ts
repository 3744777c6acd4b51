/** Films analysed from video files (films/): one analysis and colour barcode per movie. */
import type { Sql } from '../sql/connect.js';
import type { StoredFilm } from '../types.js';

export interface FilmsRepository {
  /** Replaces the movie's previous analysis. */
  put<T>(movieKey: number, film: StoredFilm<T>, barcode: Buffer): Promise<void>;
  get<T>(movieKey: number): Promise<StoredFilm<T> | undefined>;
  barcode(movieKey: number): Promise<Buffer | undefined>;
  /** Whether the movie has an analysed film (without reading it). */
  has(movieKey: number): Promise<boolean>;
  /** Movies with an analysed film, in key order. */
  movies(): Promise<number[]>;
}

export class SqlFilms implements FilmsRepository {
  constructor(private readonly sql: Sql) {}

  async put<T>(movieKey: number, film: StoredFilm<T>, barcode: Buffer): Promise<void> {
    await this.sql.db
      .insertInto('films')
      .values({ movie_key: movieKey, source: film.source, source_hash: film.sourceHash, version: film.version, analysis: JSON.stringify(film.analysis), barcode })
      .onConflict((oc) =>
        oc.column('movie_key').doUpdateSet((eb) => ({ source: eb.ref('excluded.source'), source_hash: eb.ref('excluded.source_hash'), version: eb.ref('excluded.version'), analysis: eb.ref('excluded.analysis'), barcode: eb.ref('excluded.barcode') })),
      )
      .execute();
  }

  async get<T>(movieKey: number): Promise<StoredFilm<T> | undefined> {
    const r = await this.sql.db.selectFrom('films').select(['source', 'source_hash', 'version', 'analysis']).where('movie_key', '=', movieKey).executeTakeFirst();
    return r ? { source: r.source, sourceHash: r.source_hash, version: r.version, analysis: this.sql.json<T>(r.analysis) } : undefined;
  }

  async barcode(movieKey: number): Promise<Buffer | undefined> {
    return (await this.sql.db.selectFrom('films').select('barcode').where('movie_key', '=', movieKey).executeTakeFirst())?.barcode;
  }

  async has(movieKey: number): Promise<boolean> {
    return (await this.sql.db.selectFrom('films').select('movie_key').where('movie_key', '=', movieKey).executeTakeFirst()) !== undefined;
  }

  async movies(): Promise<number[]> {
    return (await this.sql.db.selectFrom('films').select('movie_key').orderBy('movie_key').execute()).map((r) => r.movie_key);
  }
}
