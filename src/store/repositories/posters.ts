/**
 * Posters (a movie's main poster has the movie's key; further posters have keys no movie has:
 * sqlite/schema.ts "Poster keys"), their thumbnails and palettes, and the atomic write of a
 * movie's further posters.
 */
import type { PaletteColor } from '../../design/palette.js';
import type { Sql } from '../sql/connect.js';
import type { EngineWrites } from '../sql/engine-writes.js';
import { count, now } from '../sql/values.js';
import type { PosterMeta, PosterRecord, StoredPoster, VectorRecord } from '../types.js';
import { putPalette, putVector } from './catalog-writes.js';

/** A further poster of a movie (rank ≥ 1) as an index run found it. */
export interface MorePosterWrite {
  /** The poster file; a movie's further posters are told apart by path. */
  path: string;
  rank: number;
  meta: PosterMeta;
  /** Present when the poster is new or its bytes or models changed; absent, only rank and meta are updated. */
  content?: {
    record: PosterRecord;
    vectors: VectorRecord[];
    palette: { version: string; sourceHash: string; colors: PaletteColor[] };
  };
}

export interface PostersRepository {
  hash(key: number): Promise<string | undefined>;
  /** The main poster's thumbnail of a movie, by movie id. */
  mainThumbnail(id: string): Promise<Buffer | undefined>;
  /** The main poster's file of a movie, by movie id. */
  mainFile(id: string): Promise<{ path: string; contentHash: string; format: string } | undefined>;
  /** How many posters are stored from this path. */
  countAtPath(path: string): Promise<number>;
  /** Every poster of a movie, main poster first (by rank). */
  ofMovie(movieKey: number): Promise<StoredPoster[]>;
  /** Every poster of the library, main posters included, in key order. */
  all(): Promise<StoredPoster[]>;
  /** A poster's thumbnail by poster key. */
  thumbnail(key: number): Promise<Buffer | undefined>;
  /**
   * Writes a movie's further posters (new ones get fresh keys), sets the main poster's meta when
   * given, and deletes the movie's further posters whose path is not in `keep` with everything
   * computed from them, atomically. Returns the keys of `posters` in order and how many were deleted.
   */
  writeMore(movieKey: number, posters: MorePosterWrite[], keep: string[], mainMeta?: PosterMeta): Promise<{ keys: number[]; removed: number }>;
  paletteState(key: number): Promise<{ version: string; sourceHash: string } | undefined>;
  palette(key: number): Promise<PaletteColor[] | undefined>;
  /** The palette of every poster (main and further), in key order. */
  allPalettes(): Promise<{ key: number; colors: PaletteColor[] }[]>;
}

const POSTER_COLUMNS = ['key', 'movie_key', 'rank', 'kind', 'country', 'year', 'path', 'content_hash', 'width', 'height', 'format'] as const;

export class SqlPosters implements PostersRepository {
  constructor(
    private readonly sql: Sql,
    private readonly engine: EngineWrites,
  ) {}

  async hash(key: number): Promise<string | undefined> {
    return (await this.sql.db.selectFrom('posters').select('content_hash').where('key', '=', key).executeTakeFirst())?.content_hash;
  }

  private mainOf(id: string) {
    return this.sql.db.selectFrom('posters as p').innerJoin('movies as m', 'm.key', 'p.key').where('m.id', '=', id);
  }

  async mainThumbnail(id: string): Promise<Buffer | undefined> {
    return (await this.mainOf(id).select('p.thumbnail').executeTakeFirst())?.thumbnail;
  }

  async mainFile(id: string): Promise<{ path: string; contentHash: string; format: string } | undefined> {
    const r = await this.mainOf(id).select(['p.path', 'p.content_hash', 'p.format']).executeTakeFirst();
    return r ? { path: r.path, contentHash: r.content_hash, format: r.format } : undefined;
  }

  async countAtPath(path: string): Promise<number> {
    return count((await this.sql.db.selectFrom('posters').select((eb) => eb.fn.countAll().as('n')).where('path', '=', path).executeTakeFirstOrThrow()).n);
  }

  private toPoster = (r: { key: number; movie_key: number; rank: number; kind: string | null; country: string | null; year: number | null; path: string; content_hash: string; width: number; height: number; format: string }): StoredPoster => ({
    key: r.key,
    movieKey: r.movie_key,
    rank: r.rank,
    kind: r.kind ?? null,
    country: r.country ?? null,
    year: r.year ?? null,
    path: r.path,
    contentHash: r.content_hash,
    width: r.width,
    height: r.height,
    format: r.format,
  });

