/**
 * kNN label voting: a movie's genre probabilities are the similarity-weighted share of its
 * k nearest training movies having each genre, smoothed towards the label prior.
 * Features are L2-normalised blocks (one per channel), so similarity = mean cosine over channels.
 */
export interface KnnParams {
  k: number;
  /** Softmax temperature over similarities. */
  temperature: number;
  /** Weight of the prior, in "neighbours". */
  priorWeight: number;
}

export const DEFAULT_KNN: KnnParams = { k: 30, temperature: 0.03, priorWeight: 1 };

export function knnPredict(
  train: Float32Array,
  trainY: Uint8Array,
  nTrain: number,
  query: Float32Array,
  nQuery: number,
  d: number,
  g: number,
  prior: Float32Array,
  params: KnnParams = DEFAULT_KNN,
  exclude?: (q: number, t: number) => boolean,
): Float32Array {
  const out = new Float32Array(nQuery * g);
  const sims = new Float32Array(nTrain);
  for (let q = 0; q < nQuery; q++) {
    const qo = q * d;
    for (let t = 0; t < nTrain; t++) {
      let s = 0;
      const to = t * d;
      for (let j = 0; j < d; j++) s += query[qo + j]! * train[to + j]!;
      sims[t] = exclude?.(q, t) ? -Infinity : s;
    }
    const top = Array.from(sims.keys()).sort((a, b) => sims[b]! - sims[a]!).slice(0, params.k);
    const best = Math.max(sims[top[0]!]!, -1);
    let total = params.priorWeight;
    const acc = Float64Array.from(prior, (p) => p * params.priorWeight);
    for (const t of top) {
      if (sims[t] === -Infinity) continue;
      const w = Math.exp((sims[t]! - best) / params.temperature);
      total += w;
      for (let k = 0; k < g; k++) acc[k] += w * trainY[t * g + k]!;
    }
    for (let k = 0; k < g; k++) out[q * g + k] = acc[k]! / total;
  }
  return out;
}
