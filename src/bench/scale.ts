/**
 * `npm run bench -- scale`: the storage engines side by side, in one run on one machine.
 * - the demo catalog indexed into SQLite and into PostgreSQL (index throughput ratio, query p50/p99);
 * - 100k synthetic 1792-d embedding-like vectors stored in SQLite and PostgreSQL (bytea) and
 *   searched in-process with HNSW (load rate, index build, p50, recall@10, memory of the index);
 * - 20k of them in pgvector through PGlite (searched in the database);
 * - indexing the demo catalog with 1 vs 2 worker processes of one thread each.
 * PostgreSQL is MARQUEE_BENCH_PG (an admin URL) or a throw-away cluster from scripts/pg-cluster.sh.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { statSync } from 'node:fs';
import { createDatabase, databaseBytes, vectorStorageBytes } from '../store/postgres/admin.js';
import { ExactIndex } from '../search/exact-index.js';
import { loadChannelIndex } from '../search/index-factory.js';
import { openStore } from '../store/open-store.js';
import type { MovieWrite, Store } from '../store/store.js';
import type { ModelRef } from '../store/types.js';
import { clusteredVectors } from './ann.js';
import { benchQueries } from './query-latency.js';
import { percentile, round } from './stats.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = join(ROOT, 'dist/cli/main.js');

interface Server {
  admin: string;
  stop(): void;
}

function postgres(): Server {
  if (process.env.MARQUEE_BENCH_PG) return { admin: process.env.MARQUEE_BENCH_PG, stop: () => undefined };
  const script = join(ROOT, 'scripts/pg-cluster.sh');
  const [url, dir] = execFileSync(script, ['start'], { encoding: 'utf8' }).trim().split(' ');
  const stop = (): void => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    execFileSync(script, ['stop', dir!]);
  };
  // A benchmark stopped by a timeout or Ctrl-C must not leave its cluster running.
  const onSignal = (): void => {
    stop();
    process.exit(130);
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  return { admin: url!, stop };
}

const database = (admin: string, name: string): Promise<string> => createDatabase(admin, name);

/** Runs `marquee index` and returns its JSON summary. */
function indexWithCli(catalog: string, db: string, extra: string[] = [], env: Record<string, string> = {}): { seconds: number; postersPerSecond: number; indexed: number } {
  const r = spawnSync(process.execPath, [CLI, 'index', catalog, '--db', db, '--json', '--no-ocr', ...extra], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 256 * 2 ** 20 });
  if (r.status !== 0) throw new Error(`index into ${db} failed: ${r.stderr}`);
  const summary = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { seconds: number; postersPerSecond: number; indexed: number };
  return { seconds: summary.seconds, postersPerSecond: summary.postersPerSecond, indexed: summary.indexed };
}

const SYNTHETIC: ModelRef = { id: 'synthetic-1792', version: '1', dimension: 1792 };

async function loadSynthetic(store: Store, vectors: Float32Array[], batch = 500): Promise<number> {
  return loadSyntheticFrom(store, vectors, 0, batch);
}

/** Writes vectors[from..] as synthetic movies (key order = vector order); returns vectors/s. */
async function loadSyntheticFrom(store: Store, vectors: Float32Array[], from: number, batch: number): Promise<number> {
  const started = performance.now();
  for (let i = from; i < vectors.length; i += batch) {
    const writes: MovieWrite[] = vectors.slice(i, i + batch).map((vector, j) => {
      const n = i + j;
      return {
        movie: { id: `s${n}`, title: `synthetic ${n}`, year: 1950 + (n % 70), genres: n % 3 ? ['Drama'] : ['Comedy'], countries: ['US'], overview: '', tagline: '', imdbId: null, tmdbId: null, extra: {} },
        poster: {
          record: { path: `/synthetic/${n}.jpg`, contentHash: `h${n}`, width: 1, height: 1, format: 'jpeg', bytes: 1, thumbnail: Buffer.alloc(1) },
          vectors: [{ channel: 'content', modelId: SYNTHETIC.id, modelVersion: SYNTHETIC.version, sourceHash: `h${n}`, vector }],
          palette: { version: 'synthetic', sourceHash: `h${n}`, colors: [] },
        },
      };
    });
    await store.movies.write(writes, 'synthetic');
  }
  return (vectors.length - from) / ((performance.now() - started) / 1000);
}

/** Search latency and recall@10 of an index against exact truth. */
async function measure(index: { search(q: Float32Array, k: number): Promise<{ key: number }[]> }, queries: Float32Array[], truth: Set<number>[]) {
  const times: number[] = [];
  let found = 0;
  for (const [i, q] of queries.entries()) {
    const t = performance.now();
    const hits = await index.search(q, 10);
    times.push(performance.now() - t);
    found += hits.filter((h) => truth[i]!.has(h.key)).length;
  }
  return { p50Ms: round(percentile(times, 50), 3), p99Ms: round(percentile(times, 99), 3), recallAt10: round(found / (queries.length * 10), 4) };
}

