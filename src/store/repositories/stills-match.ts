/**
 * The stored which-movie rows (stills/stored-match.ts): each still's weighted row (centred,
 * projected content and centred colour, scaled so inner products are the match's similarity)
 * and hub term, with the projection as named files. Written whole by `marquee stills prepare`;
 * a still deleted takes its row along (foreign key). Where the engine can search them (PostgreSQL
 * with pgvector: a halfvec HNSW index on the rows), movies are ranked in the engine — the
 * nearest stills, less half their hub terms, each film's best few summed — so a serving process
 * holds no still at all.
 */
import { sql } from 'kysely';
import type { Sql } from '../sql/connect.js';
import { chunks, count } from '../sql/values.js';
import type { EngineWrites } from '../sql/engine-writes.js';
import { fromBlob, toBlob } from '../blob.js';

export interface StillsMatchRow {
  stillKey: number;
  movieKey: number;
  hub: number;
  row: Float32Array;
}

/** A film's part of a shortlist: the sum and number of its `top` best hub-corrected scores. */
export interface ShortlistedMovie {
  movieKey: number;
  total: number;
  count: number;
}

/** Movies ranked in the engine from the stills nearest a query row. */
export interface EngineMatch {
  movies: ShortlistedMovie[];
  /** Stills the shortlist holds, and the lowest similarity among them (to bound films with fewer than `top` there). */
  shortlisted: number;
  lowestSimilarity: number;
}

/** What an engine that searches the rows does: make its index after a build, and rank. */
export interface StillsMatchSearch {
  /** Before a build is written, and after it (with its rows' `dimension`): the index, outside the write's transaction (index DDL locks the table). */
  beforeSave(): Promise<void>;
  afterSave(dimension: number): Promise<void>;
  rank(query: Float32Array, opts: { shortlist?: number; top: number }): Promise<EngineMatch>;
  filmParts(contentDimension: number, segments: number): Promise<Map<number, FilmParts>>;
}

/** A film's content rows aggregated (not normalised): their mean, and the means of its `segments` parts in film order. */
export interface FilmParts {
  mean: Float32Array;
  segments: Float32Array[];
}

export interface StillsMatchRepository {
  /** Whether this engine ranks movies itself (else the rows are read into the process). */
  readonly searchable: boolean;
  /** Replaces every row and file with a build, atomically. */
  save(build: { rows: StillsMatchRow[]; files: { name: string; data: Buffer }[] }): Promise<void>;
  file(name: string): Promise<Buffer | undefined>;
  count(): Promise<number>;
  /** Up to `limit` rows after still key `afterKey`, by key. */
  page(afterKey: number, limit: number): Promise<StillsMatchRow[]>;
  /**
   * Each film's parts for the looks, aggregated in the engine from the first `contentDimension`
   * floats of its rows (the content part), its stills in film order (seq) cut as looks.ts cuts
   * them; undefined when the engine cannot.
   */
  filmParts(contentDimension: number, segments: number): Promise<Map<number, FilmParts> | undefined>;
  /** The content parts (the first `contentDimension` floats) of the rows of these films, by film: what a chamfer compares. */
  contentParts(movieKeys: number[], contentDimension: number): Promise<Map<number, Float32Array[]>>;
  /** Movies ranked in the engine from the `shortlist` stills nearest `query` (every still without one); undefined when it cannot (`searchable` false). */
  rank(query: Float32Array, opts: { shortlist?: number; top: number }): Promise<EngineMatch | undefined>;
}

/** Rows per multi-row INSERT: each carries a row of a few hundred floats. */
const ROWS_PER_INSERT = 200;

export class SqlStillsMatch implements StillsMatchRepository {
  readonly searchable: boolean;

  constructor(
    private readonly sql: Sql,
    private readonly engine: EngineWrites,
    private readonly search: StillsMatchSearch | undefined,
  ) {
    this.searchable = !!search;
  }

  async save(build: { rows: StillsMatchRow[]; files: { name: string; data: Buffer }[] }): Promise<void> {
    await this.search?.beforeSave();
    await this.sql.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('stills_match').execute();
      await trx.deleteFrom('stills_match_files').execute();
      for (const f of build.files) await trx.insertInto('stills_match_files').values({ name: f.name, data: f.data }).execute();
      for (const part of chunks(build.rows, ROWS_PER_INSERT))
        await trx
          .insertInto('stills_match')
          .values(part.map((r) => ({ still_key: r.stillKey, movie_key: r.movieKey, hub: r.hub, data: toBlob(r.row), ...this.engine.vectorColumns({ vector: r.row }) })))
          .execute();
    });
    await this.search?.afterSave(build.rows[0]?.row.length ?? 0);
  }

  async file(name: string): Promise<Buffer | undefined> {
    return (await this.sql.db.selectFrom('stills_match_files').select('data').where('name', '=', name).executeTakeFirst())?.data;
  }

  async count(): Promise<number> {
    return count((await this.sql.db.selectFrom('stills_match').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  }

  async page(afterKey: number, limit: number): Promise<StillsMatchRow[]> {
    const rows = await this.sql.db.selectFrom('stills_match').select(['still_key', 'movie_key', 'hub', 'data']).where('still_key', '>', afterKey).orderBy('still_key').limit(limit).execute();
    return rows.map((r) => ({ stillKey: r.still_key, movieKey: r.movie_key, hub: r.hub, row: fromBlob(r.data) }));
  }

  async rank(query: Float32Array, opts: { shortlist?: number; top: number }): Promise<EngineMatch | undefined> {
    return this.search?.rank(query, opts);
  }

  async filmParts(contentDimension: number, segments: number): Promise<Map<number, FilmParts> | undefined> {
    return this.search?.filmParts(contentDimension, segments);
  }

  async contentParts(movieKeys: number[], contentDimension: number): Promise<Map<number, Float32Array[]>> {
    const out = new Map<number, Float32Array[]>();
    const bytes = Math.floor(contentDimension) * 4;
    // Only the content part leaves the database (substr of the row's bytes: both engines have it for binary strings).
    for (const part of chunks(movieKeys))
      for (const r of await this.sql.db
        .selectFrom('stills_match')
        .select(['movie_key', sql<Buffer>`substr(data, 1, ${sql.lit(bytes)})`.as('content')])
        .where('movie_key', 'in', part)
        .orderBy('still_key')
        .execute()) {
        const list = out.get(r.movie_key) ?? [];
        list.push(fromBlob(r.content));
        out.set(r.movie_key, list);
      }
    return out;
  }
}
