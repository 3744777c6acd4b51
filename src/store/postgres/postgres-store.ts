/**
 * The PostgreSQL store (node-postgres pool). Same behaviour as the SQLite store, proven by
 * the shared conformance suite; what differs is where vectors are searched: with pgvector
 * (CREATE EXTENSION vector works, or it is installed) each stored vector also lands in an
 * `embedding vector` column searched in the database through per-channel HNSW indexes (see
 * pgvector-index.ts), so a serving process holds no vectors; without it vectors are bytea and
 * searched in-process as on SQLite. MARQUEE_PGVECTOR=off forces the latter.
 * Every write that must be atomic is one transaction on one pooled client.
 */
import pg from 'pg';
import type { PaletteColor } from '../../design/palette.js';
import { fromBlob, toBlob } from '../blob.js';
import { POSTER_COLUMNS, rowToPoster, scoped } from '../rows.js';
import { channelKind, COLOR_CHANNEL, CONTENT_CHANNEL, LAYOUT_CHANNEL, TEXT_CHANNEL } from '../channels.js';
import { StoreError } from '../errors.js';
import { redactLocation } from '../location.js';
import { postgresSql } from './sql.js';
import { sqlRepositories } from '../repositories/all.js';
import type { RunsRepository } from '../repositories/runs.js';
import type { GenreModelsRepository } from '../repositories/genre-models.js';
import type { AnalysesRepository } from '../repositories/analyses.js';
import type { AtlasRepository } from '../repositories/atlas.js';
import type { FacesRepository } from '../repositories/faces.js';
import type { PosterTextRepository } from '../repositories/poster-text.js';
import type { StillsRepository } from '../repositories/stills.js';
import type { FilmsRepository } from '../repositories/films.js';
import type { LibraryStats, MorePosterWrite, MovieWrite, StillsMovie, Store, VectorBackend } from '../store.js';
import type { FilterRow, TitleRow, ModelRef, MovieRecord, PosterMeta, PosterScope, StoredPoster, StoredMovie, VectorRecord, VectorState } from '../types.js';
import { PG_LEXICAL_SCHEMA_SQL, PostgresLexicalSearch, setUpTrigrams } from './lexical-postgres.js';
import type { LexicalSearch } from '../lexical.js';
import { ensureVectorIndex, PgVectorIndex, vectorLiteral } from './pgvector-index.js';
import { COPY_PAGE, ENGINE_META_KEYS, TABLE_SPECS, type TableRow, type TableSpec } from '../tables.js';
import { PG_JOBS_SCHEMA_SQL, PostgresJobQueue } from './postgres-jobs.js';
import type { JobQueue } from '../../jobs/job-queue.js';
import { NOTIFY_CHANNEL, revisionTriggersPresent, revisionTriggersSql, PG_MIGRATIONS, PG_SCHEMA_SQL, PG_SCHEMA_VERSION } from './schema.js';

type Row = Record<string, unknown>;
type Queryable = Pick<pg.PoolClient, 'query'>;

/** Channels searched by similarity get an HNSW index; the duplicate signature is only read. */
const SEARCHED_CHANNELS = new Set<string>([CONTENT_CHANNEL, COLOR_CHANNEL, LAYOUT_CHANNEL, TEXT_CHANNEL]);

const MOVIE_COLUMNS = `m.key, m.id, m.title, m.year, m.genres, m.countries, m.overview, m.tagline, m.imdb_id, m.tmdb_id, m.extra, m.source,
  EXISTS(SELECT 1 FROM posters p WHERE p.movie_key = m.key) AS has_poster`;
function rowToMovie(r: Row): StoredMovie {
  return {
    key: r.key as number,
    id: r.id as string,
    title: r.title as string,
    year: (r.year as number | null) ?? null,
    genres: r.genres as string[],
    countries: r.countries as string[],
    overview: r.overview as string,
    tagline: r.tagline as string,
    imdbId: (r.imdb_id as string | null) ?? null,
    tmdbId: (r.tmdb_id as string | null) ?? null,
    extra: r.extra as Record<string, string>,
    source: r.source as string,
    hasPoster: Boolean(r.has_poster),
  };
}

const vectorState = (r: Row): VectorState => ({ modelId: r.model_id as string, modelVersion: r.model_version as string, sourceHash: r.source_hash as string });