async function syntheticOn(location: string, vectors: Float32Array[], queries: Float32Array[]) {
  const store = await openStore(location, { create: true });
  try {
    const loadRate = await loadSynthetic(store, vectors);
    const keys = (await store.vectors.load('content', SYNTHETIC)).map((e) => e.key);
    const exact = new ExactIndex(SYNTHETIC.dimension, vectors.length);
    await exact.upsert(vectors.map((vector, i) => ({ key: keys[i]!, vector })));
    const truth = await Promise.all(queries.map(async (q) => new Set((await exact.search(q, 10)).map((h) => h.key))));
    const rssBefore = process.memoryUsage().rss;
    const t = performance.now();
    const loaded = await loadChannelIndex(store, 'content', SYNTHETIC, () => store.movies.filterRows());
    const buildSeconds = (performance.now() - t) / 1000;
    const indexRssMiB = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
    const q = await measure(loaded.index, queries, truth);
    const disk = store.engine === 'sqlite' ? statSync(location).size + (statSync(`${location}-wal`, { throwIfNoEntry: false })?.size ?? 0) : await databaseBytes(location);
    return { engine: store.engine, vectorSearch: store.vectors.kind, index: loaded.index.kind, vectors: vectors.length, loadPerSecond: round(loadRate, 0), loadAndBuildSeconds: round(buildSeconds, 1), ...q, indexRssMiB: round(indexRssMiB, 0), diskBytesPerPoster: round(disk / vectors.length, 0) };
  } finally {
    await store.close();
  }
}

/**
 * pgvector in PGlite (WebAssembly), served on loopback: the same node-postgres code as a real server.
 * Loaded the way a large library reaches PostgreSQL: built in SQLite, then `marquee migrate`'s bulk
 * copy (rows first, one HNSW build at the end). Row-by-row inserts into a live HNSW index ran at
 * ~6 vectors/s in wasm (1k measured), so the incremental rate is measured on a small tail batch.
 */
async function pgvectorOnPglite(vectors: Float32Array[], queries: Float32Array[], dir: string) {
  const { startPglite } = await import('../store/postgres/pglite-server.js');
  const { openPostgresStore } = await import('../store/postgres/postgres-store.js');
  const { copyLibrary } = await import('../store/copy-library.js');
  const tail = Math.min(100, Math.floor(vectors.length / 10));
  const bulk = vectors.slice(0, vectors.length - tail);
  const source = await openStore(join(dir, `pgvector-source-${vectors.length}.db`), { create: true });
  try {
    await loadSynthetic(source, bulk);
  } catch (err) {
    await source.close();
    throw err;
  }
  const pglite = await startPglite({ maxConnections: 4 });
  const url = pglite.url;
  const store = await openPostgresStore(url, { create: true, poolSize: 1 });
  let open = true;
  try {
    const t = performance.now();
    let rowsCopied = 0;
    let vectorsCopiedAt = 0;
    const copy = await copyLibrary(source, store, (p) => {
      if (p.table === 'vectors') {
        rowsCopied = p.rows;
        vectorsCopiedAt = performance.now();
      }
    });
    await source.close();
    const copySeconds = (performance.now() - t) / 1000;
    const rowsSeconds = (vectorsCopiedAt - t) / 1000;
    // The tail goes through the ordinary write path into the live HNSW index.
    const ti = performance.now();
    await loadSyntheticFrom(store, vectors, bulk.length, 20);
    const incrementalPerSecond = tail / ((performance.now() - ti) / 1000);
    const keys = (await store.vectors.load('content', SYNTHETIC)).map((e) => e.key);
    const exact = new ExactIndex(SYNTHETIC.dimension, vectors.length);
    await exact.upsert(vectors.map((v, i) => ({ key: keys[i]!, vector: v })));
    const truth = await Promise.all(queries.map(async (q) => new Set((await exact.search(q, 10)).map((h) => h.key))));
    const rssBefore = process.memoryUsage().rss;
    const loaded = await loadChannelIndex(store, 'content', SYNTHETIC, () => store.movies.filterRows());
    const indexRssMiB = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
    const q = await measure(loaded.index, queries, truth);
    const result = { vectorSearch: store.vectors.kind, index: loaded.index.kind };
    await store.close(); // PGlite serves one connection: free it for the size query
    open = false;
    const storage = await vectorStorageBytes(url);
    return {
      engine: 'pglite',
      vectors: vectors.length,
      ...result,
      bulkCopy: { vectors: rowsCopied, rowsPerSecond: round(rowsCopied / rowsSeconds, 0), hnswBuildAndVerifySeconds: round(copySeconds - rowsSeconds, 1), totalSeconds: round(copySeconds, 1), verifiedChecksum: copy.vectorChecksum.slice(0, 12) },
      incrementalInsertsPerSecond: round(incrementalPerSecond, 1),
      ...q,
      storageBytesPerVector: { table: round(storage.table / vectors.length, 0), hnswIndex: round(storage.hnswIndexes / vectors.length, 0) },
      serverProcessIndexRssMiB: round(indexRssMiB, 0),
    };
  } finally {
    if (open) await store.close();
    await pglite.stop();
  }
}

