/** Stills of films (frames with their vectors and look) and each film's look over its stills (with its colour barcode). */
import { fromBlob, toBlob } from '../blob.js';
import type { Sql } from '../sql/connect.js';
import { chunks, count } from '../sql/values.js';
import type { EngineWrites } from '../sql/engine-writes.js';
import type { MovieRecord, StillLook, StillRecord, StillState, StillSummary, StillVectors, StoredStill } from '../types.js';
import { upsertMovie } from './catalog-writes.js';

/** A movie the stills index joins to (created from stills metadata when missing). */
export interface StillsMovie {
  movie: MovieRecord;
  imdbId: string | null;
  /** The id of a catalog movie these stills are of when no IMDb id says (found by title and year: stills/catalog-join.ts). */
  joinId?: string;
  /** Sequence numbers present in the folder; stored stills of other numbers are pruned. */
  keepSeqs: number[];
}

export interface StillsRepository {
  /** Joins (or creates) the movies of a stills folder and prunes stills gone from it, atomically; returns keys in order. A movie the stills folder created (its source) that now joins a catalog movie goes, with its stills. */
  prepareMovies(movies: StillsMovie[], source: string): Promise<{ keys: number[]; pruned: number }>;
  state(movieKey: number, seq: number): Promise<StillState | undefined>;
  /** Writes stills (replacing those of the same movie and number), atomically. */
  put(stills: StillRecord[]): Promise<void>;
  /** Every still, by movie and number. */
  all(): Promise<StoredStill[]>;
  /** Up to `limit` stills' vectors after key `afterKey`, by key: every still a page at a time, without thumbnails, layouts or looks. */
  vectorPage(afterKey: number, limit: number): Promise<StillVectors[]>;
  /** Up to `limit` stills after key `afterKey`, by key, with their content hash and look (no vectors, no thumbnail). */
  lookPage(afterKey: number, limit: number): Promise<StillSummary[]>;
  /** The content vectors of stills by key (those that exist). */
  vectorsOf(keys: number[]): Promise<Map<number, Float32Array>>;
  /** The thumbnails of stills by key (those that exist). */
  thumbnails(keys: number[]): Promise<Map<number, Buffer>>;
  ofMovie(movieKey: number): Promise<StoredStill[]>;
  thumbnail(movieKey: number, seq: number): Promise<Buffer | undefined>;
  /** Movies with stills and how many each has, in key order. */
  movies(): Promise<{ key: number; count: number }[]>;
  countOfMovie(movieKey: number): Promise<number>;
  count(): Promise<number>;
  putLook<T>(movieKey: number, stillsHash: string, look: T, barcode: Buffer): Promise<void>;
  /** The hash of the stills a movie's look was computed from. */
  lookHash(movieKey: number): Promise<string | undefined>;
  getLook<T>(movieKey: number): Promise<T | undefined>;
  barcode(movieKey: number): Promise<Buffer | undefined>;
}

/** Rows per multi-row INSERT of stills: each carries a thumbnail and three vectors. */
const STILLS_PER_INSERT = 100;

export class SqlStills implements StillsRepository {
  constructor(
    private readonly sql: Sql,
    private readonly engine: EngineWrites,
  ) {}

