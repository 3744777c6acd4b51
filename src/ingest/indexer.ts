/**
 * Incremental, resumable catalog indexing. Posters are read and decoded concurrently
 * while the previous batch is embedded; each batch (metadata, poster, thumbnail,
 * vectors) commits in one store call (one transaction in either engine), so a killed run loses only the batch in flight
 * and the next run skips everything already committed (by content hash + model version).
 *
 * A library may hold several image models, each on its own content channel: a poster is embedded
 * only by the models whose vector is missing or stale, so adding a model to a library embeds
 * every poster with that model alone (the others' vectors are kept, not recomputed). Asked to
 * (`tiles`), the default model also embeds three square tiles of each poster (genre features).
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { DEFAULT_LIMITS, type DecodeLimits } from '../image/decode.js';
import { contentHash } from '../image/hash.js';
import { readCatalog, tallyTextRepairs, type CatalogEntry, type TextRepairTally } from '../catalog/read-catalog.js';
import type { TextEmbeddingModel } from '../models/types.js';
import type { Store } from '../store/store.js';
import { TEXT_CHANNEL } from '../store/channels.js';
import type { MovieRecord, VectorState } from '../store/types.js';
import { designChannelsCurrent, embedPosters, inputSizeOf, isCurrent, posterContent, type ChannelModel } from './poster-content.js';
import type { MovieWrite } from '../store/store.js';
import { readPosterBytes } from '../image/read-image-file.js';
import { preparePoster, type PreparedPoster } from './prepare-poster.js';
import { synopsisOf } from './synopsis.js';
import { withPosterTiles } from '../models/poster-tiles.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'library' | 'movies' | 'posters' | 'runs' | 'vectors'>;

export interface IndexProgress {
  done: number;
  total: number;
  indexed: number;
  unchanged: number;
  skipped: number;
  failed: number;
  /** Entries per second over this run. */
  rate: number;
  etaSeconds: number | null;
}

export interface IndexProblem {
  item: string;
  file: string | null;
  reason: string;
}

/** A run's tallies; the catalog's text repairs (TextRepairTally) are a count and a few examples, not problems. */
export interface IndexSummary extends TextRepairTally {
  catalog: string;
  total: number;
  /** Posters embedded in this run (new or changed, or model changed). */
  indexed: number;
  /** Posters already indexed with the same bytes and model. */
  unchanged: number;
  /** Catalog rows that could not be used at all. */
  skipped: number;
  /** Posters that could not be read or decoded (their movie's metadata is kept). */
  failed: number;
  /** Synopses embedded in this run. */
  textsEmbedded: number;
  pruned: number;
  /** Rows indexed despite a problem (e.g. text that was not UTF-8). */
  warnings: number;
  interrupted: boolean;
  seconds: number;
  postersPerSecond: number;
  /** The first MAX_PROBLEMS_KEPT problems; all of them are in the run's index_failures rows. */
  problems: IndexProblem[];
  problemCount: number;
}

/** Problems kept in memory for the summary (a 100k-row catalog of bad rows must not fill memory). */
export const MAX_PROBLEMS_KEPT = 1000;

export type { ChannelModel } from './poster-content.js';

export interface IndexOptions {
  library: StoreParts;
  /** Every image model of the library, the default first. */
  imageModels: ChannelModel[];
  textModel: TextEmbeddingModel | null;
  prune?: boolean;
  /**
   * Also embed each poster's three tiles with the default model (models/poster-tiles.ts): an API
   * upload does it in one go. The index command runs a pass of its own over the stored posters
   * after them instead (tiles-pass.ts: searchable sooner; the tiles quadruple the model's work).
   */
  tiles?: boolean;
  batchSize?: number;
  /** How many posters may be read/decoded ahead of the model. */
  prefetch?: number;
  limits?: DecodeLimits;
  onProgress?: (p: IndexProgress) => void;
  /** Checked between batches; when it returns true the run stops after committing. */
  shouldStop?: () => boolean;
  /**
   * Part of a run another process coordinates (a worker's batch): problems are recorded under
   * this run, and the run itself is neither started nor finished here.
   */
  runId?: number;
  /**
   * false: a follow-up pass over a catalog just indexed (the tiles): no run of its own is recorded
   * and problems stay in the summary (the run before recorded them already).
   */
  recordRun?: boolean;
}

