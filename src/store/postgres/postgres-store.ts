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
import { fromBlob } from '../blob.js';
import { channelKind, COLOR_CHANNEL, CONTENT_CHANNEL, LAYOUT_CHANNEL, TEXT_CHANNEL } from '../channels.js';
import { StoreError } from '../errors.js';
import { redactLocation } from '../location.js';
import { postgresSql, postgresWrites } from './sql.js';
import { sqlRepositories, WithRepositories } from '../repositories/all.js';
import { SqlJobQueue } from '../repositories/jobs.js';
import type { Store } from '../store.js';
import type { VectorRecord } from '../types.js';
import { PG_LEXICAL_SCHEMA_SQL, PostgresLexicalSearch, setUpTrigrams } from './lexical-postgres.js';
import { PgStillsMatchSearch } from './stills-match-search.js';
import type { LexicalSearch } from '../lexical.js';
import { ensureVectorIndex, PgVectorIndex, vectorLiteral } from './pgvector-index.js';
import { TABLE_SPECS } from '../tables.js';
import type { JobQueue } from '../../jobs/job-queue.js';
import { NOTIFY_CHANNEL, revisionTriggersPresent, revisionTriggersSql, PG_JOBS_SCHEMA_SQL, PG_MIGRATIONS, PG_SCHEMA_SQL, PG_SCHEMA_VERSION } from './schema.js';
import { migrateLibrary, MIGRATOR_VERSIONS } from '../sql/migrations.js';
import type { Sql } from '../sql/connect.js';

const MIGRATOR_VERSION = MIGRATOR_VERSIONS.postgres;

type Row = Record<string, unknown>;

/** Channels searched by similarity get an HNSW index; the duplicate signature is only read. */
const SEARCHED_CHANNELS = new Set<string>([CONTENT_CHANNEL, COLOR_CHANNEL, LAYOUT_CHANNEL, TEXT_CHANNEL]);

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
  const sql = postgresSql(pool);
  const withClient = async <T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      return await fn(client);
    } finally {
      client.release();
    }
  };
  try {
    const schema = await withClient(async (client) => {
      await upgradeToMigrator(client, location, opts.create);
      return (await client.query<{ s: string }>('SELECT current_schema() AS s')).rows[0]!.s;
    });
    // The Migrator takes a connection of its own from the pool (a pool of one, as for PGlite, has it free now).
    await migrateLibrary(sql.db, 'postgres', location, { schema });
    const [pgvector, trigrams] = await withClient(async (client) => [await setUpPgvector(client), await setUpTrigrams(client)] as const);
    return new PostgresStore(url, location, pool, sql, pgvector, trigrams);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err instanceof StoreError ? err : connectError(location, err);
  }
}

/** The library's meta('schema_version'), if it has one (never an error: it may run inside a transaction). */
async function schemaVersion(client: pg.PoolClient): Promise<number | undefined> {
  if ((await client.query<{ t: string | null }>("SELECT to_regclass('meta')::text AS t")).rows[0]?.t == null) return undefined;
  const row = (await client.query<{ value: string }>("SELECT value FROM meta WHERE key = 'schema_version'")).rows[0];
  return row ? Number(row.value) : undefined;
}

/**
 * Creates a library, or brings an older one up to where Kysely's Migrator takes over (the
 * hand-written history frozen at schema 7, schema.ts; ../sql/migrations.ts runs every later
 * change). Nothing is written when the library is already there.
 */