  async prepareMovies(movies: StillsMovie[], source: string): Promise<{ keys: number[]; pruned: number }> {
    return this.sql.db.transaction().execute(async (trx) => {
      let pruned = 0;
      const keys: number[] = [];
      for (const m of movies) {
        // A catalog film with the same IMDb id is the one these stills are of.
        const joined = m.imdbId ? (await trx.selectFrom('movies').select('id').where('imdb_id', '=', m.imdbId).orderBy('key').limit(1).executeTakeFirst())?.id : m.joinId;
        // A stand-in this folder created before it joined a catalog film goes, with its stills (they are indexed again under the film).
        if (joined && joined !== m.movie.id) await trx.deleteFrom('movies').where('id', '=', m.movie.id).where('source', '=', source).execute();
        const movie = joined ? { ...m.movie, id: joined } : m.movie;
        const key = (await trx.selectFrom('movies').select('key').where('id', '=', movie.id).executeTakeFirst())?.key ?? (await upsertMovie(trx, this.engine, movie, source));
        // Gone frames found here, deleted by key in chunks: a NOT IN list of every kept number would bind one parameter each.
        const keep = new Set(m.keepSeqs);
        const gone = (await trx.selectFrom('stills').select('seq').where('movie_key', '=', key).execute()).map((r) => r.seq).filter((seq) => !keep.has(seq));
        for (const part of chunks(gone)) pruned += Number((await trx.deleteFrom('stills').where('movie_key', '=', key).where('seq', 'in', part).executeTakeFirst()).numDeletedRows);
        keys.push(key);
      }
      return { keys, pruned };
    });
  }

  async state(movieKey: number, seq: number): Promise<StillState | undefined> {
    const r = await this.sql.db.selectFrom('stills').select(['content_hash', 'versions', 'path']).where('movie_key', '=', movieKey).where('seq', '=', seq).executeTakeFirst();
    return r ? { contentHash: r.content_hash, versions: r.versions, path: r.path } : undefined;
  }

  async put(stills: StillRecord[]): Promise<void> {
    // One row per movie and number, the last given winning (as row-by-row upserts did): one
    // multi-row upsert may not touch a row twice on PostgreSQL.
    const last = new Map(stills.map((s) => [`${s.movieKey}:${s.seq}`, s]));
    await this.sql.db.transaction().execute(async (trx) => {
      for (const part of chunks([...last.values()], STILLS_PER_INSERT))
        await trx
          .insertInto('stills')
          .values(
            part.map((s) => ({
              movie_key: s.movieKey, seq: s.seq, path: s.path, timestamp: s.timestamp, content_hash: s.contentHash, width: s.width, height: s.height,
              thumbnail: s.thumbnail, versions: s.versions, content: toBlob(s.content), color: toBlob(s.color), layout: toBlob(s.layout), look: JSON.stringify(s.look),
            })),
          )
          .onConflict((oc) =>
            oc.columns(['movie_key', 'seq']).doUpdateSet((eb) => ({
              path: eb.ref('excluded.path'), timestamp: eb.ref('excluded.timestamp'), content_hash: eb.ref('excluded.content_hash'), width: eb.ref('excluded.width'),
              height: eb.ref('excluded.height'), thumbnail: eb.ref('excluded.thumbnail'), versions: eb.ref('excluded.versions'), content: eb.ref('excluded.content'),
              color: eb.ref('excluded.color'), layout: eb.ref('excluded.layout'), look: eb.ref('excluded.look'),
            })),
          )
          .execute();
    });
  }

  private selectStills() {
    return this.sql.db.selectFrom('stills').select(['key', 'movie_key', 'seq', 'path', 'timestamp', 'content_hash', 'content', 'color', 'layout', 'look']);
  }

  private toStill = (r: { key: number; movie_key: number; seq: number; path: string; timestamp: number | null; content_hash: string; content: Buffer; color: Buffer; layout: Buffer; look: unknown }): StoredStill => ({
    key: r.key,
    movieKey: r.movie_key,
    seq: r.seq,
    path: r.path,
    timestamp: r.timestamp ?? null,
    contentHash: r.content_hash,
    content: fromBlob(r.content),
    color: fromBlob(r.color),
    layout: fromBlob(r.layout),
    look: this.sql.json<StillLook>(r.look),
  });

  async all(): Promise<StoredStill[]> {
    return (await this.selectStills().orderBy('movie_key').orderBy('seq').execute()).map(this.toStill);
  }

