/**
 * Score fusion across channels (image, text, ...).
 *
 * Raw cosines are not comparable across models: USE text cosines of unrelated synopses
 * sit around 0.1-0.3 while MobileNet cosines of unrelated posters sit around 0.3-0.5,
 * with different spreads. So each channel's scores are standardised *for this query*:
 * z = (s - mean) / std, where mean and std are the query's scores against a fixed
 * reference sample of the collection (up to 1,000 movies, evenly spread). The fused score is the
 * weighted sum of z-scores. A movie lacking a channel (no synopsis) gets z = 0 there,
 * i.e. "average", so it is neither favoured nor buried.
 *
 * The seed system z-scored each *feature dimension* and concatenated PCA-reduced
 * features; that weights channels by their dimensionality and variance, not by the
 * user's weight, and re-scales the space for every new item. `npm run bench` compares both.
 */
export interface ChannelScores {
  channel: string;
  weight: number;
  /** Raw cosine per candidate (NaN when the candidate lacks this channel). */
  scores: Float32Array;
  /** Raw cosines of the query against the reference sample. */
  reference: Float32Array;
  /** Floor on the reference's standard deviation (mostly-zero channels: printed text, identity). */
  minStd?: number;
}

export function meanStd(values: Float32Array): { mean: number; std: number } {
  let n = 0, sum = 0, sq = 0;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    n++;
    sum += v;
    sq += v * v;
  }
  if (n === 0) return { mean: 0, std: 1 };
  const mean = sum / n;
  const variance = Math.max(sq / n - mean * mean, 0);
  return { mean, std: Math.sqrt(variance) || 1e-6 };
}

/** Weighted sum of per-query z-scores; weights are normalised to sum to 1. */
export function fuseZScores(channels: ChannelScores[], count: number): Float32Array {
  const total = channels.reduce((a, c) => a + c.weight, 0) || 1;
  const out = new Float32Array(count);
  for (const c of channels) {
    if (c.weight === 0) continue;
    const { mean, std: spread } = meanStd(c.reference);
    const std = Math.max(spread, c.minStd ?? 0);
    const w = c.weight / total;
    for (let i = 0; i < count; i++) {
      const s = c.scores[i]!;
      out[i] = out[i]! + (Number.isNaN(s) ? 0 : (w * (s - mean)) / std);
    }
  }
  return out;
}

/** A deterministic, evenly spread sample of at most n keys. */
export function referenceSample(keys: number[], n = 1000): number[] {
  if (keys.length <= n) return keys;
  const out: number[] = [];
  const step = keys.length / n;
  for (let i = 0; i < n; i++) out.push(keys[Math.floor(i * step)]!);
  return out;
}

/**
 * The one match measure the app shows, whatever the channels: per channel, the share of the
 * reference sample (the library) the candidate is more alike to the query than (ties count
 * half), averaged with the channel weights. 0.99 reads "more alike than 99 % of the library".
 * Raw cosines (text 0.2-0.6, posters 0.3-0.9) and fused z-scores (unbounded) mean nothing to a
 * reader; this is comparable across text, image and mixed queries.
 */
export function matchShares(channels: ChannelScores[], count: number): Float32Array {
  const active = channels.filter((c) => c.weight > 0 && c.reference.length > 0);
  const total = active.reduce((a, c) => a + c.weight, 0);
  const out = new Float32Array(count);
  if (total === 0) return out.fill(Number.NaN);
  for (const c of active) {
    const sorted = Float32Array.from(c.reference.filter((v) => !Number.isNaN(v))).sort();
    const w = c.weight / total;
    for (let i = 0; i < count; i++) {
      const s = c.scores[i]!;
      out[i] = out[i]! + w * (Number.isNaN(s) ? 0.5 : shareBelow(sorted, s));
    }
  }
  return out;
}

/** Fraction of `sorted` below x, ties counted half. */
export function shareBelow(sorted: Float32Array, x: number): number {
  if (sorted.length === 0) return 0.5;
  const lower = bound(sorted, x, false);
  const upper = bound(sorted, x, true);
  return (lower + (upper - lower) / 2) / sorted.length;
}

/** First index with sorted[i] >= x (or > x when `after`). */
function bound(sorted: Float32Array, x: number, after: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < x || (after && sorted[mid]! === x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
