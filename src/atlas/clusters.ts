/**
 * Clusters of the collection: k-means (k-means++ seeding, fixed seed) on the PCA-reduced
 * vectors, with k chosen by the best mean silhouette over a range (measured on a fixed
 * sample), unless given. Written over typed arrays: it runs ~15 times per build.
 */
import { seededRandom } from '../util/random.js';

export interface Clustering {
  k: number;
  assignment: Int32Array;
  centroids: Float64Array; // k x d
  silhouette: number;
  /** silhouette per k tried */
  tried: Record<number, number>;
}

const sq = (x: Float64Array | Float32Array, i: number, c: Float64Array, j: number, d: number) => {
  let s = 0;
  for (let t = 0; t < d; t++) s += (x[i * d + t]! - c[j * d + t]!) ** 2;
  return s;
};

export function kmeans(x: Float32Array, n: number, d: number, k: number, seed: number, iterations = 50): { assignment: Int32Array; centroids: Float64Array } {
  const rand = seededRandom(seed);
  const centroids = new Float64Array(k * d);
  const dist = new Float64Array(n).fill(Infinity);
  let pick = Math.floor(rand() * n);
  for (let c = 0; c < k; c++) {
    for (let t = 0; t < d; t++) centroids[c * d + t] = x[pick * d + t]!;
    let total = 0;
    for (let i = 0; i < n; i++) (dist[i] = Math.min(dist[i]!, sq(x, i, centroids, c, d))), (total += dist[i]!);
    let r = rand() * total;
    pick = n - 1;
    for (let i = 0; i < n; i++) if ((r -= dist[i]!) <= 0) { pick = i; break; }
  }
  const assignment = new Int32Array(n).fill(-1);
  for (let it = 0; it < iterations; it++) {
    let changed = 0;
    for (let i = 0; i < n; i++) {
      let best = 0, bestD = Infinity;
      for (let c = 0; c < k; c++) {
        const dd = sq(x, i, centroids, c, d);
        if (dd < bestD) (bestD = dd), (best = c);
      }
      if (assignment[i] !== best) (assignment[i] = best), changed++;
    }
    const counts = new Float64Array(k);
    centroids.fill(0);
    for (let i = 0; i < n; i++) {
      counts[assignment[i]!]++;
      for (let t = 0; t < d; t++) centroids[assignment[i]! * d + t] += x[i * d + t]!;
    }
    for (let c = 0; c < k; c++) for (let t = 0; t < d; t++) centroids[c * d + t] = counts[c] ? centroids[c * d + t]! / counts[c]! : centroids[c * d + t]!;
    if (changed === 0) break;
  }
  return { assignment, centroids };
}

/** Mean silhouette of a sample of points (Euclidean). */
export function silhouette(x: Float32Array, n: number, d: number, assignment: Int32Array, k: number, sampleSize = 800): number {
  const step = Math.max(1, Math.floor(n / sampleSize));
  const sample: number[] = [];
  for (let i = 0; i < n && sample.length < sampleSize; i += step) sample.push(i);
  let total = 0;
  for (const i of sample) {
    const sums = new Float64Array(k);
    const counts = new Float64Array(k);
    for (const j of sample) {
      if (i === j) continue;
      let s = 0;
      for (let t = 0; t < d; t++) s += (x[i * d + t]! - x[j * d + t]!) ** 2;
      sums[assignment[j]!] += Math.sqrt(s);
      counts[assignment[j]!]++;
    }
    const own = assignment[i]!;
    const a = counts[own] ? sums[own]! / counts[own]! : 0;
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && counts[c]) b = Math.min(b, sums[c]! / counts[c]!);
    total += b === Infinity ? 0 : (b - a) / Math.max(a, b);
  }
  return total / sample.length;
}

export function cluster(x: Float32Array, n: number, d: number, seed: number, k?: number, range: [number, number] = [6, 16]): Clustering {
  const tried: Record<number, number> = {};
  const ks = k ? [k] : Array.from({ length: range[1] - range[0] + 1 }, (_, i) => range[0] + i);
  let best: Clustering | undefined;
  for (const kk of ks) {
    if (kk > n) continue;
    const { assignment, centroids } = kmeans(x, n, d, kk, seed);
    const s = silhouette(x, n, d, assignment, kk);
    tried[kk] = Math.round(s * 1e4) / 1e4;
    if (!best || s > best.silhouette) best = { k: kk, assignment, centroids, silhouette: s, tried };
  }
  return { ...best!, tried };
}
