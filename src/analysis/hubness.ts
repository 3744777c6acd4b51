/**
 * How "hubby" a channel's neighbour lists are: every item's k nearest others (exact cosine),
 * then how often each item appears in others' lists (its k-occurrence). Reports the worst hub,
 * the share of all list slots the top 1 % of items fill (1 % means no hubs), and how often a
 * neighbour shares a genre with the item (what a user sees as "relevant").
 *
 * The cosines can be taken after a hub correction (`HubTransform`): none, centring on the mean,
 * or PCA whitening (search/whitening.ts), learned on the same vectors.
 */
import { centre as centreAll, dot, l2normalize } from '../util/vectors.js';
import { Whitening, type PrincipalAxes, type WhiteningSpec } from '../search/whitening.js';

export interface HubStats {
  k: number;
  items: number;
  worstHub: { index: number; occurrences: number };
  /** Share of all k·n list slots taken by the 1 % most frequent neighbours. */
  top1PercentShare: number;
  /** Mean share of an item's k neighbours that share at least one genre with it. */
  genreSharing: number;
  /** That share per item (for paired comparisons between corrections). */
  genreSharingOf: Float32Array;
}

/** What the cosines are taken of: the vectors, the vectors centred on their mean, or whitened. */
export type HubTransform = { kind: 'none' } | { kind: 'centre' } | ({ kind: 'whiten' } & WhiteningSpec);

/**
 * The vectors as the transform sees them, unit length. Whitening needs the principal axes of
 * these same vectors (centred or not as the spec says: `principalAxes`, which is async).
 */
export function transformed(vectors: Float32Array[], transform: HubTransform, axes?: PrincipalAxes): Float32Array[] {
  if (transform.kind === 'none') return vectors.map((v) => l2normalize(Float32Array.from(v)));
  if (transform.kind === 'centre') return centreAll(vectors);
  if (!axes) throw new Error('whitening needs the principal axes of the vectors (principalAxes)');
  const w = new Whitening(axes, transform);
  return vectors.map((v) => w.apply(v));
}

/** Indexes of the k largest scores, best first, ties by index (as a full sort would give). */
function topK(scores: Float32Array, k: number): number[] {
  const idx: number[] = [];
  const val: number[] = [];
  for (let j = 0; j < scores.length; j++) {
    const s = scores[j]!;
    if (idx.length === k && !(s > val[k - 1]!)) continue;
    let p = idx.length === k ? k - 1 : idx.length;
    while (p > 0 && val[p - 1]! < s) p--;
    idx.splice(p, 0, j);
    val.splice(p, 0, s);
    if (idx.length > k) (idx.pop(), val.pop());
  }
  return idx;
}

/**
 * `vectors` unit-length; `transform`: the hub correction the cosines are taken after (a boolean:
 * centred or not, as before). `axes`: for whitening, see `transformed`.
 */
export function hubStats(vectors: Float32Array[], genres: string[][], k = 10, transform: HubTransform | boolean = false, axes?: PrincipalAxes): HubStats {
  const t: HubTransform = typeof transform === 'boolean' ? { kind: transform ? 'centre' : 'none' } : transform;
  const vs = t.kind === 'none' ? vectors : transformed(vectors, t, axes);
  const n = vs.length;
  const scores = new Float32Array(n);
  const lists: number[][] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) scores[j] = j === i ? -Infinity : dot(vs[i]!, vs[j]!);
    lists.push(topK(scores, Math.min(k, n - 1)));
  }
  return hubStatsOfLists(lists, genres, k);
}

/** The same figures from given neighbour lists (`lists[i]`: item i's k nearest others, by index). */
export function hubStatsOfLists(lists: number[][], genres: string[][], k = 10): HubStats {
  const n = lists.length;
  const counts = new Int32Array(n);
  const sharingOf = new Float32Array(n);
  let sharing = 0;
  for (let i = 0; i < n; i++) {
    const mine = new Set(genres[i]);
    let shared = 0;
    for (const j of lists[i]!) {
      counts[j]!++;
      if (genres[j]!.some((g) => mine.has(g))) shared++;
    }
    sharingOf[i] = shared / k;
    sharing += shared / k;
  }
  const order = Array.from(counts.keys()).sort((a, b) => counts[b]! - counts[a]! || a - b);
  const top1 = order.slice(0, Math.max(1, Math.round(n / 100))).reduce((s, i) => s + counts[i]!, 0);
  return { k, items: n, worstHub: { index: order[0]!, occurrences: counts[order[0]!]! }, top1PercentShare: top1 / (n * k), genreSharing: sharing / n, genreSharingOf: sharingOf };
}
