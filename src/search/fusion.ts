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
 * The one match measure the app shows, whatever the channels: where the candidate sits between
 * an average movie of the library (0) and a perfect match on every weighted channel (1), on the
 * fused z-score scale — the candidate's weighted z-score over the one a similarity of 1 on every
 * channel would get. It follows the ranking (same score, one scale per query) and reads the same
 * for text, image and mixed queries, where raw cosines (text 0.2-0.6, posters 0.3-0.9) and fused
 * z-scores (unbounded) meant nothing to a reader. For one channel it is (s − mean) / (1 − mean).
 * A percentile of the library was tried first: every top-24 result read 99.8-100.
 * `fused`: fuseZScores of the same channels (the caller has it already).
 */
export function matchScale(channels: ChannelScores[], fused: Float32Array): Float32Array {
  const active = channels.filter((c) => c.weight > 0 && c.reference.length > 0);
  const perfect = fuseZScores(active.map((c) => ({ ...c, scores: Float32Array.of(1) })), 1)[0]!;
  return fused.map((z) => (active.length === 0 || !(perfect > 0) ? Number.NaN : Math.min(1, Math.max(0, z / perfect))));
}
