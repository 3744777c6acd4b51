/**
 * Which movie a frame is from, ranked inside PostgreSQL with pgvector (repositories/stills-match.ts):
 * the stills nearest the query row through a halfvec HNSW index on `embedding::halfvec(d)` (inner
 * product, as the rows are weighted so that it is the match's similarity), each less half its
 * hub term, and per film the sum and number of its `top` best — a window function and a GROUP BY
 * — so only one row per shortlisted film leaves the database. As PgVectorIndex: the ORDER BY is
 * the bare distance (a tie-breaker would skip the index), and iterative index scans fill the
 * shortlist past hnsw.ef_search.
 */
import type pg from 'pg';
import type { EngineMatch, FilmParts, StillsMatchSearch } from '../repositories/stills-match.js';
import { buildMemory, configureHnsw, literal, vectorLiteral } from './pgvector-index.js';

/** halfvec HNSW indexes take at most 4,000 dimensions. */
const MAX_INDEXED_DIMS = 4000;

const indexName = (d: number) => `stills_match_hnsw_${d}`;

export class PgStillsMatchSearch implements StillsMatchSearch {
  constructor(private readonly pool: pg.Pool) {}

  /** Before a build is written: its index goes (one build of the graph after the load is far quicker than 132,617 inserts into it, and leaves no dead tuples in it). */
  async beforeSave(): Promise<void> {
    const indexes = (await this.pool.query<{ name: string }>("SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'stills_match' AND indexname LIKE 'stills\\_match\\_hnsw\\_%'")).rows;
    for (const { name } of indexes) await this.pool.query(`DROP INDEX IF EXISTS ${name}`);
  }

  async afterSave(dimension: number): Promise<void> {
    if (dimension > 0 && dimension <= MAX_INDEXED_DIMS) {
      try {
        // One simple-protocol query is one implicit transaction: SET LOCAL ends with the build (the graph in memory, as ensureVectorIndex builds).
        await this.pool.query(`SET LOCAL maintenance_work_mem = ${literal(buildMemory())}; CREATE INDEX IF NOT EXISTS ${indexName(dimension)} ON stills_match USING hnsw ((embedding::halfvec(${dimension})) halfvec_ip_ops)`);
      } catch (err) {
        // Two processes creating it at once: the loser sees a unique violation on pg_class.
        if ((err as { code?: string }).code !== '23505' && (err as { code?: string }).code !== '42P07') throw err;
      }
    }
    await this.pool.query('ANALYZE stills_match');
  }

  async rank(query: Float32Array, opts: { shortlist?: number; top: number }): Promise<EngineMatch> {
    const d = query.length;
    const distance = d <= MAX_INDEXED_DIMS ? `embedding::halfvec(${d}) <#> $1::halfvec(${d})` : 'embedding <#> $1::vector';
    // Without a shortlist every still is scored (exact); with one, the index finds it and each is scored exactly (float32).
    const near = opts.shortlist === undefined ? '' : `ORDER BY ${distance} LIMIT ${Math.floor(opts.shortlist)}`;
    const sql = `
      WITH near AS MATERIALIZED (
        SELECT movie_key, hub, -(embedding <#> $1::vector) AS sim FROM stills_match WHERE embedding IS NOT NULL ${near}
      ),
      scored AS (
        SELECT movie_key, sim - hub / 2 AS score, row_number() OVER (PARTITION BY movie_key ORDER BY sim - hub / 2 DESC) AS r FROM near
      )
      SELECT movie_key, sum(score)::float8 AS total, count(*)::int AS n,
             (SELECT count(*)::int FROM near) AS shortlisted, (SELECT min(sim)::float8 FROM near) AS lowest
      FROM scored WHERE r <= ${Math.floor(opts.top)} GROUP BY movie_key`;
    const client = await this.pool.connect();
    try {
      await configureHnsw(client);
      const rows = (await client.query<{ movie_key: number; total: number; n: number; shortlisted: number; lowest: number }>(sql, [vectorLiteral(query)])).rows;
      return {
        movies: rows.map((r) => ({ movieKey: r.movie_key, total: Number(r.total), count: r.n })),
        shortlisted: rows[0]?.shortlisted ?? 0,
        lowestSimilarity: Number(rows[0]?.lowest ?? 0),
      };
    } finally {
      client.release();
    }
  }

  /**
   * Per film, in SQL: the mean of its rows' content parts, and of each of `segments` parts in
   * film order — still j of n in part i when floor(i·n/segments) ≤ j < max(floor((i+1)·n/segments),
   * floor(i·n/segments) + 1), as looks.ts cuts a film (a film of fewer stills repeats some).
   */
  async filmParts(contentDimension: number, segments: number): Promise<Map<number, FilmParts>> {
    const d = Math.floor(contentDimension);
    const sql = `
      WITH r AS (
        SELECT m.movie_key, subvector(m.embedding, 1, ${d}) AS v,
               row_number() OVER (PARTITION BY m.movie_key ORDER BY s.seq) - 1 AS j,
               count(*) OVER (PARTITION BY m.movie_key) AS n
        FROM stills_match m JOIN stills s ON s.key = m.still_key WHERE m.embedding IS NOT NULL
      )
      SELECT movie_key, -1 AS part, avg(v)::text AS v FROM r GROUP BY movie_key
      UNION ALL
      SELECT r.movie_key, i AS part, avg(r.v)::text AS v FROM r JOIN generate_series(0, ${Math.floor(segments) - 1}) AS i
        ON r.j >= floor(i * r.n / ${Math.floor(segments)}.0) AND r.j < greatest(floor((i + 1) * r.n / ${Math.floor(segments)}.0), floor(i * r.n / ${Math.floor(segments)}.0) + 1)
      GROUP BY r.movie_key, i`;
    const rows = (await this.pool.query<{ movie_key: number; part: number; v: string }>(sql)).rows;
    const out = new Map<number, FilmParts>();
    for (const r of rows) {
      const parts = out.get(r.movie_key) ?? { mean: new Float32Array(), segments: [] };
      const v = Float32Array.from(JSON.parse(r.v) as number[]);
      if (r.part < 0) parts.mean = v;
      else parts.segments[r.part] = v;
      out.set(r.movie_key, parts);
    }
    return out;
  }
}
