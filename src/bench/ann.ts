/** Exact vs HNSW search on synthetic clustered 1792-d vectors: latency, recall@10, and the size where HNSW starts to pay. */
import { ExactIndex } from '../search/exact-index.js';
import { HnswIndex } from '../search/hnsw-index.js';
import { seededRandom as rng } from '../util/random.js';
import { percentile, round } from './stats.js';

/**
 * Embedding-like synthetic vectors: 1,000 clusters in a 64-d latent space, mapped into
 * `dim` dimensions by one fixed random projection, plus small isotropic noise. CNN
 * embeddings have a low intrinsic dimension; uniform noise in 1792-d would be a
 * worst case that no real collection looks like. Same seed -> same space.
 */
export function clusteredVectors(n: number, dim: number, seed: number, latent = 64): Float32Array[] {
  const space = rng(12345);
  const gauss = (r: () => number) => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
  const projection = Array.from({ length: latent }, () => Float32Array.from({ length: dim }, () => gauss(space)));
  const centres = Array.from({ length: 1000 }, () => Float32Array.from({ length: latent }, () => gauss(space)));
  const r = rng(seed);
  return Array.from({ length: n }, () => {
    const c = centres[Math.floor(r() * centres.length)]!;
    const out = Float32Array.from({ length: dim }, () => gauss(r) * 0.5);
    for (let l = 0; l < latent; l++) {
      const z = c[l]! + gauss(r) * 0.7;
      const row = projection[l]!;
      for (let d = 0; d < dim; d++) out[d] = out[d]! + z * row[d]!;
    }
    return out;
  });
}

async function time(fn: () => Promise<unknown>, reps: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

export async function benchAnn(n = 100_000, dim = 1792, queries = 200) {
  const vectors = clusteredVectors(n, dim, 1);
  const qs = clusteredVectors(queries, dim, 2);
  const entries = vectors.map((vector, key) => ({ key, vector }));
  const exact = new ExactIndex(dim, n);
  await exact.upsert(entries);
  const exactCurve: Record<string, number> = {};
  for (const size of [10_000, 25_000, 50_000, 100_000].filter((s) => s <= n)) {
    const sub = new ExactIndex(dim, size);
    await sub.upsert(entries.slice(0, size));
    let i = 0;
    exactCurve[`${size}`] = round(percentile(await time(() => sub.search(qs[i++ % qs.length]!, 10), 30), 50));
  }
  let t = performance.now();
  const hnsw = new HnswIndex(dim, n);
  for (let i = 0; i < n; i += 5000) await hnsw.upsert(entries.slice(i, i + 5000));
  const buildSeconds = (performance.now() - t) / 1000;
  const truth = await Promise.all(qs.map((q) => exact.search(q, 10)));
  const times: number[] = [];
  let found = 0;
  for (let i = 0; i < qs.length; i++) {
    t = performance.now();
    const hits = await hnsw.search(qs[i]!, 10);
    times.push(performance.now() - t);
    const want = new Set(truth[i]!.map((h) => h.key));
    found += hits.filter((h) => want.has(h.key)).length;
  }
  return {
    vectors: n,
    dimension: dim,
    exactP50MsBySize: exactCurve,
    hnswBuildSeconds: round(buildSeconds, 1),
    hnswP50Ms: round(percentile(times, 50), 3),
    hnswP99Ms: round(percentile(times, 99), 3),
    hnswRecallAt10: round(found / (qs.length * 10), 4),
  };
}