interface WorkItem {
  entry: CatalogEntry & { record: MovieRecord };
  prepared?: PreparedPoster;
  /** The image models this poster must be embedded with (aligned with prepared.pixels). */
  embedWith: ChannelModel[];
  posterUnchanged: boolean;
  posterError?: string;
  synopsis: string;
  synopsisHash: string;
  textNeeded: boolean;
}

async function countEntries(dir: string): Promise<number> {
  let n = 0;
  for await (const _ of readCatalog(dir)) n++;
  return n;
}

export async function indexCatalog(catalogDir: string, opts: IndexOptions): Promise<IndexSummary> {
  const root = resolve(catalogDir);
  return indexEntries({ source: root, entries: readCatalog(root), total: await countEntries(root) }, opts);
}

/** Catalog entries from anywhere (a catalog folder, an API upload), tagged with the source they are pruned by. */
export interface EntrySource {
  /** Movies are grouped (and pruned) by this name: a catalog's absolute path, or "api". */
  source: string;
  entries: AsyncIterable<CatalogEntry>;
  total: number;
}

export async function indexEntries(input: EntrySource, opts: IndexOptions): Promise<IndexSummary> {
  const { library, textModel } = opts;
  // With `tiles`, posters are also embedded in tiles by the default model (genre features, poster-tiles.ts).
  const imageModels = opts.tiles ? withPosterTiles(opts.imageModels) : opts.imageModels;
  const root = input.source;
  const total = input.total;
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const batchSize = opts.batchSize ?? 16;
  const prefetch = opts.prefetch ?? 32;
  const started = performance.now();
  const recordRun = opts.recordRun !== false;
  const runId = opts.runId ?? (recordRun ? await library.runs.start(root) : undefined);
  if (opts.runId === undefined && recordRun) await recordTextModel(library, textModel);

  const s: IndexSummary = {
    catalog: root, total, indexed: 0, unchanged: 0, skipped: 0, failed: 0, textsEmbedded: 0, pruned: 0, warnings: 0, textRepaired: 0, textRepairExamples: [],
    interrupted: false, seconds: 0, postersPerSecond: 0, problems: [], problemCount: 0,
  };
  const seenIds = new Set<string>();
  let done = 0;

  const problem = async (item: string, file: string | null, reason: string): Promise<void> => {
    s.problemCount++;
    if (s.problems.length < MAX_PROBLEMS_KEPT) s.problems.push({ item, file, reason });
    if (runId !== undefined) await library.runs.recordFailure(runId, item, file, reason);
  };
  const progress = (): void => {
    const elapsed = (performance.now() - started) / 1000;
    const rate = done / Math.max(elapsed, 1e-3);
    opts.onProgress?.({ done, total, indexed: s.indexed, unchanged: s.unchanged, skipped: s.skipped, failed: s.failed, rate, etaSeconds: rate > 0 ? (total - done) / rate : null });
  };

  const prepare = async (entry: CatalogEntry & { record: MovieRecord }): Promise<WorkItem> => {
    const key = await library.movies.keyOf(entry.record.id);
    const synopsis = synopsisOf(entry.record);
    const synopsisHash = contentHash(`${synopsis}`);
    const states = key === undefined ? new Map<string, VectorState>() : await library.vectors.states(key);
    const textState = states.get(TEXT_CHANNEL);
    const textNeeded =
      textModel !== null && synopsis !== '' && !(textState && textState.sourceHash === synopsisHash && textState.modelId === textModel.id && textState.modelVersion === textModel.version);
    const item: WorkItem = { entry, embedWith: [], posterUnchanged: false, synopsis, synopsisHash, textNeeded };
    if (!entry.posterPath) {
      item.posterError = entry.posterError ?? 'no poster';
      return item;
    }
    try {
      const { bytes, hash } = await readPosterBytes(entry.posterPath);
      const samePoster = key !== undefined && (await library.posters.hash(key)) === hash;
      item.embedWith = samePoster ? imageModels.filter((m) => !isCurrent(states.get(m.channel), hash, m.model)) : imageModels;
      if (samePoster && item.embedWith.length === 0 && (await designChannelsCurrent(library, key, hash, states))) {
        item.posterUnchanged = true;
      } else {
        item.prepared = await preparePoster(entry.posterPath, bytes, hash, item.embedWith.map(inputSizeOf), limits);
      }
    } catch (err) {
      item.posterError = (err as Error).message.replace(`${entry.posterPath}: `, '');
    }
    return item;
  };

  // Embedding of one batch overlaps the next; commits happen strictly in order.
  let lastCommit: Promise<void> = Promise.resolve();
  const pendingFlushes: Promise<void>[] = [];
  const commit = async (batch: WorkItem[], imageVectors: Map<WorkItem, Float32Array[]>, textVectors: Float32Array[]): Promise<void> => {
    const textItems = batch.filter((w) => w.textNeeded);
    const writes: MovieWrite[] = batch.map((w) => {
      const write: MovieWrite = { movie: w.entry.record };
      if (w.prepared) write.poster = posterContent(w.prepared, w.embedWith, imageVectors.get(w)!);
      if (w.textNeeded && textModel)
        write.text = { channel: TEXT_CHANNEL, modelId: textModel.id, modelVersion: textModel.version, sourceHash: w.synopsisHash, vector: textVectors[textItems.indexOf(w)]! };
      else if (w.synopsis === '') write.dropText = true;
      return write;
    });
    await library.movies.write(writes, root);
    for (const w of batch) {
      if (w.prepared) s.indexed++;
      else if (w.posterUnchanged) s.unchanged++;
      else {
        s.failed++;
        await problem(w.entry.where, w.entry.posterPath ?? w.entry.posterRef ?? null, w.posterError ?? 'poster could not be read');
      }
      if (w.textNeeded) s.textsEmbedded++;
    }
    done += batch.length;
    progress();
  };
  const flush = async (batch: WorkItem[]): Promise<void> => {
    if (batch.length === 0) return;
    // Image models (onnxruntime threads, one model at a time) and the text model (worker threads) run at the same time.
    const embedded = Promise.all([
      embedPosters(batch.filter((w) => w.prepared)),
      textModel ? textModel.embedBatch(batch.filter((w) => w.textNeeded).map((w) => w.synopsis)) : Promise.resolve([]),
    ]);
    const previous = lastCommit;
    const committed = (async () => {
      const [imageVectors, textVectors] = await embedded;
      await previous;
      await commit(batch, imageVectors, textVectors);
    })();
    lastCommit = committed.catch(() => undefined);
    pendingFlushes.push(committed);
    if (pendingFlushes.length >= 2) await pendingFlushes.shift();
  };

  const inFlight: Promise<WorkItem>[] = [];
  let batch: WorkItem[] = [];
  const drainOne = async (): Promise<void> => {
    batch.push(await inFlight.shift()!);
    if (batch.length >= batchSize) {
      const b = batch;
      batch = [];
      await flush(b);
    }
  };

  for await (const entry of input.entries) {
    if (opts.shouldStop?.()) {
      s.interrupted = true;
      break;
    }
    if (entry.error || !entry.record) {
      s.skipped++;
      done++;
      await problem(entry.where, null, entry.error ?? 'unusable row');
      continue;
    }
    seenIds.add(entry.record.id);
    if (entry.warning) {
      s.warnings++;
      await problem(entry.where, null, entry.warning);
    }
    tallyTextRepairs(s, entry);
    inFlight.push(prepare(entry as CatalogEntry & { record: MovieRecord }));
    if (inFlight.length >= prefetch) await drainOne();
  }
  // Finish what was started even when interrupted: it is already decoded.
  while (inFlight.length) await drainOne();
  await flush(batch);
  while (pendingFlushes.length) await pendingFlushes.shift();

  if (opts.prune && !s.interrupted) {
    const gone = (await library.movies.idsFromSource(root)).filter((id) => !seenIds.has(id));
    s.pruned = await library.movies.delete(gone);
  }
  s.seconds = (performance.now() - started) / 1000;
  s.postersPerSecond = (s.indexed + s.unchanged) / Math.max(s.seconds, 1e-3);
  if (opts.runId === undefined && runId !== undefined) await library.runs.finish(runId, s.interrupted ? 'interrupted' : 'done', { ...s, problems: s.problems.length });
  return s;
}

/**
 * The library's identity and text model (searches and workers load exactly this one; the image
 * models are recorded by whoever planned them, library-models.ts).
 */
export async function recordTextModel(library: StoreParts, textModel: ModelIdentity | null): Promise<void> {
  // The library's identity, which workers check their batches against (kept by migrate).
  if (!(await library.library.getMeta('library_id'))) await library.library.setMeta('library_id', randomUUID());
  if (textModel) await library.library.setMeta('text_model', JSON.stringify({ id: textModel.id, version: textModel.version, dimension: textModel.dimension }));
}

type ModelIdentity = { id: string; version: string; dimension: number };
