/** `npm run bench`: measures index throughput, query latency, ANN and fusion quality; prints JSON. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { benchAnn } from './ann.js';
import { benchAtlas } from './atlas.js';
import { benchAnalysis } from './analysis.js';
import { benchChannelCost } from './channel-cost.js';
import { benchGenres } from './genres.js';
import { benchFusion } from './fusion-eval.js';
import { benchIndex } from './index-throughput.js';
import { benchQueries } from './query-latency.js';
import { benchScale } from './scale.js';
import { benchOcr } from './ocr.js';
import { benchHubs } from './hubs.js';
import { spawnSync } from 'node:child_process';
import { benchStills } from './stills.js';
import { benchDefaultWeights } from './default-weights.js';
import { benchModels } from './models.js';
import { benchShots } from './shots.js';
import { benchTrends } from './trends.js';
import { benchRelevance } from './relevance-bench.js';
import { benchCliStart } from './cli-start.js';
import { benchIdentify } from './identify.js';
import { benchLexical } from './lexical-scale.js';
import { isPostgresUrl } from '../store/location.js';
import { benchServing } from './serving.js';
import { benchStillsScale } from './stills-scale.js';
import { benchObjectStorage } from './object-storage.js';

const catalog = resolve(process.env.MARQUEE_CATALOG ?? '../shared/catalog');
const only = new Set(process.argv.slice(2));
const want = (name: string) => only.size === 0 || only.has(name);
const dir = mkdtempSync(join(tmpdir(), 'marquee-bench-'));
/** MARQUEE_BENCH_DB: measure queries on an existing library (e.g. one indexed with --faces) instead of indexing. */
const existingDb = process.env.MARQUEE_BENCH_DB;
const db = existingDb ? resolve(existingDb) : join(dir, 'bench.db');
const out: Record<string, unknown> = { catalog, startedAt: new Date().toISOString() };
/** Indexes the catalog into the bench library with the CLI (for benches given no MARQUEE_BENCH_DB); returns its seconds. */
function indexForBench(bench: string, how: string, flags: string[]): number {
  process.stderr.write(`bench: indexing the catalog ${how}...\n`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(import.meta.dirname, '../cli/main.js'), 'index', catalog, '--db', db, ...flags], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`indexing for the ${bench} benchmark failed`);
  return Math.round((performance.now() - t0) / 100) / 10;
}
try {
  if (!existingDb && (want('index') || want('query') || want('fusion') || want('dupes') || want('genres'))) {
    process.stderr.write('bench: indexing the catalog...\n');
    out.index = await benchIndex(catalog, db);
  }
  if (want('query')) {
    process.stderr.write('bench: query latency...\n');
    out.query = await benchQueries(catalog, db);
  }
  if (want('fusion')) {
    process.stderr.write('bench: fusion quality...\n');
    out.fusion = await benchFusion(db);
  }
  if (want('channels')) {
    process.stderr.write('bench: per-channel cost...\n');
    out.channels = await benchChannelCost(catalog);
  }
  if (want('dupes')) {
    process.stderr.write('bench: pairs and dupes...\n');
    out.analysis = await benchAnalysis(db);
  }
  if (want('genres')) {
    process.stderr.write('bench: genre train + eval...\n');
    out.genres = await benchGenres(db);
  }
  if (want('atlas')) {
    process.stderr.write('bench: atlas scaling on synthetic vectors...\n');
    out.atlasScaling = await benchAtlas();
  }
  if (want('stills')) {
    process.stderr.write('bench: film stills...\n');
    out.stills = await benchStills(resolve(process.env.MARQUEE_STILLS ?? '../shared/stills'), join(dir, 'stills.db'));
  }
  if (want('shots')) {
    process.stderr.write('bench: shot detection on a synthetic 720p film...\n');
    out.shots = await benchShots(resolve(process.env.MARQUEE_STILLS ?? '../shared/stills'), dir);
  }
  if (only.has('trends')) {
    if (!existingDb) indexForBench('trends', 'for trends (set MARQUEE_BENCH_DB to reuse a library)', ['--no-ocr']);
    process.stderr.write('bench: trend measures from stored features...\n');
    out.trends = await benchTrends(db);
  }
  if (only.has('stills-scale')) {
    process.stderr.write('bench: stills at the seed size (synthetic catalog from the demo frames)...\n');
    out.stillsScale = await benchStillsScale(resolve(process.env.MARQUEE_STILLS ?? '../shared/stills'), dir);
  }
  if (only.has('object-storage')) {
    process.stderr.write('bench: stills indexing from disk and from a local S3 server...\n');
    out.objectStorage = await benchObjectStorage(resolve(process.env.MARQUEE_STILLS ?? '../shared/stills'), dir);
  }
  if (only.has('cli')) {
    process.stderr.write('bench: CLI cold start (--version, --help against node -e 0)...\n');
    out.cli = benchCliStart();
  }
  if (only.has('scale')) {
    process.stderr.write('bench: storage engines (SQLite, PostgreSQL, pgvector) and workers...\n');
    out.scale = await benchScale(catalog, dir);
  }
  if (only.has('ocr')) {
    if (!existingDb) indexForBench('OCR', 'with the OCR pass (set MARQUEE_BENCH_DB to reuse a library)', []);
    process.stderr.write('bench: poster text (OCR speed, titles, degraded copies, hubs)...\n');
    out.ocr = await benchOcr(db);
  }
  if (only.has('identify')) {
    if (!existingDb) throw new Error('the identify benchmark needs MARQUEE_BENCH_DB: a library whose posters have been read');
    process.stderr.write('bench: identification of uploads (present and absent films) and upload latency...\n');
    out.identify = await benchIdentify(db);
  }
  if (only.has('hubs')) {
    if (!existingDb) throw new Error('the hubs benchmark needs MARQUEE_BENCH_DB: an indexed library');
    process.stderr.write('bench: hubs of the content channel (raw, centred, whitened; dev / report halves)...\n');
    out.hubs = await benchHubs(db);
  }
  if (only.has('relevance')) {
    if (!existingDb) indexForBench('relevance', 'for relevance, without OCR (set MARQUEE_BENCH_DB to a library with poster text read)', ['--no-ocr']);
    process.stderr.write('bench: relevance (query sets, fusion alternatives on the development half, text latency)...\n');
    out.relevance = await benchRelevance(db, { alternatives: process.env.MARQUEE_BENCH_ALTERNATIVES !== '0' });
  }
  if (only.has('lexical')) {
    process.stderr.write('bench: lexical retrieval in the engines, demo catalog and synthetic 100k (MARQUEE_TEST_PG adds PostgreSQL)...\n');
    // A PostgreSQL URL in MARQUEE_BENCH_DB is taken as it is (db is a resolved file path).
    out.lexical = await benchLexical(catalog, dir, existingDb ? (isPostgresUrl(existingDb) ? existingDb : db) : undefined);
  }
  if (only.has('weights')) {
    if (!existingDb) throw new Error('the weights benchmark needs MARQUEE_BENCH_DB: an indexed library (with poster text read)');
    process.stderr.write('bench: default weights (genre/decade sharing, same-film image+text)...\n');
    out.weights = await benchDefaultWeights(db);
  }
  if (only.has('models')) {
    if (!existingDb) throw new Error('the models benchmark needs MARQUEE_BENCH_DB: a library indexed with several --model');
    process.stderr.write('bench: image models side by side (speed, degraded copies, neighbours, genres)...\n');
    out.models = await benchModels(db);
  }
  if (only.has('serving')) {
    // From an empty library, as npm start builds it: posters and synopses indexed, the tiles, atlas and OCR left to the server's jobs.
    if (existingDb) throw new Error('the serving benchmark starts from a fresh library: unset MARQUEE_BENCH_DB');
    const indexSeconds = indexForBench('serving', 'in the foreground only, as npm start does', ['--background']);
    process.stderr.write('bench: serving while the background jobs run, then with them paused...\n');
    out.serving = { indexSecondsBeforeServing: indexSeconds, ...(await benchServing(db, catalog)) };
  }
  if (want('ann')) {
    process.stderr.write('bench: ANN on 100k synthetic vectors...\n');
    out.ann = await benchAnn(Number(process.env.MARQUEE_BENCH_ANN_N ?? 100_000));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