  async ofMovie(movieKey: number): Promise<StoredPoster[]> {
    return (await this.sql.db.selectFrom('posters').select(POSTER_COLUMNS).where('movie_key', '=', movieKey).orderBy('rank').orderBy('key').execute()).map(this.toPoster);
  }

  async all(): Promise<StoredPoster[]> {
    return (await this.sql.db.selectFrom('posters').select(POSTER_COLUMNS).orderBy('key').execute()).map(this.toPoster);
  }

  async thumbnail(key: number): Promise<Buffer | undefined> {
    return (await this.sql.db.selectFrom('posters').select('thumbnail').where('key', '=', key).executeTakeFirst())?.thumbnail;
  }

  async writeMore(movieKey: number, posters: MorePosterWrite[], keep: string[], mainMeta?: PosterMeta): Promise<{ keys: number[]; removed: number }> {
    for (const w of posters) if (w.rank < 1) throw new Error(`a further poster has rank ≥ 1, got ${w.rank} (${w.path})`);
    await this.engine.beforeVectors(posters.flatMap((w) => w.content?.vectors ?? []));
    const indexedAt = now();
    return this.sql.db.transaction().execute(async (trx) => {
      const keys: number[] = [];
      for (const w of posters) {
        const existing = (await trx.selectFrom('posters').select('key').where('movie_key', '=', movieKey).where('rank', '>', 0).where('path', '=', w.path).executeTakeFirst())?.key;
        if (!w.content) {
          if (existing === undefined) throw new Error(`poster ${w.path} of movie ${movieKey} is not stored yet: its content is needed`);
          await trx.updateTable('posters').set({ rank: w.rank, kind: w.meta.kind, country: w.meta.country, year: w.meta.year }).where('key', '=', existing).execute();
          keys.push(existing);
          continue;
        }
        const p = w.content.record;
        const row = await trx
          .insertInto('posters')
          .values({
            key: existing ?? this.engine.newKey(), movie_key: movieKey, rank: w.rank, kind: w.meta.kind, country: w.meta.country, year: w.meta.year, path: w.path,
            content_hash: p.contentHash, width: p.width, height: p.height, format: p.format, bytes: p.bytes, thumbnail: p.thumbnail, indexed_at: indexedAt,
          })
          .onConflict((oc) =>
            oc.column('key').doUpdateSet((eb) => ({
              rank: eb.ref('excluded.rank'), kind: eb.ref('excluded.kind'), country: eb.ref('excluded.country'), year: eb.ref('excluded.year'),
              content_hash: eb.ref('excluded.content_hash'), width: eb.ref('excluded.width'), height: eb.ref('excluded.height'), format: eb.ref('excluded.format'),
              bytes: eb.ref('excluded.bytes'), thumbnail: eb.ref('excluded.thumbnail'), indexed_at: eb.ref('excluded.indexed_at'),
            })),
          )
          .returning('key')
          .executeTakeFirstOrThrow();
        const key = Number(row.key);
        for (const v of w.content.vectors) await putVector(trx, this.engine, key, v);
        await putPalette(trx, key, w.content.palette);
        keys.push(key);
      }
      if (mainMeta) await trx.updateTable('posters').set({ kind: mainMeta.kind, country: mainMeta.country, year: mainMeta.year }).where('key', '=', movieKey).where('rank', '=', 0).execute();
      let query = trx.deleteFrom('posters').where('movie_key', '=', movieKey).where('rank', '>', 0);
      if (keep.length) query = query.where('path', 'not in', keep);
      const removed = Number((await query.executeTakeFirst()).numDeletedRows);
      return { keys, removed };
    });
  }

  async paletteState(key: number): Promise<{ version: string; sourceHash: string } | undefined> {
    const r = await this.sql.db.selectFrom('palettes').select(['version', 'source_hash']).where('poster_key', '=', key).executeTakeFirst();
    return r ? { version: r.version, sourceHash: r.source_hash } : undefined;
  }

  async palette(key: number): Promise<PaletteColor[] | undefined> {
    const r = await this.sql.db.selectFrom('palettes').select('colors').where('poster_key', '=', key).executeTakeFirst();
    return r ? this.sql.json<PaletteColor[]>(r.colors) : undefined;
  }

  async allPalettes(): Promise<{ key: number; colors: PaletteColor[] }[]> {
    const rows = await this.sql.db.selectFrom('palettes').select(['poster_key', 'colors']).orderBy('poster_key').execute();
    return rows.map((r) => ({ key: r.poster_key, colors: this.sql.json<PaletteColor[]>(r.colors) }));
  }
}