function connectError(location: string, err: unknown): StoreError {
  const e = err as Error & { code?: string };
  const why =
    e.code === '28P01' || e.code === '28000' ? 'authentication failed (check the user and password)'
    : e.code === '3D000' ? 'no such database'
    : e.code === 'ECONNREFUSED' ? 'connection refused (is PostgreSQL running and listening there?)'
    : e.message;
  return new StoreError('unavailable', `cannot open library ${location}: ${why}`);
}

export async function openPostgresStore(url: string, opts: { create: boolean; poolSize?: number }): Promise<PostgresStore> {
  const location = redactLocation(url);
  const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? Number(process.env.MARQUEE_PG_POOL ?? 8), connectionTimeoutMillis: 10_000 });
  // An idle client's error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw connectError(location, err);
  }
  let pgvector: boolean;
  let trigrams: boolean;
  try {
    pgvector = await setUpSchema(client, location, opts.create);
    trigrams = await setUpTrigrams(client);
  } catch (err) {
    client.release();
    await pool.end().catch(() => undefined);
    throw err instanceof StoreError ? err : connectError(location, err);
  }
  client.release();
  return new PostgresStore(url, location, pool, pgvector, trigrams);
}

/** Creates or migrates the schema; returns whether vectors are searched with pgvector. */
async function setUpSchema(client: pg.PoolClient, location: string, create: boolean): Promise<boolean> {
  const tables = (await client.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")).rows.map((r) => r.table_name);
  let version = 0;
  if (tables.length > 0) {
    if (!tables.includes('meta') || !tables.includes('movies'))
      throw new StoreError('foreign', `${location} holds another application's tables (${tables.slice(0, 3).join(', ')}…), not a Marquee library: use an empty database`);
    const v = (await client.query<{ value: string }>("SELECT value FROM meta WHERE key = 'schema_version'")).rows[0];
    if (!v) throw new StoreError('foreign', `${location} has tables named like Marquee's but no schema version: not a Marquee library`);
    version = Number(v.value);
    if (version > PG_SCHEMA_VERSION) throw new StoreError('schema_newer', `library ${location} has schema version ${version}, newer than this Marquee (${PG_SCHEMA_VERSION}); upgrade Marquee`);
  } else if (!create) {
    throw new StoreError('missing', `library ${location} is empty: run "marquee index <catalog> --db <url>" first`);
  }
  // One process at a time creates or migrates the schema (several servers may start together).
  await client.query('SELECT pg_advisory_lock(hashtext($1))', ['marquee-schema']);
  try {
    await client.query('BEGIN');
    await client.query(PG_SCHEMA_SQL);
    // Dropping and creating triggers locks every table: only when some are missing (a new or older
    // library), not at every open (each job's child process opens the library while others write).
    if (!(await revisionTriggersPresent(client))) await client.query(revisionTriggersSql());
    await client.query(PG_JOBS_SCHEMA_SQL);
    await client.query(PG_LEXICAL_SCHEMA_SQL);
    // A new library is created in the current shape; an older one is migrated step by step.
    if (version > 0) for (let v = version; v < PG_SCHEMA_VERSION; v++) await client.query(PG_MIGRATIONS[v - 1]!);
    await client.query("INSERT INTO meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [String(PG_SCHEMA_VERSION)]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', ['marquee-schema']);
  }
  return setUpPgvector(client);
}

async function setUpPgvector(client: pg.PoolClient): Promise<boolean> {
  if (process.env.MARQUEE_PGVECTOR === 'off') return false;
  const installed = (await client.query("SELECT 1 FROM pg_extension WHERE extname = 'vector'")).rowCount === 1;
  if (!installed) {
    const available = (await client.query("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")).rowCount === 1;
    if (!available) return false;
    try {
      await client.query('CREATE EXTENSION IF NOT EXISTS vector');
    } catch {
      return false; // available but this user may not create it: vectors stay in-process
    }
  }
  // Filtered searches need iterative index scans (pgvector 0.8.0): older versions keep vectors in-process.
  const version = (await client.query<{ v: string }>("SELECT extversion AS v FROM pg_extension WHERE extname = 'vector'")).rows[0]?.v ?? '0';
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major === 0 && minor < 8) return false;
  const hasColumn = (await client.query("SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'vectors' AND column_name = 'embedding'")).rowCount === 1;
  if (!hasColumn) {
    await client.query('ALTER TABLE vectors ADD COLUMN IF NOT EXISTS embedding vector');
    // Vectors stored before pgvector was there: fill their embedding once, in batches.
    for (;;) {
      const rows = (await client.query<{ movie_key: number; channel: string; data: Buffer }>('SELECT movie_key, channel, data FROM vectors WHERE embedding IS NULL LIMIT 500')).rows;
      if (rows.length === 0) break;
      for (const r of rows) await client.query('UPDATE vectors SET embedding = $3::vector WHERE movie_key = $1 AND channel = $2', [r.movie_key, r.channel, vectorLiteral(fromBlob(r.data))]);
    }
  }
  return true;
}

export class PostgresStore implements Store {
  readonly engine = 'postgres' as const;
  readonly uploadsDir = process.env.MARQUEE_UPLOADS ?? './marquee.uploads';
  readonly vectors: VectorBackend;
  readonly lexical: LexicalSearch;
  readonly jobs: JobQueue;
  readonly runs: RunsRepository;
  readonly genreModels: GenreModelsRepository;
  readonly analyses: AnalysesRepository;
  readonly atlas: AtlasRepository;
  readonly faces: FacesRepository;
  readonly posterText: PosterTextRepository;
  readonly stills: StillsRepository;
  readonly films: FilmsRepository;
  /** (channel, model) pairs whose HNSW index this process has made sure of. */
  private readonly indexed = new Set<string>();

  constructor(
    readonly connection: string,
    readonly location: string,
    private readonly pool: pg.Pool,
    readonly pgvector: boolean,
    trigrams = false,
  ) {
    this.lexical = new PostgresLexicalSearch(pool, trigrams);
    this.jobs = new PostgresJobQueue(pool);
    this.vectors = {
      kind: pgvector ? 'pgvector' : 'bytes',
      engineIndex: (channel, model) => (pgvector && SEARCHED_CHANNELS.has(channelKind(channel)) ? new PgVectorIndex(pool, channel, model) : undefined),
    };
    const repositories = sqlRepositories(postgresSql(pool), () => this.acquireIndexLock());
    this.runs = repositories.runs;
    this.genreModels = repositories.genreModels;
    this.analyses = repositories.analyses;
    this.atlas = repositories.atlas;
    this.faces = repositories.faces;
    this.posterText = repositories.posterText;
    this.stills = repositories.stills;
    this.films = repositories.films;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async q(sql: string, params: unknown[] = []): Promise<Row[]> {
    return (await this.pool.query(sql, params)).rows as Row[];
  }

  private async one(sql: string, params: unknown[] = []): Promise<Row | undefined> {
    return (await this.q(sql, params))[0];
  }

  /** Runs fn in one transaction on one client: all of it is committed, or none. */
  private async tx<T>(fn: (c: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const out = await fn(client);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async getMeta(key: string): Promise<string | undefined> {
    return (await this.one('SELECT value FROM meta WHERE key = $1', [key]))?.value as string | undefined;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.q('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
  }

  private async upsertMovieOn(c: Queryable, movie: MovieRecord, source: string): Promise<number> {
    const r = await c.query(
      `INSERT INTO movies (id, title, year, genres, countries, genre_keys, country_keys, overview, tagline, imdb_id, tmdb_id, extra, source, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, now())
       ON CONFLICT (id) DO UPDATE SET title = excluded.title, year = excluded.year, genres = excluded.genres, countries = excluded.countries,
         genre_keys = excluded.genre_keys, country_keys = excluded.country_keys, overview = excluded.overview, tagline = excluded.tagline,
         imdb_id = excluded.imdb_id, tmdb_id = excluded.tmdb_id, extra = excluded.extra, source = excluded.source, updated_at = excluded.updated_at
       RETURNING key`,
      [
        movie.id, movie.title, movie.year, JSON.stringify(movie.genres), JSON.stringify(movie.countries),
        movie.genres.map((g) => g.toLowerCase()), movie.countries.map((c) => c.toUpperCase()),
        movie.overview, movie.tagline, movie.imdbId, movie.tmdbId, JSON.stringify(movie.extra), source,
      ],
    );
    return (r.rows[0] as Row).key as number;
  }

  async upsertMovie(movie: MovieRecord, source: string): Promise<number> {
    return this.upsertMovieOn(this.pool, movie, source);
  }

  async keyOf(id: string): Promise<number | undefined> {
    return (await this.one('SELECT key FROM movies WHERE id = $1', [id]))?.key as number | undefined;
  }

  async getMovie(id: string): Promise<StoredMovie | undefined> {
    const r = await this.one(`SELECT ${MOVIE_COLUMNS} FROM movies m WHERE m.id = $1`, [id]);
    return r ? rowToMovie(r) : undefined;
  }

  async getMoviesByKeys(keys: number[]): Promise<Map<number, StoredMovie>> {
    const out = new Map<number, StoredMovie>();
    if (keys.length === 0) return out;
    const rows = await this.q(`SELECT ${MOVIE_COLUMNS} FROM movies m WHERE m.key = ANY($1::int[])`, [keys]);
    const byKey = new Map(rows.map((r) => [r.key as number, rowToMovie(r)]));
    for (const k of keys) if (byKey.has(k)) out.set(k, byKey.get(k)!);
    return out;
  }

  async movieIdsFromSource(source: string): Promise<string[]> {
    return (await this.q('SELECT id FROM movies WHERE source = $1 ORDER BY key', [source])).map((r) => r.id as string);
  }

  async movieIdsWithPoster(limit: number): Promise<string[]> {
    return (await this.q('SELECT m.id FROM movies m JOIN posters p ON p.key = m.key ORDER BY m.key LIMIT $1', [limit])).map((r) => r.id as string);
  }

  async deleteMovies(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return this.tx(async (c) => (await c.query('DELETE FROM movies WHERE id = ANY($1::text[])', [ids])).rowCount ?? 0);
  }

  async titleRows(): Promise<TitleRow[]> {
    return (await this.q('SELECT key, id, title, year, extra FROM movies ORDER BY key')).map((r) => ({
      key: r.key as number,
      id: r.id as string,
      title: r.title as string,
      year: (r.year as number | null) ?? null,
      extra: r.extra as Record<string, unknown>,
    }));
  }

  async filterRows(): Promise<FilterRow[]> {
    return (await this.q('SELECT key, year, genres, countries FROM movies ORDER BY key')).map((r) => ({
      key: r.key as number,
      year: (r.year as number | null) ?? null,
      genres: r.genres as string[],
      countries: r.countries as string[],
    }));
  }

  private async putVectorOn(c: Queryable, key: number, v: VectorRecord): Promise<void> {
    if (this.pgvector)
      await c.query(
        `INSERT INTO vectors (movie_key, channel, model_id, model_version, source_hash, dim, data, embedding) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::vector)
         ON CONFLICT (movie_key, channel) DO UPDATE SET model_id = excluded.model_id, model_version = excluded.model_version,
           source_hash = excluded.source_hash, dim = excluded.dim, data = excluded.data, embedding = excluded.embedding`,
        [key, v.channel, v.modelId, v.modelVersion, v.sourceHash, v.vector.length, toBlob(v.vector), vectorLiteral(v.vector)],
      );
    else
      await c.query(
        `INSERT INTO vectors (movie_key, channel, model_id, model_version, source_hash, dim, data) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (movie_key, channel) DO UPDATE SET model_id = excluded.model_id, model_version = excluded.model_version,
           source_hash = excluded.source_hash, dim = excluded.dim, data = excluded.data`,
        [key, v.channel, v.modelId, v.modelVersion, v.sourceHash, v.vector.length, toBlob(v.vector)],
      );
  }

  /** HNSW indexes for the searched channels among these vectors (outside the write's transaction: index DDL locks the table). */
  private async ensureIndexes(vectors: VectorRecord[]): Promise<void> {
    if (!this.pgvector) return;
    for (const v of vectors) {
      const id = `${v.channel}/${v.modelId}/${v.modelVersion}/${v.metric ?? 'cosine'}`;
      if (this.indexed.has(id) || !SEARCHED_CHANNELS.has(channelKind(v.channel))) continue;
      await ensureVectorIndex(this.pool, v.channel, { id: v.modelId, version: v.modelVersion, dimension: v.vector.length, metric: v.metric });
      this.indexed.add(id);
    }
  }

  async writeMovies(batch: MovieWrite[], source: string): Promise<number[]> {
    await this.ensureIndexes(batch.flatMap((w) => [...(w.poster?.vectors ?? []), ...(w.text ? [w.text] : [])]));
    return this.tx(async (c) => {
      const keys: number[] = [];
      for (const w of batch) {
        const key = await this.upsertMovieOn(c, w.movie, source);
        if (w.poster) {
          const p = w.poster.record;
          await c.query(
            `INSERT INTO posters (key, movie_key, rank, path, content_hash, width, height, format, bytes, thumbnail, indexed_at) VALUES ($1, $1, 0, $2, $3, $4, $5, $6, $7, $8, now())
             ON CONFLICT (key) DO UPDATE SET path = excluded.path, content_hash = excluded.content_hash, width = excluded.width, height = excluded.height,
               format = excluded.format, bytes = excluded.bytes, thumbnail = excluded.thumbnail, indexed_at = excluded.indexed_at`,
            [key, p.path, p.contentHash, p.width, p.height, p.format, p.bytes, p.thumbnail],
          );
          for (const v of w.poster.vectors) await this.putVectorOn(c, key, v);
          await c.query(
            `INSERT INTO palettes (movie_key, version, source_hash, colors) VALUES ($1, $2, $3, $4)
             ON CONFLICT (movie_key) DO UPDATE SET version = excluded.version, source_hash = excluded.source_hash, colors = excluded.colors`,
            [key, w.poster.palette.version, w.poster.palette.sourceHash, JSON.stringify(w.poster.palette.colors)],
          );
        }
        if (w.text) await this.putVectorOn(c, key, w.text);
        else if (w.dropText) await c.query("DELETE FROM vectors WHERE movie_key = $1 AND channel = 'text'", [key]);
        keys.push(key);
      }
      return keys;
    });
  }

  async posterHash(key: number): Promise<string | undefined> {
    return (await this.one('SELECT content_hash FROM posters WHERE key = $1', [key]))?.content_hash as string | undefined;
  }

  async getThumbnail(id: string): Promise<Buffer | undefined> {
    return (await this.one('SELECT p.thumbnail FROM posters p JOIN movies m ON m.key = p.key WHERE m.id = $1', [id]))?.thumbnail as Buffer | undefined;
  }

  async posterFile(id: string): Promise<{ path: string; contentHash: string; format: string } | undefined> {
    const r = await this.one('SELECT p.path, p.content_hash, p.format FROM posters p JOIN movies m ON m.key = p.key WHERE m.id = $1', [id]);
    return r ? { path: r.path as string, contentHash: r.content_hash as string, format: r.format as string } : undefined;
  }

  async moviePosters(movieKey: number): Promise<StoredPoster[]> {
    return (await this.q(`SELECT ${POSTER_COLUMNS} FROM posters WHERE movie_key = $1 ORDER BY rank, key`, [movieKey])).map(rowToPoster);
  }

  async allPosters(): Promise<StoredPoster[]> {
    return (await this.q(`SELECT ${POSTER_COLUMNS} FROM posters ORDER BY key`)).map(rowToPoster);
  }

  async posterThumbnail(key: number): Promise<Buffer | undefined> {
    return (await this.one('SELECT thumbnail FROM posters WHERE key = $1', [key]))?.thumbnail as Buffer | undefined;
  }

  async writeMorePosters(movieKey: number, posters: MorePosterWrite[], keep: string[], mainMeta?: PosterMeta): Promise<{ keys: number[]; removed: number }> {
    await this.ensureIndexes(posters.flatMap((w) => w.content?.vectors ?? []));
    return this.tx(async (c) => {
      const keys: number[] = [];
      for (const w of posters) {
        if (w.rank < 1) throw new Error(`a further poster has rank ≥ 1, got ${w.rank} (${w.path})`);
        const existing = ((await c.query('SELECT key FROM posters WHERE movie_key = $1 AND rank > 0 AND path = $2', [movieKey, w.path])).rows[0] as Row | undefined)?.key as number | undefined;
        if (!w.content) {
          if (existing === undefined) throw new Error(`poster ${w.path} of movie ${movieKey} is not stored yet: its content is needed`);
          await c.query('UPDATE posters SET rank = $1, kind = $2, country = $3, year = $4 WHERE key = $5', [w.rank, w.meta.kind, w.meta.country, w.meta.year, existing]);
          keys.push(existing);
          continue;
        }
        // A further poster's key comes from the movies' sequence: no movie ever gets it.
        const key = existing ?? (((await c.query("SELECT nextval(pg_get_serial_sequence('movies', 'key'))::int AS k")).rows[0] as Row).k as number);
        const p = w.content.record;
        await c.query(
          `INSERT INTO posters (key, movie_key, rank, kind, country, year, path, content_hash, width, height, format, bytes, thumbnail, indexed_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, now())
           ON CONFLICT (key) DO UPDATE SET rank = excluded.rank, kind = excluded.kind, country = excluded.country, year = excluded.year,
             content_hash = excluded.content_hash, width = excluded.width, height = excluded.height, format = excluded.format,
             bytes = excluded.bytes, thumbnail = excluded.thumbnail, indexed_at = excluded.indexed_at`,
          [key, movieKey, w.rank, w.meta.kind, w.meta.country, w.meta.year, w.path, p.contentHash, p.width, p.height, p.format, p.bytes, p.thumbnail],
        );
        for (const v of w.content.vectors) await this.putVectorOn(c, key, v);
        await c.query(
          `INSERT INTO palettes (movie_key, version, source_hash, colors) VALUES ($1, $2, $3, $4)
           ON CONFLICT (movie_key) DO UPDATE SET version = excluded.version, source_hash = excluded.source_hash, colors = excluded.colors`,
          [key, w.content.palette.version, w.content.palette.sourceHash, JSON.stringify(w.content.palette.colors)],
        );
        keys.push(key);
      }
      if (mainMeta) await c.query('UPDATE posters SET kind = $1, country = $2, year = $3 WHERE key = $4 AND rank = 0', [mainMeta.kind, mainMeta.country, mainMeta.year, movieKey]);
      const removed = (await c.query('DELETE FROM posters WHERE movie_key = $1 AND rank > 0 AND NOT (path = ANY($2::text[]))', [movieKey, keep])).rowCount ?? 0;
      return { keys, removed };
    });
  }

  async postersAtPath(path: string): Promise<number> {
    return (await this.one('SELECT COUNT(*)::int AS n FROM posters WHERE path = $1', [path]))!.n as number;
  }

  async paletteState(key: number): Promise<{ version: string; sourceHash: string } | undefined> {
    const r = await this.one('SELECT version, source_hash FROM palettes WHERE movie_key = $1', [key]);
    return r ? { version: r.version as string, sourceHash: r.source_hash as string } : undefined;
  }

  async getPalette(key: number): Promise<PaletteColor[] | undefined> {
    return (await this.one('SELECT colors FROM palettes WHERE movie_key = $1', [key]))?.colors as PaletteColor[] | undefined;
  }

  async allPalettes(): Promise<{ key: number; colors: PaletteColor[] }[]> {
    return (await this.q('SELECT movie_key, colors FROM palettes ORDER BY movie_key')).map((r) => ({ key: r.movie_key as number, colors: r.colors as PaletteColor[] }));
  }

  async vectorState(key: number, channel: string): Promise<VectorState | undefined> {
    const r = await this.one('SELECT model_id, model_version, source_hash FROM vectors WHERE movie_key = $1 AND channel = $2', [key, channel]);
    return r ? vectorState(r) : undefined;
  }

  async vectorStates(key: number): Promise<Map<string, VectorState>> {
    const rows = await this.q('SELECT channel, model_id, model_version, source_hash FROM vectors WHERE movie_key = $1', [key]);
    return new Map(rows.map((r) => [r.channel as string, vectorState(r)]));
  }

  async getVector(key: number, channel: string, model: ModelRef): Promise<Float32Array | undefined> {
    const r = await this.one('SELECT data FROM vectors WHERE movie_key = $1 AND channel = $2 AND model_id = $3 AND model_version = $4', [key, channel, model.id, model.version]);
    return r ? fromBlob(r.data as Buffer) : undefined;
  }

  async loadVectors(channel: string, model: ModelRef, scope?: PosterScope): Promise<{ key: number; vector: Float32Array }[]> {
    const rows = await this.q(`SELECT movie_key, dim, data FROM vectors WHERE channel = $1 AND model_id = $2 AND model_version = $3${scoped(scope, 'movie_key')} ORDER BY movie_key`, [channel, model.id, model.version]);
    return rows.map((r) => {
      if (r.dim !== model.dimension) throw new StoreError('corrupt', `library ${this.location}: vector of movie ${r.movie_key} has ${r.dim} dims, model ${model.id} has ${model.dimension}`);
      return { key: r.movie_key as number, vector: fromBlob(r.data as Buffer) };
    });
  }

  async vectorKeys(channel: string, model: ModelRef, scope?: PosterScope): Promise<number[]> {
    return (await this.q(`SELECT movie_key FROM vectors WHERE channel = $1 AND model_id = $2 AND model_version = $3${scoped(scope, 'movie_key')} ORDER BY movie_key`, [channel, model.id, model.version])).map((r) => r.movie_key as number);
  }

  async putVectors(key: number, vectors: VectorRecord[]): Promise<void> {
    await this.ensureIndexes(vectors);
    await this.tx(async (c) => {
      for (const v of vectors) await this.putVectorOn(c, key, v);
    });
  }

  async deleteChannel(channel: string): Promise<number> {
    return this.tx(async (c) => {
      const n = (await c.query('DELETE FROM vectors WHERE channel = $1', [channel])).rowCount ?? 0;
      await c.query('DELETE FROM atlas_points WHERE channel = $1', [channel]);
      await c.query('DELETE FROM atlas WHERE channel = $1', [channel]);
      return n;
    });
  }













































  private async acquireIndexLock(): Promise<() => Promise<void>> {
    // A session-level advisory lock on a client of its own: it dies with the process's connection,
    // so a killed indexer never leaves a stale lock behind.
    const client = await this.pool.connect();
    const got = (await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', ['marquee-index'])).rows[0]!.ok;
    if (!got) {
      const holder = (await client.query<{ pid: number; since: Date | null; addr: string | null }>(
        "SELECT a.pid, a.backend_start AS since, a.client_addr::text AS addr FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.objid = hashtext($1)::oid AND l.granted LIMIT 1",
        ['marquee-index'],
      )).rows[0];
      client.release();
      throw new StoreError('busy', `library ${this.location} is being indexed by another process${holder ? ` (server backend ${holder.pid}${holder.addr ? ` from ${holder.addr}` : ''}, connected since ${holder.since?.toISOString()})` : ''}; wait for it to finish`);
    }
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      try {
        await client.query('SELECT pg_advisory_unlock(hashtext($1))', ['marquee-index']);
      } finally {
        client.release();
      }
    };
  }

  async stats(): Promise<LibraryStats> {
    const movies = (await this.one('SELECT COUNT(*)::int AS n FROM movies'))!.n as number;
    const posters = (await this.one('SELECT COUNT(*)::int AS n FROM posters'))!.n as number;
    const vectors = (await this.q('SELECT channel, model_id, model_version, COUNT(*)::int AS n FROM vectors GROUP BY channel, model_id, model_version ORDER BY channel')).map((r) => ({
      channel: r.channel as string,
      modelId: r.model_id as string,
      modelVersion: r.model_version as string,
      count: r.n as number,
    }));
    return { movies, posters, vectors };
  }

  async checkIntegrity(): Promise<string[]> {
    // Foreign keys and types are enforced by the server; what it cannot know is that blobs hold whole vectors.
    const problems: string[] = [];
    const bad = (await this.one('SELECT COUNT(*)::int AS n FROM vectors WHERE length(data) <> dim * 4'))!.n as number;
    if (bad) problems.push(`${bad} vectors whose bytes do not match their dimension`);
    if (this.pgvector) {
      const missing = (await this.one('SELECT COUNT(*)::int AS n FROM vectors WHERE embedding IS NULL OR vector_dims(embedding) <> dim'))!.n as number;
      if (missing) problems.push(`${missing} vectors without a matching pgvector embedding`);
    }
    return problems;
  }



  async onExternalChange(listener: () => void): Promise<() => Promise<void>> {
    const client = await this.pool.connect();
    let timer: NodeJS.Timeout | undefined;
    // Notifications come per statement; a burst (an index batch) becomes one reload.
    const onNotification = (): void => {
      clearTimeout(timer);
      timer = setTimeout(listener, 300);
    };
    client.on('notification', onNotification);
    await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
    return async () => {
      clearTimeout(timer);
      client.off('notification', onNotification);
      await client.query(`UNLISTEN ${NOTIFY_CHANNEL}`).catch(() => undefined);
      client.release();
    };
  }

  // Stills

  async prepareStillsMovies(movies: StillsMovie[], source: string): Promise<{ keys: number[]; pruned: number }> {
    return this.tx(async (c) => {
      let pruned = 0;
      const keys: number[] = [];
      for (const m of movies) {
        const joined = m.imdbId ? ((await c.query('SELECT id FROM movies WHERE imdb_id = $1 ORDER BY key LIMIT 1', [m.imdbId])).rows[0] as Row | undefined)?.id as string | undefined : undefined;
        const movie = joined ? { ...m.movie, id: joined } : m.movie;
        const existing = (await c.query('SELECT key FROM movies WHERE id = $1', [movie.id])).rows[0] as Row | undefined;
        const key = (existing?.key as number | undefined) ?? (await this.upsertMovieOn(c, movie, source));
        pruned += (await c.query('DELETE FROM stills WHERE movie_key = $1 AND NOT (seq = ANY($2::int[]))', [key, m.keepSeqs])).rowCount ?? 0;
        keys.push(key);
      }
      return { keys, pruned };
    });
  }







































  // Copying between engines

  async *exportTable(spec: TableSpec): AsyncIterable<TableRow[]> {
    const cols = spec.columns.join(', ');
    let last: TableRow | undefined;
    let offset = 0;
    for (;;) {
      let rows: Row[];
      if (spec.key.length) {
        const where = last ? `WHERE (${spec.key.join(', ')}) > (${spec.key.map((_, i) => `$${i + 1}`).join(', ')})` : '';
        rows = await this.q(`SELECT ${cols} FROM ${spec.name} ${where} ORDER BY ${spec.key.join(', ')} LIMIT ${COPY_PAGE}`, last ? spec.key.map((k) => last![k]) : []);
      } else {
        rows = await this.q(`SELECT ${cols} FROM ${spec.name} ORDER BY ${spec.columns.join(', ')} LIMIT ${COPY_PAGE} OFFSET ${offset}`);
        offset += rows.length;
      }
      if (rows.length === 0) return;
      last = rows.at(-1);
      const out = rows.map((r) => {
        const o: TableRow = { ...r };
        for (const c of spec.time) if (o[c] instanceof Date) o[c] = (o[c] as Date).toISOString();
        return o;
      });
      yield spec.name === 'meta' ? out.filter((r) => !ENGINE_META_KEYS.has(r.key as string)) : out;
    }
  }

  async importRows(spec: TableSpec, rows: TableRow[]): Promise<void> {
    if (rows.length === 0) return;
    const columns = [...spec.columns];
    const values = rows.map((r) => spec.columns.map((c) => (spec.json.includes(c) && r[c] !== null && r[c] !== undefined ? JSON.stringify(r[c]) : (r[c] ?? null))));
    // Columns only PostgreSQL has: the filter keys of movies, the pgvector copy of vectors.
    if (spec.name === 'movies') {
      columns.push('genre_keys', 'country_keys');
      rows.forEach((r, i) => values[i]!.push((r.genres as string[]).map((g) => g.toLowerCase()), (r.countries as string[]).map((c) => c.toUpperCase())));
    }
    const embed = spec.name === 'vectors' && this.pgvector;
    if (embed) {
      columns.push('embedding');
      rows.forEach((r, i) => values[i]!.push(vectorLiteral(fromBlob(r.data as Buffer))));
    }
    const params: unknown[] = [];
    const tuples = values.map((v) => `(${v.map((x, j) => `$${params.push(x)}${embed && j === v.length - 1 ? '::vector' : ''}`).join(', ')})`);
    await this.tx(async (c) => {
      await c.query(`INSERT INTO ${spec.name} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, params);
    });
  }

  async finishImport(): Promise<void> {
    for (const spec of TABLE_SPECS.filter((s) => s.identity)) {
      // Further posters' keys come from the movies' sequence too: it moves past them as well.
      const max = spec.name === 'movies' ? 'GREATEST((SELECT MAX(key) FROM movies), (SELECT MAX(key) FROM posters))' : `(SELECT MAX(${spec.identity}) FROM ${spec.name})`;
      await this.q(`SELECT setval(pg_get_serial_sequence('${spec.name}', '${spec.identity}'), COALESCE(${max}, 0) + 1, false)`);
    }
    if (!this.pgvector) return;
    const kinds = await this.q('SELECT DISTINCT channel, model_id, model_version, dim FROM vectors');
    for (const k of kinds)
      if (SEARCHED_CHANNELS.has(channelKind(k.channel as string))) await ensureVectorIndex(this.pool, k.channel as string, { id: k.model_id as string, version: k.model_version as string, dimension: k.dim as number });
  }

  // Atlas














}

