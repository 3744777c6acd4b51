/**
 * `npm run bench -- models` (MARQUEE_BENCH_DB: a library indexed with several image models, e.g.
 * `marquee index <catalog> --model mobilenet-v2-1.4 --model inception-v3`): every image model of
 * the library side by side, measured in one run so the machine's noise hits all alike.
 *
 * - speed: posters embedded per second (decoded beforehand), same posters, same batches;
 * - same film from a degraded copy (crop, recolour, blur, 150 px, JPEG q20, DVD sleeve): recall@1
 *   and @10 of the content channel alone, no printed text (the model's own skill);
 * - relevance: share of a poster's 10 nearest posters sharing a genre with it (raw and hub-
 *   corrected, as search ranks), against random posters; hub size (worst k-occurrence, share of
 *   list slots the top 1 % fill);
 * - genre prediction: 5-fold cross-validated macro-AP of the poster features (content + colour +
 *   layout) with each model's content vectors, every method and the best.
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_LIMITS, decodeResized, type RgbImage } from '../image/decode.js';
import { hubStats } from '../analysis/hubness.js';
import { COLOR_MODEL, LAYOUT_MODEL } from '../design/design-features.js';
import { loadDataset } from '../genres/dataset.js';
import { crossValidate } from '../genres/evaluate.js';
import { readImageModels, refOf, type LibraryImageModel } from '../store/library-models.js';
import { loadImageModel } from '../models/registry.js';
import { SearchEngine } from '../search/engine.js';
import { COLOR_CHANNEL, CONTENT_CHANNEL, LAYOUT_CHANNEL } from '../store/channels.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { degrade, DEGRADATIONS } from './ocr.js';
import { round } from './stats.js';

async function speed(m: LibraryImageModel, paths: string[]): Promise<Record<string, number>> {
  const model = await loadImageModel(m.spec);
  try {
    const { width, height } = model.preprocessing;
    const images: RgbImage[] = await Promise.all(paths.map((p) => decodeResized(readFileSync(p), p, width, height, DEFAULT_LIMITS)));
    await model.embedBatch(images.slice(0, 4)); // warm up
    const t = performance.now();
    for (let i = 0; i < images.length; i += 16) await model.embedBatch(images.slice(i, i + 16));
    const seconds = (performance.now() - t) / 1000;
    return { posters: images.length, postersPerSecond: round(images.length / seconds, 1), msPerPoster: round((seconds * 1000) / images.length, 1) };
  } finally {
    await model.close();
  }
}

async function sameFilm(engine: SearchEngine, store: Store, models: LibraryImageModel[], n: number): Promise<Record<string, unknown>> {
  const ids = await store.movies.idsWithPoster(100_000);
  const step = Math.max(1, Math.floor(ids.length / n));
  const picked = ids.filter((_, i) => i % step === 3).slice(0, n);
  const hits = new Map(models.map((m) => [m.id, { r1: 0, r10: 0, per: {} as Record<string, { r1: number; r10: number }> }]));
  let queries = 0;
  for (const [name, how] of Object.entries(DEGRADATIONS)) {
    for (const m of models) hits.get(m.id)!.per[name] = { r1: 0, r10: 0 };
    for (const id of picked) {
      const image = { bytes: await degrade(readFileSync((await store.posters.mainFile(id))!.path), how), source: `${id}-${name}` };
      queries++;
      for (const m of models) {
        const results = await engine.search({ image, k: 10, model: m.id, weights: { content: 1 }, imageText: [] });
        const at = results.findIndex((r) => r.id === id);
        const h = hits.get(m.id)!;
        if (at === 0) (h.r1++, h.per[name]!.r1++);
        if (at >= 0) (h.r10++, h.per[name]!.r10++);
      }
    }
    process.stderr.write(`bench models: degraded copies, ${name} done\n`);
  }
  return Object.fromEntries(
    models.map((m) => {
      const h = hits.get(m.id)!;
      const per = Object.fromEntries(Object.entries(h.per).map(([k, v]) => [k, { r1: round(v.r1 / picked.length, 3), r10: round(v.r10 / picked.length, 3) }]));
      return [m.id, { queries, r1: round(h.r1 / queries, 4), r10: round(h.r10 / queries, 4), perDegradation: per }];
    }),
  );
}

/** Mean share of other posters sharing a genre with a poster: what 10 random neighbours would score. */
function randomSharing(genres: string[][]): number {
  let total = 0;
  for (let i = 0; i < genres.length; i++) {
    const mine = new Set(genres[i]);
    let shared = 0;
    for (let j = 0; j < genres.length; j++) if (j !== i && genres[j]!.some((g) => mine.has(g))) shared++;
    total += shared / (genres.length - 1);
  }
  return total / genres.length;
}