/** MARQUEE_SCALE_PARTS picks parts (catalog, workers, synthetic, pgvector); each part's figures are also printed to stderr as it ends. */
export async function benchScale(catalog: string, dir: string) {
  const parts = new Set((process.env.MARQUEE_SCALE_PARTS ?? 'catalog,workers,synthetic,pgvector').split(','));
  const server = postgres();
  const out: Record<string, unknown> = {};
  const done = (part: string, value: unknown): void => {
    out[part] = value;
    process.stderr.write(`scale result ${JSON.stringify({ [part]: value })}\n`);
  };
  try {
    if (parts.has('catalog')) {
      // 1. The demo catalog in both engines (the image and text models are the bound).
      process.stderr.write('scale: demo catalog into SQLite and PostgreSQL...\n');
      const sqlite = join(dir, 'scale.db');
      const pgDb = await database(server.admin, 'marquee_bench_catalog');
      const a = indexWithCli(catalog, sqlite);
      const b = indexWithCli(catalog, pgDb);
      done('catalog', { sqlite: a, postgres: b, throughputRatio: round(b.postersPerSecond / a.postersPerSecond, 3) });
      process.stderr.write('scale: query latency on both...\n');
      const qa = (await benchQueries(catalog, sqlite, 100)) as Record<string, unknown>;
      const qb = (await benchQueries(catalog, pgDb, 100)) as Record<string, unknown>;
      const pick = (q: Record<string, unknown>) => ({ image: q.image, text: q.text, both: q.both, id: q.id });
      const ratio = (k: 'image' | 'text' | 'both') => round((qb[k] as { p50Ms: number }).p50Ms / (qa[k] as { p50Ms: number }).p50Ms, 2);
      done('queries', { sqlite: pick(qa), postgres: pick(qb), p50RatioPostgresToSqlite: { image: ratio('image'), text: ratio('text'), both: ratio('both') } });
    }
    if (parts.has('workers')) {
      // 2. Workers: 1 vs 2 processes of one onnxruntime thread each.
      process.stderr.write('scale: 1 vs 2 workers...\n');
      const w1 = indexWithCli(catalog, await database(server.admin, 'marquee_bench_w1'), ['--workers', '1'], { MARQUEE_WORKER_THREADS: '1' });
      const w2 = indexWithCli(catalog, await database(server.admin, 'marquee_bench_w2'), ['--workers', '2'], { MARQUEE_WORKER_THREADS: '1' });
      done('workers', { one: w1, two: w2, speedup: round(w1.seconds / w2.seconds, 2) });
    }
    const n = Number(process.env.MARQUEE_BENCH_SCALE_N ?? 100_000);
    const vectors = parts.has('synthetic') ? clusteredVectors(n, SYNTHETIC.dimension, 1) : [];
    const queries = clusteredVectors(100, SYNTHETIC.dimension, 2);
    if (parts.has('synthetic')) {
      // 3. Synthetic vectors at scale, searched in-process, stored in each engine.
      process.stderr.write(`scale: ${n} synthetic vectors in SQLite and PostgreSQL...\n`);
      const onSqlite = await syntheticOn(join(dir, 'synthetic.db'), vectors, queries);
      process.env.MARQUEE_PGVECTOR = 'off';
      const onPostgres = await syntheticOn(await database(server.admin, 'marquee_bench_synthetic'), vectors, queries);
      delete process.env.MARQUEE_PGVECTOR;
      done('synthetic', [onSqlite, onPostgres]);
    }
    if (parts.has('pgvector')) {
      // 4. pgvector in WebAssembly (single-threaded), bulk-loaded as `migrate` does.
      const m = Number(process.env.MARQUEE_BENCH_PGVECTOR_N ?? 20_000);
      process.stderr.write(`scale: ${m} vectors in pgvector (PGlite)...\n`);
      done('pgvector', await pgvectorOnPglite(vectors.length >= m ? vectors.slice(0, m) : clusteredVectors(m, SYNTHETIC.dimension, 1), queries, dir));
    }
  } finally {
    server.stop();
  }
  return out;
}
