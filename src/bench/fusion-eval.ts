/**
 * Image+text fusion quality: for movies with a synopsis, query with their poster and
 * synopsis (the movie itself excluded) and measure how many of the top 10 share a genre.
 * Ours (per-query z-scored channel fusion) vs the seed system's method (z-score every
 * feature dimension over the collection, concatenate the two feature vectors, cosine).
 */
import { TEXT_CHANNEL } from '../store/channels.js';
import { defaultImageModel, refOf } from '../store/library-models.js';
import { SearchEngine } from '../search/engine.js';
import { openStore } from '../store/open-store.js';
import type { ModelRef } from '../store/types.js';
import { round } from './stats.js';

function standardise(rows: Float32Array[]): Float32Array[] {
  const d = rows[0]!.length;
  const mean = new Float64Array(d);
  const sq = new Float64Array(d);
  for (const r of rows) for (let i = 0; i < d; i++) (mean[i] += r[i]!), (sq[i] += r[i]! * r[i]!);
  const std = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    mean[i] = mean[i]! / rows.length;
    std[i] = Math.sqrt(Math.max(sq[i]! / rows.length - mean[i]! ** 2, 1e-12));
  }
  return rows.map((r) => Float32Array.from(r, (x, i) => (x - mean[i]!) / std[i]!));
}

export async function benchFusion(dbPath: string, queries = 300) {
  const library = await openStore(dbPath, { create: true });
  const imageModel = (await defaultImageModel(library))!;
  const textRef = JSON.parse((await library.library.getMeta('text_model'))!) as ModelRef;
  const image = new Map((await library.vectors.load(imageModel.channel, refOf(imageModel))).map((e) => [e.key, e.vector]));
  const text = new Map((await library.vectors.load(TEXT_CHANNEL, textRef)).map((e) => [e.key, e.vector]));
  const keys = [...image.keys()].filter((k) => text.has(k));
  const movies = await library.movies.byKeys(keys);
  const zi = standardise(keys.map((k) => image.get(k)!));
  const zt = standardise(keys.map((k) => text.get(k)!));
  const concat = keys.map((_, i) => {
    const v = new Float32Array(zi[i]!.length + zt[i]!.length);
    v.set(zi[i]!);
    v.set(zt[i]!, zi[i]!.length);
    let n = 0;
    for (const x of v) n += x * x;
    n = Math.sqrt(n);
    return v.map((x) => x / n);
  });
  const engine = await SearchEngine.fromLibrary(library);
  const step = Math.max(1, Math.floor(keys.length / queries));
  const shared = (a: string[], b: string[]) => a.some((g) => b.includes(g));
  const precision = { fused: 0, seedConcat: 0, imageOnly: 0, textOnly: 0 };
  let n = 0;
  for (let qi = 0; qi < keys.length && n < queries; qi += step, n++) {
    const m = movies.get(keys[qi]!)!;
    const run = async (weightImage: number) => {
      // The query vectors are the movie's own stored vectors; its id is excluded via the image channel.
      const res = await engine.search({ id: m.id, text: `${m.overview} ${m.tagline}`.trim(), weightImage, k: 10 });
      return res.filter((r) => shared(r.genres, m.genres)).length / 10;
    };
    precision.fused += await run(0.5);
    precision.imageOnly += await run(1);
    precision.textOnly += await run(0);
    const q = concat[qi]!;
    const scored = concat.map((v, i) => ({ i, s: i === qi ? -Infinity : v.reduce((a, x, j) => a + x * q[j]!, 0) }));
    scored.sort((a, b) => b.s - a.s);
    precision.seedConcat += scored.slice(0, 10).filter((h) => shared(movies.get(keys[h.i]!)!.genres, m.genres)).length / 10;
  }
  await engine.close();
  await library.close();
  return {
    queries: n,
    metric: 'mean share of the top 10 that has a genre in common with the query movie',
    fused: round(precision.fused / n, 4),
    seedConcat: round(precision.seedConcat / n, 4),
    imageOnly: round(precision.imageOnly / n, 4),
    textOnly: round(precision.textOnly / n, 4),
  };
}