async function relevance(store: Store, m: LibraryImageModel): Promise<Record<string, unknown>> {
  const entries = await store.vectors.load(m.channel, refOf(m));
  const movies = await store.movies.byKeys(entries.map((e) => e.key));
  const genres = entries.map((e) => movies.get(e.key)?.genres ?? []);
  const unit = entries.map((e) => {
    const v = Float32Array.from(e.vector);
    let s = 0;
    for (const x of v) s += x * x;
    return v.map((x) => x / (Math.sqrt(s) || 1));
  });
  const raw = hubStats(unit, genres, 10, false);
  const centred = hubStats(unit, genres, 10, true);
  const title = (i: number) => movies.get(entries[i]!.key)?.title ?? '?';
  return {
    posters: entries.length,
    genreSharingAt10: { raw: round(raw.genreSharing, 4), centred: round(centred.genreSharing, 4), random: round(randomSharing(genres), 4) },
    hubs: {
      raw: { worstHub: `${title(raw.worstHub.index)} (${raw.worstHub.occurrences})`, top1PercentShare: round(raw.top1PercentShare, 4) },
      centred: { worstHub: `${title(centred.worstHub.index)} (${centred.worstHub.occurrences})`, top1PercentShare: round(centred.top1PercentShare, 4) },
    },
  };
}

async function genreCv(store: Store, m: LibraryImageModel): Promise<Record<string, unknown>> {
  const models = { [CONTENT_CHANNEL]: { ...refOf(m), channel: m.channel }, [COLOR_CHANNEL]: COLOR_MODEL, [LAYOUT_CHANNEL]: LAYOUT_MODEL };
  const ds = await loadDataset(store, 'poster', models);
  const ev = await crossValidate(ds, 5, 42);
  return { movies: ds.n, best: ev.best, macroMAP: Object.fromEntries(Object.entries(ev.methods).map(([k, v]) => [k, v.macroMAP])), top3Hit: ev.methods[ev.best].top3Hit };
}

export async function benchModels(db: string): Promise<Record<string, unknown>> {
  const store = await openStore(db, { create: false });
  const engine = await SearchEngine.fromLibrary(store);
  try {
    const models = await readImageModels(store);
    if (models.length < 2) process.stderr.write(`bench models: the library holds one image model (${models[0]?.id}); index it with several --model to compare them\n`);
    const parts = new Set((process.env.MARQUEE_MODELS_PARTS ?? 'speed,copies,relevance,genres').split(','));
    const ids = await store.movies.idsWithPoster(2000);
    const paths = (await Promise.all(ids.filter((_, i) => i % 25 === 7).slice(0, 64).map((id) => store.posters.mainFile(id)))).map((f) => f!.path);
    const out: Record<string, Record<string, unknown>> = Object.fromEntries(models.map((m) => [m.id, { dimension: m.dimension, metric: m.metric }]));
    for (const m of models) {
      if (parts.has('speed')) {
        process.stderr.write(`bench models: ${m.id} speed...\n`);
        out[m.id]!.speed = await speed(m, paths);
      }
      if (parts.has('relevance')) {
        process.stderr.write(`bench models: ${m.id} neighbours and hubs...\n`);
        out[m.id]!.relevance = await relevance(store, m);
      }
      if (parts.has('genres')) {
        process.stderr.write(`bench models: ${m.id} genre cross-validation...\n`);
        out[m.id]!.genres = await genreCv(store, m);
      }
    }
    if (parts.has('copies')) {
      const copies = await sameFilm(engine, store, models, Number(process.env.MARQUEE_BENCH_COPIES ?? 60));
      for (const m of models) out[m.id]!.sameFilm = copies[m.id];
    }
    return out;
  } finally {
    await engine.close();
    await store.close();
  }
}
