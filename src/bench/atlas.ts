/** Atlas computation time versus collection size, on synthetic embedding-like vectors (for the scaling estimate to 100k). */
import { cluster } from '../atlas/clusters.js';
import { assignGrid } from '../atlas/grid.js';
import { pca, umap2d } from '../atlas/projections.js';
import { clusteredVectors } from './ann.js';
import { round } from './stats.js';

export async function benchAtlas(sizes = [2000, 4000, 8000], dim = 1792) {
  const out: Record<string, Record<string, number>> = {};
  for (const n of sizes) {
    const vectors = clusteredVectors(n, dim, 3);
    const t0 = performance.now();
    const reduced = await pca(vectors, 50);
    const t1 = performance.now();
    const xy = umap2d(reduced, 1);
    const t2 = performance.now();
    assignGrid(xy);
    const t3 = performance.now();
    const flat = new Float32Array(n * 50);
    reduced.forEach((r, i) => flat.set(r, i * 50));
    cluster(flat, n, 50, 1, 10);
    const t4 = performance.now();
    out[String(n)] = { pcaSeconds: round((t1 - t0) / 1000, 1), umapSeconds: round((t2 - t1) / 1000, 1), gridSeconds: round((t3 - t2) / 1000, 2), clustersSeconds: round((t4 - t3) / 1000, 1), totalSeconds: round((t4 - t0) / 1000, 1) };
  }
  return out;
}
