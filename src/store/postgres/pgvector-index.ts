/**
 * VectorIndex inside PostgreSQL with pgvector: the rows of `vectors` of one channel and model,
 * searched through a partial HNSW index on `embedding::halfvec(d)` (half the size of a `vector`
 * index at recall@10 ≈ 0.995, and `vector` indexes stop at 2,000 dimensions). Filters become
 * WHERE clauses on the joined movie with `hnsw.iterative_scan` (pgvector ≥ 0.8), so a selective
 * filter still fills k. The ORDER BY is the bare distance with nothing after it: a tie-breaker
 * column makes PostgreSQL skip the index (immich issue 31299: 1.2 s instead of 15 ms); hits are
 * re-scored with the exact float32 similarity and re-sorted here. The model's metric picks the
 * operator and the index's operator class: cosine `<=>`, l2 `<->`, dot `<#>` (negative inner product).
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { SearchFilters } from '../filters.js';
import type { VectorHit, VectorIndex, VectorSearchOptions } from '../vector-index.js';
import { toBlob } from '../blob.js';
import type { ModelRef } from '../types.js';
import type { Metric } from '../../util/metric.js';

const OPERATOR: Record<Metric, string> = { cosine: '<=>', l2: '<->', dot: '<#>' };
const OPS_CLASS: Record<Metric, string> = { cosine: 'halfvec_cosine_ops', l2: 'halfvec_l2_ops', dot: 'halfvec_ip_ops' };

/** SQL for the similarity (higher is closer) of column `e` with parameter `q` under the metric. */
function similaritySql(metric: Metric, e: string, q: string): string {
  if (metric === 'cosine') return `1 - (${e} <=> ${q})`;
  return `-(${e} ${OPERATOR[metric]} ${q})`;
}

/** halfvec HNSW indexes take at most 4,000 dimensions; larger vectors are scanned exactly. */
const MAX_INDEXED_DIMS = 4000;
/** Candidates HNSW keeps while searching (pgvector's default is 40; 100 measured recall@10 ≥ 0.99). */
export const EF_SEARCH = 100;

/** A float32 vector as pgvector's text form; JavaScript prints each float32 exactly enough to round-trip. */
export function vectorLiteral(v: Float32Array): string {
  let s = '[';
  for (let i = 0; i < v.length; i++) s += (i ? ',' : '') + v[i]!;
  return `${s}]`;
}

