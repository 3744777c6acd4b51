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
