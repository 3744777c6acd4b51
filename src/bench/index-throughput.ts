/** End-to-end index throughput vs model-only inference throughput on the same posters. */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { readCatalog } from '../catalog/read-catalog.js';
import { decodeResized, type RgbImage } from '../image/decode.js';
import { indexCatalog } from '../ingest/indexer.js';
import { embedPosterTiles } from '../ingest/tiles-pass.js';
import { synopsisOf } from '../ingest/synopsis.js';
import { DEFAULT_IMAGE_MODEL, loadTextModel } from '../models/registry.js';
import { applyModelPlan, modelsForIndexRun } from '../store/run-models.js';
import { openStore } from '../store/open-store.js';
import { memorySampler, round } from './stats.js';

export async function benchIndex(catalog: string, dbPath: string) {
  const textModel = await loadTextModel({ workers: availableParallelism() });
  const library = await openStore(dbPath, { create: true });
  const { plan, loaded } = await modelsForIndexRun(library, [DEFAULT_IMAGE_MODEL], []);
  await applyModelPlan(library, plan);
  const imageModel = loaded[0]!.model;
  const mem = memorySampler();
  const summary = await indexCatalog(catalog, { library, imageModels: loaded, textModel });
  const peakRssMiB = mem.stop();
  // The tiles pass `marquee index` runs next (genre features: three more model inputs per poster).
  const tilesStarted = performance.now();
  const tiles = await embedPosterTiles(library, loaded[0]!);
  const tilesSeconds = (performance.now() - tilesStarted) / 1000;
  await library.close();

  // Model-only: the same posters and synopses, decoded beforehand (not timed), run through
  // both models exactly as the indexer batches them (image and text overlapped).
  const images: RgbImage[] = [];
  const texts: string[] = [];
  for await (const e of readCatalog(catalog)) {
    if (!e.record || !e.posterPath) continue;
    images.push(await decodeResized(await readFile(e.posterPath), e.posterPath, 224, 224));
    const s = synopsisOf(e.record);
    texts.push(s);
  }
  const started = performance.now();
  const batch = 16;
  let inFlight: Promise<unknown> | undefined;
  for (let i = 0; i < images.length; i += batch) {
    const work = Promise.all([imageModel.embedBatch(images.slice(i, i + batch)), textModel.embedBatch(texts.slice(i, i + batch).filter((t) => t))]);
    if (inFlight) await inFlight;
    inFlight = work;
  }
  await inFlight;
  const modelSeconds = (performance.now() - started) / 1000;
  const modelOnly = images.length / modelSeconds;
  await imageModel.close();
  await textModel.close();
  return {
    posters: summary.indexed,
    failed: summary.failed,
    seconds: round(summary.seconds, 1),
    postersPerSecond: round(summary.postersPerSecond, 1),
    modelOnlyPostersPerSecond: round(modelOnly, 1),
    ratioToModelOnly: round(summary.postersPerSecond / modelOnly, 3),
    peakRssMiB,
    tilesPass: { posters: tiles.embedded, seconds: round(tilesSeconds, 1), postersPerSecond: round(tiles.embedded / Math.max(tilesSeconds, 1e-3), 1) },
    dbFile: join(dbPath),
  };
}
