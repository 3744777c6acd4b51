/**
 * How "hubby" a channel's neighbour lists are: every item's k nearest others (exact cosine),
 * then how often each item appears in others' lists (its k-occurrence). Reports the worst hub,
 * the share of all list slots the top 1 % of items fill (1 % means no hubs), and how often a
 * neighbour shares a genre with the item (what a user sees as "relevant").
 */
import { dot } from '../util/vectors.js';

export interface HubStats {
  k: number;
  items: number;
  worstHub: { index: number; occurrences: number };
  /** Share of all k·n list slots taken by the 1 % most frequent neighbours. */
  top1PercentShare: number;
  /** Mean share of an item's k neighbours that share at least one genre with it. */
  genreSharing: number;
}

/** `vectors` unit-length; `centre`: rank by cosines of vectors centred on their mean. */
export function hubStats(vectors: Float32Array[], genres: string[][], k = 10, centre = false): HubStats {
  let vs = vectors;
  if (centre) {
    const mean = new Float64Array(vectors[0]!.length);
    for (const v of vectors) for (let i = 0; i < mean.length; i++) mean[i]! += v[i]! / vectors.length;
    vs = vectors.map((v) => {
      const c = Float32Array.from(v, (x, i) => x - mean[i]!);
      const n = Math.sqrt(dot(c, c)) || 1;
      return c.map((x) => x / n);
    });
  }
  const n = vs.length;
  const counts = new Int32Array(n);
  let sharing = 0;
  const scores = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) scores[j] = j === i ? -Infinity : dot(vs[i]!, vs[j]!);
    const top = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]! || a - b).slice(0, k);
    const mine = new Set(genres[i]);
    let shared = 0;
    for (const j of top) {
      counts[j]!++;
      if (genres[j]!.some((g) => mine.has(g))) shared++;
    }
    sharing += shared / k;
  }
  const order = Array.from(counts.keys()).sort((a, b) => counts[b]! - counts[a]! || a - b);
  const top1 = order.slice(0, Math.max(1, Math.round(n / 100))).reduce((s, i) => s + counts[i]!, 0);
  return { k, items: n, worstHub: { index: order[0]!, occurrences: counts[order[0]!]! }, top1PercentShare: top1 / (n * k), genreSharing: sharing / n };
}