  async vectorPage(afterKey: number, limit: number): Promise<StillVectors[]> {
    const rows = await this.sql.db.selectFrom('stills').select(['key', 'movie_key', 'seq', 'content', 'color']).where('key', '>', afterKey).orderBy('key').limit(limit).execute();
    return rows.map((r) => ({ key: r.key, movieKey: r.movie_key, seq: r.seq, content: fromBlob(r.content), color: fromBlob(r.color) }));
  }

  async lookPage(afterKey: number, limit: number): Promise<StillSummary[]> {
    const rows = await this.sql.db.selectFrom('stills').select(['key', 'movie_key', 'seq', 'content_hash', 'look']).where('key', '>', afterKey).orderBy('key').limit(limit).execute();
    return rows.map((r) => ({ key: r.key, movieKey: r.movie_key, seq: r.seq, contentHash: r.content_hash, look: this.sql.json<StillLook>(r.look) }));
  }

  async vectorsOf(keys: number[]): Promise<Map<number, Float32Array>> {
    const out = new Map<number, Float32Array>();
    for (const part of chunks(keys)) for (const r of await this.sql.db.selectFrom('stills').select(['key', 'content']).where('key', 'in', part).execute()) out.set(r.key, fromBlob(r.content));
    return out;
  }

  async thumbnails(keys: number[]): Promise<Map<number, Buffer>> {
    const out = new Map<number, Buffer>();
    for (const part of chunks(keys)) for (const r of await this.sql.db.selectFrom('stills').select(['key', 'thumbnail']).where('key', 'in', part).execute()) out.set(r.key, r.thumbnail);
    return out;
  }

  async ofMovie(movieKey: number): Promise<StoredStill[]> {
    return (await this.selectStills().where('movie_key', '=', movieKey).orderBy('seq').execute()).map(this.toStill);
  }

  async thumbnail(movieKey: number, seq: number): Promise<Buffer | undefined> {
    return (await this.sql.db.selectFrom('stills').select('thumbnail').where('movie_key', '=', movieKey).where('seq', '=', seq).executeTakeFirst())?.thumbnail;
  }

  async movies(): Promise<{ key: number; count: number }[]> {
    const rows = await this.sql.db.selectFrom('stills').select((eb) => ['movie_key', eb.fn.countAll().as('n')]).groupBy('movie_key').orderBy('movie_key').execute();
    return rows.map((r) => ({ key: r.movie_key, count: count(r.n) }));
  }

  async countOfMovie(movieKey: number): Promise<number> {
    return count((await this.sql.db.selectFrom('stills').select((eb) => eb.fn.countAll().as('n')).where('movie_key', '=', movieKey).executeTakeFirstOrThrow()).n);
  }

  async count(): Promise<number> {
    return count((await this.sql.db.selectFrom('stills').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  }

  async putLook<T>(movieKey: number, stillsHash: string, look: T, barcode: Buffer): Promise<void> {
    await this.sql.db
      .insertInto('movie_looks')
      .values({ movie_key: movieKey, stills_hash: stillsHash, look: JSON.stringify(look), barcode })
      .onConflict((oc) => oc.column('movie_key').doUpdateSet((eb) => ({ stills_hash: eb.ref('excluded.stills_hash'), look: eb.ref('excluded.look'), barcode: eb.ref('excluded.barcode') })))
      .execute();
  }

  async lookHash(movieKey: number): Promise<string | undefined> {
    return (await this.sql.db.selectFrom('movie_looks').select('stills_hash').where('movie_key', '=', movieKey).executeTakeFirst())?.stills_hash;
  }

  async getLook<T>(movieKey: number): Promise<T | undefined> {
    const r = await this.sql.db.selectFrom('movie_looks').select('look').where('movie_key', '=', movieKey).executeTakeFirst();
    return r ? this.sql.json<T>(r.look) : undefined;
  }

  async barcode(movieKey: number): Promise<Buffer | undefined> {
    return (await this.sql.db.selectFrom('movie_looks').select('barcode').where('movie_key', '=', movieKey).executeTakeFirst())?.barcode;
  }
}