async function upgradeToMigrator(client: pg.PoolClient, location: string, create: boolean): Promise<void> {
  const tables = (await client.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")).rows.map((r) => r.table_name);
  let version = 0;
  if (tables.length > 0) {
    if (!tables.includes('meta') || !tables.includes('movies'))
      throw new StoreError('foreign', `${location} holds another application's tables (${tables.slice(0, 3).join(', ')}…), not a Marquee library: use an empty database`);
    const v = await schemaVersion(client);
    if (v === undefined) throw new StoreError('foreign', `${location} has tables named like Marquee's but no schema version: not a Marquee library`);
    version = v;
    if (version > MIGRATOR_VERSION) throw new StoreError('schema_newer', `library ${location} has schema version ${version}, newer than this Marquee (${MIGRATOR_VERSION}); upgrade Marquee`);
    if (version === MIGRATOR_VERSION) return;
  } else if (!create) {
    throw new StoreError('missing', `library ${location} is empty: run "marquee index <catalog> --db <url>" first`);
  }
  // One process at a time creates or upgrades the schema (several servers may start together).
  await client.query('SELECT pg_advisory_lock(hashtext($1))', ['marquee-schema']);
  try {
    await client.query('BEGIN');
    // Another process may have finished while this one waited for the lock.
    if ((await schemaVersion(client)) !== MIGRATOR_VERSION) {
      await client.query(PG_SCHEMA_SQL);
      if (!(await revisionTriggersPresent(client))) await client.query(revisionTriggersSql());
      await client.query(PG_JOBS_SCHEMA_SQL);
      await client.query(PG_LEXICAL_SCHEMA_SQL);
      // A new library is created in schema 7's shape; an older one is migrated step by step.
      if (version > 0) for (let v = version; v < PG_SCHEMA_VERSION; v++) await client.query(PG_MIGRATIONS[v - 1]!);
      await client.query("INSERT INTO meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [String(MIGRATOR_VERSION)]);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', ['marquee-schema']);
  }
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
      const rows = (await client.query<{ subject_key: number; channel: string; data: Buffer }>('SELECT subject_key, channel, data FROM vectors WHERE embedding IS NULL LIMIT 500')).rows;
      if (rows.length === 0) break;
      for (const r of rows) await client.query('UPDATE vectors SET embedding = $3::vector WHERE subject_key = $1 AND channel = $2', [r.subject_key, r.channel, vectorLiteral(fromBlob(r.data))]);
    }
  }
  // The stored which-movie rows get theirs the same way (repositories/stills-match.ts).
  const matchHasColumn = (await client.query("SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'stills_match' AND column_name = 'embedding'")).rowCount === 1;
  if (!matchHasColumn) {
    await client.query('ALTER TABLE stills_match ADD COLUMN IF NOT EXISTS embedding vector');
    await fillStillsMatchEmbeddings(client);
  }
  return true;
}

/** Stored which-movie rows written without their pgvector embedding (before the extension, or copied in): filled in batches. */
async function fillStillsMatchEmbeddings(client: Pick<pg.Pool, 'query'>): Promise<void> {
  for (;;) {
    const rows = (await client.query<{ still_key: number; data: Buffer }>('SELECT still_key, data FROM stills_match WHERE embedding IS NULL LIMIT 500')).rows;
    if (rows.length === 0) return;
    for (const r of rows) await client.query('UPDATE stills_match SET embedding = $2::vector WHERE still_key = $1', [r.still_key, vectorLiteral(fromBlob(r.data))]);
  }
}

export class PostgresStore extends WithRepositories implements Store {
  readonly engine = 'postgres' as const;
  readonly uploadsDir = process.env.MARQUEE_UPLOADS ?? './marquee.uploads';
  readonly lexical: LexicalSearch;
  readonly jobs: JobQueue;
  /** (channel, model) pairs whose HNSW index this process has made sure of. */
  private readonly indexed = new Set<string>();

  constructor(
    readonly connection: string,
    readonly location: string,
    private readonly pool: pg.Pool,
    sql: Sql,
    readonly pgvector: boolean,
    trigrams = false,
  ) {
    super();
    this.lexical = new PostgresLexicalSearch(pool, trigrams);
    this.jobs = new SqlJobQueue(sql);
    Object.assign(
      this,
      sqlRepositories(sql, {
        writes: postgresWrites(pgvector, (vectors) => this.ensureIndexes(vectors)),
        vectorBackend: {
          kind: pgvector ? 'pgvector' : 'bytes',
          engineIndex: (channel, model) => (pgvector && SEARCHED_CHANNELS.has(channelKind(channel)) ? new PgVectorIndex(pool, channel, model) : undefined),
        },
        acquireIndexLock: () => this.acquireIndexLock(),
        location,
        finishImport: () => this.finishImport(),
        stillsMatchSearch: pgvector ? new PgStillsMatchSearch(pool) : undefined,
      }),
    );
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

  private async finishImport(): Promise<void> {
    for (const spec of TABLE_SPECS.filter((s) => s.identity)) {
      // Further posters' keys come from the movies' sequence too: it moves past them as well.
      const max = spec.name === 'movies' ? 'GREATEST((SELECT MAX(key) FROM movies), (SELECT MAX(key) FROM posters))' : `(SELECT MAX(${spec.identity}) FROM ${spec.name})`;
      await this.q(`SELECT setval(pg_get_serial_sequence('${spec.name}', '${spec.identity}'), COALESCE(${max}, 0) + 1, false)`);
    }
    if (!this.pgvector) return;
    const kinds = await this.q('SELECT DISTINCT channel, model_id, model_version, dim FROM vectors');
    for (const k of kinds)
      if (SEARCHED_CHANNELS.has(channelKind(k.channel as string))) await ensureVectorIndex(this.pool, k.channel as string, { id: k.model_id as string, version: k.model_version as string, dimension: k.dim as number });
    await fillStillsMatchEmbeddings(this.pool);
    const first = (await this.pool.query<{ data: Buffer }>('SELECT data FROM stills_match LIMIT 1')).rows[0];
    if (first) await new PgStillsMatchSearch(this.pool).afterSave(first.data.length / 4);
  }
}