/** A SQL string literal (for the partial index predicate, which must be a constant to match). */
export function literal(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function predicate(channel: string, model: ModelRef, alias = ''): string {
  const a = alias ? `${alias}.` : '';
  return `${a}channel = ${literal(channel)} AND ${a}model_id = ${literal(model.id)} AND ${a}model_version = ${literal(model.version)}`;
}

export function indexName(channel: string, model: ModelRef): string {
  const metric = model.metric ?? 'cosine';
  // Cosine indexes keep their old names (libraries made before metrics existed).
  const key = `${channel}\0${model.id}\0${model.version}\0${model.dimension}${metric === 'cosine' ? '' : `\0${metric}`}`;
  return `vectors_hnsw_${createHash('sha1').update(key).digest('hex').slice(0, 16)}`;
}

/**
 * Memory for one HNSW build (MARQUEE_PG_INDEX_MEMORY). pgvector builds the graph in memory and falls
 * back to a much slower on-disk build once it outgrows maintenance_work_mem (64 MB by default:
 * about 15k vectors of 1792 dims as halfvec).
 */
export function buildMemory(): string {
  const m = process.env.MARQUEE_PG_INDEX_MEMORY ?? '512MB';
  if (!/^\d+\s*(kB|MB|GB)$/.test(m)) throw new Error(`MARQUEE_PG_INDEX_MEMORY must look like 512MB or 2GB, not "${m}"`);
  return m;
}

/** Creates the channel's HNSW index when missing (idempotent; safe from several processes). */
export async function ensureVectorIndex(pool: Pick<pg.Pool, 'query'>, channel: string, model: ModelRef): Promise<void> {
  if (model.dimension > MAX_INDEXED_DIMS) return;
  try {
    // One simple-protocol query is one implicit transaction, so SET LOCAL ends with the build.
    await pool.query(
      `SET LOCAL maintenance_work_mem = ${literal(buildMemory())}; CREATE INDEX IF NOT EXISTS ${indexName(channel, model)} ON vectors USING hnsw ((embedding::halfvec(${model.dimension})) ${OPS_CLASS[model.metric ?? 'cosine']}) WHERE ${predicate(channel, model)}`,
    );
  } catch (err) {
    // Two processes creating the same index at once: the loser sees a unique violation on pg_class.
    if ((err as { code?: string }).code !== '23505' && (err as { code?: string }).code !== '42P07') throw err;
  }
}

/** WHERE conditions on movies `m` for the filters, with their parameters appended to `params`. */
export function filterConditions(f: SearchFilters | undefined, params: unknown[]): string[] {
  if (!f) return [];
  const out: string[] = [];
  if (f.yearFrom !== undefined) out.push(`m.year >= $${params.push(f.yearFrom)}`);
  if (f.yearTo !== undefined) out.push(`m.year <= $${params.push(f.yearTo)}`);
  if (f.genres?.length) out.push(`m.genre_keys @> $${params.push(f.genres.map((g) => g.toLowerCase()))}::text[]`);
  if (f.countries?.length) out.push(`m.country_keys && $${params.push(f.countries.map((c) => c.toUpperCase()))}::text[]`);
  return out;
}

const configured = new WeakSet<pg.PoolClient>();

/** Session settings once per pooled connection: a wider beam, and iterative scans so filtered queries (and long shortlists) still fill their LIMIT. */
export async function configureHnsw(client: pg.PoolClient): Promise<void> {
  if (configured.has(client)) return;
  await client.query(`SET hnsw.ef_search = ${EF_SEARCH}; SET hnsw.iterative_scan = relaxed_order`);
  configured.add(client);
}

export class PgVectorIndex implements VectorIndex {
  readonly kind = 'pgvector';
  readonly dimension: number;
  private readonly metric: Metric;
  /** The HNSW index is created on first search when no write created it (a library migrated or made before its metric was known). */
  private ensured?: Promise<void>;

  constructor(
    private readonly pool: pg.Pool,
    private readonly channel: string,
    private readonly model: ModelRef,
  ) {
    this.dimension = model.dimension;
    this.metric = model.metric ?? 'cosine';
  }

  async size(): Promise<number> {
    return (await this.pool.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM vectors WHERE ${predicate(this.channel, this.model)}`)).rows[0]!.n;
  }

  /** Writes vectors of existing movies into this channel (the store's index runs do this through writeMovies). */
  private ensureIndex(): Promise<void> {
    this.ensured ??= ensureVectorIndex(this.pool, this.channel, this.model);
    this.ensured.catch(() => (this.ensured = undefined));
    return this.ensured;
  }

  async upsert(entries: { key: number; vector: Float32Array }[]): Promise<void> {
    await this.ensureIndex();
    for (const { key, vector } of entries) {
      if (vector.length !== this.dimension) throw new Error(`vector for key ${key} has ${vector.length} dims, index has ${this.dimension}`);
      await this.pool.query(
        `INSERT INTO vectors (subject_key, channel, model_id, model_version, source_hash, dim, data, embedding) VALUES ($1, $2, $3, $4, 'vector-index', $5, $6, $7::vector)
         ON CONFLICT (subject_key, channel) DO UPDATE SET model_id = excluded.model_id, model_version = excluded.model_version, dim = excluded.dim, data = excluded.data, embedding = excluded.embedding`,
        [key, this.channel, this.model.id, this.model.version, vector.length, toBlob(vector), vectorLiteral(vector)],
      );
    }
  }

  async remove(keys: number[]): Promise<void> {
    await this.pool.query(`DELETE FROM vectors WHERE ${predicate(this.channel, this.model)} AND subject_key = ANY($1::int[])`, [keys]);
  }

  async search(query: Float32Array, k: number, opts: VectorSearchOptions = {}): Promise<VectorHit[]> {
    const d = this.dimension;
    const params: unknown[] = [vectorLiteral(query)];
    const conditions = [predicate(this.channel, this.model, 'v'), ...filterConditions(opts.filter, params)];
    if (opts.exclude?.size) conditions.push(`v.subject_key <> ALL($${params.push([...opts.exclude])}::int[])`);
    const op = OPERATOR[this.metric];
    const distance = d <= MAX_INDEXED_DIMS ? `v.embedding::halfvec(${d}) ${op} $1::halfvec(${d})` : `v.embedding ${op} $1::vector`;
    // A further poster's vector is keyed by the poster: its movie's metadata filters it.
    const join = opts.filter ? 'JOIN movies m ON m.key = COALESCE((SELECT p.movie_key FROM posters p WHERE p.key = v.subject_key), v.subject_key)' : '';
    await this.ensureIndex();
    const sql = `SELECT v.subject_key AS key, ${similaritySql(this.metric, 'v.embedding', '$1::vector')} AS score FROM vectors v ${join} WHERE ${conditions.join(' AND ')} ORDER BY ${distance} LIMIT ${Math.floor(k)}`;
    const client = await this.pool.connect();
    try {
      await configureHnsw(client);
      const rows = (await client.query<{ key: number; score: number }>(sql, params)).rows;
      return rows.map((r) => ({ key: r.key, score: Number(r.score) })).sort((a, b) => b.score - a.score || a.key - b.key);
    } finally {
      client.release();
    }
  }

  async scores(query: Float32Array, keys: number[]): Promise<Float32Array> {
    const out = new Float32Array(keys.length).fill(NaN);
    if (keys.length === 0) return out;
    const rows = (
      await this.pool.query<{ key: number; score: number }>(
        `SELECT subject_key AS key, ${similaritySql(this.metric, 'embedding', '$1::vector')} AS score FROM vectors WHERE ${predicate(this.channel, this.model)} AND subject_key = ANY($2::int[])`,
        [vectorLiteral(query), keys],
      )
    ).rows;
    const byKey = new Map(rows.map((r) => [r.key, Number(r.score)]));
    keys.forEach((key, i) => {
      const s = byKey.get(key);
      if (s !== undefined) out[i] = s;
    });
    return out;
  }
}
