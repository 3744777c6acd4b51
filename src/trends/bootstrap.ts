/**
 * The mean of a sample and its 95 % percentile-bootstrap confidence interval. Resamples are drawn
 * with a seeded generator, so the same library gives the same interval every time (charts and
 * CSV exports agree; tests can recompute). 1,000 resamples: the interval ends move by about
 * 0.1 of their width between seeds, well below what a chart shows.
 *
 * Speed (all 35 measures of the demo catalog by decade and by year, 228 M draws): a generator
 * call per draw took 7.3 s, the generator inlined 1.4 s. Shares (0/1 values: faces, genres) skip
 * drawing altogether: the number of ones in a resample of n is Binomial(n, ones/n), so each
 * resample mean is one inverse-CDF lookup — the same bootstrap distribution, exactly.
 */
export const BOOTSTRAP_RESAMPLES = 1000;

export interface MeanInterval {
  n: number;
  mean: number;
  low: number;
  high: number;
}

/** Advances the util/random.ts generator (inlined in the hot loop below). */
const next = (state: number): number => (Math.imul(state, 1664525) + 1013904223) >>> 0;

function resampleMeans(values: Float64Array, seed: number, resamples: number): Float64Array {
  const n = values.length;
  let state = seed >>> 0;
  const means = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      s += values[((state / 4294967296) * n) | 0]!;
    }
    means[b] = s / n;
  }
  return means;
}

/** Resample means of 0/1 data: k ones of n resample to Binomial(n, k/n) ones. */
function binaryResampleMeans(n: number, ones: number, seed: number, resamples: number): Float64Array {
  const p = ones / n;
  const means = new Float64Array(resamples);
  if (ones === 0 || ones === n) return means.fill(p);
  // The binomial CDF, from log-pmf (n up to millions stays finite).
  const cdf = new Float64Array(n + 1);
  let logPmf = n * Math.log1p(-p);
  const ratio = Math.log(p) - Math.log1p(-p);
  let total = 0;
  for (let k = 0; k <= n; k++) {
    if (k > 0) logPmf += Math.log((n - k + 1) / k) + ratio;
    total += Math.exp(logPmf);
    cdf[k] = total;
  }
  let state = seed >>> 0;
  for (let b = 0; b < resamples; b++) {
    state = next(state);
    const u = (state / 4294967296) * total;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    means[b] = lo / n;
  }
  return means;
}

export function meanWithInterval(sample: ArrayLike<number>, seed: number, resamples = BOOTSTRAP_RESAMPLES): MeanInterval {
  const values = sample instanceof Float64Array ? sample : Float64Array.from(sample);
  const n = values.length;
  if (n === 0) return { n, mean: NaN, low: NaN, high: NaN };
  let sum = 0;
  let binary = true;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    sum += v;
    if (v !== 0 && v !== 1) binary = false;
  }
  const mean = sum / n;
  if (n === 1) return { n, mean, low: mean, high: mean };
  const means = binary ? binaryResampleMeans(n, sum, seed, resamples) : resampleMeans(values, seed, resamples);
  means.sort();
  const at = (q: number): number => means[Math.min(resamples - 1, Math.max(0, Math.round(q * (resamples - 1))))]!;
  return { n, mean, low: at(0.025), high: at(0.975) };
}
