/**
 * Near-duplicates: re-encodes, resizes, crops and recolourings of one artwork.
 * Candidates are each poster's nearest neighbours by content and by layout; a candidate
 * pair is a duplicate when its aligned grey-signature correlation reaches DUPLICATE_THRESHOLD.
 *
 * Threshold measured on the demo catalog (see docs/analysis.md): planted copies score >= 0.964
 * (crop 5%: min 0.965, downscale to 120 px: 0.964, JPEG q30: 0.999, hue rotation: 0.987),
 * while distinct posters whose content embeddings are close (cosine >= 0.8) score <= 0.81,
 * apart from a handful of real variants of one artwork in the catalog.
 */
import { periodicYield } from '../util/yield.js';
import { SIGNATURE_MODEL } from '../design/grey-signature.js';
import { alignedSimilarity } from './aligned-similarity.js';
import { LAYOUT_CHANNEL, SIGNATURE_CHANNEL } from '../store/channels.js';
import type { ChannelIndexes } from '../search/channel-indexes.js';
import type { Store } from '../store/store.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'vectors'>;

export const DUPLICATE_THRESHOLD = 0.9;
/** Candidate neighbours per poster and channel. */
const NEIGHBOURS = 8;
/** Content similarity below which two posters are not even checked. */
const MIN_CONTENT = 0.5;

export class DuplicateDetector {
  private constructor(private readonly signatures: Map<number, Float32Array>) {}

  static async load(store: StoreParts): Promise<DuplicateDetector> {
    const m = new Map<number, Float32Array>();
    for (const e of await store.vectors.load(SIGNATURE_CHANNEL, SIGNATURE_MODEL)) m.set(e.key, e.vector);
    return new DuplicateDetector(m);
  }

  /** A detector over a few posters only (a film's own, poster-variants.ts): their signatures read one by one. */
  static async forPosters(store: StoreParts, keys: number[]): Promise<DuplicateDetector> {
    const m = new Map<number, Float32Array>();
    for (const key of keys) {
      const v = await store.vectors.get(key, SIGNATURE_CHANNEL, SIGNATURE_MODEL);
      if (v) m.set(key, v);
    }
    return new DuplicateDetector(m);
  }

  /** Aligned correlation of two posters (NaN when one has no signature). */
  similarity(a: number, b: number): number {
    const sa = this.signatures.get(a);
    const sb = this.signatures.get(b);
    return sa && sb ? alignedSimilarity(sa, sb) : NaN;
  }

  /**
   * The duplicate rule: content embeddings at least MIN_CONTENT alike and aligned signatures
   * at the threshold. The (costlier) signature similarity is only computed past the content gate.
   */
  judge(a: number, b: number, contentScore: number, threshold = DUPLICATE_THRESHOLD): { duplicate: boolean; similarity: number } {
    if (!(contentScore >= MIN_CONTENT)) return { duplicate: false, similarity: NaN };
    const similarity = this.similarity(a, b);
    return { duplicate: similarity >= threshold, similarity };
  }
}

export interface DuplicatePair {
  a: number;
  b: number;
  similarity: number;
}

/** All duplicate pairs of the library (keys, a < b). */
export async function findDuplicatePairs(
  indexes: ChannelIndexes,
  threshold = DUPLICATE_THRESHOLD,
  onProgress?: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<DuplicatePair[]> {
  const detector = await DuplicateDetector.load(indexes.store);
  // The library's default image model: duplicates are one judgement per library, whatever model a query uses.
  const contentChannel = indexes.contentChannel();
  const content = await indexes.channel(contentChannel);
  const layout = await indexes.channel(LAYOUT_CHANNEL);
  if (!content) return [];
  const contentModel = indexes.modelOf(contentChannel)!;
  // MIN_CONTENT is on the cosine scale: an l2 or dot model's neighbours are all candidates, gated below.
  const cosineModel = (contentModel.metric ?? 'cosine') === 'cosine';
  const candidates = new Set<string>();
  // One read of each channel's vectors (a batch job; the per-key reads cost a round trip each on PostgreSQL).
  const contentVectors = new Map((await indexes.store.vectors.load(contentChannel, contentModel)).map((e) => [e.key, e.vector]));
  const layoutVectors = layout ? new Map((await indexes.store.vectors.load(LAYOUT_CHANNEL, indexes.modelOf(LAYOUT_CHANNEL)!)).map((e) => [e.key, e.vector])) : new Map<number, Float32Array>();
  let done = 0;
  const breathe = periodicYield();
  for (const key of content.keys) {
    await breathe();
    signal?.throwIfAborted();
    if (done++ % 50 === 0) onProgress?.(done - 1, content.keys.length);
    const exclude = new Set([key]);
    // Duplicates between films: each film's main poster (the index also holds further posters; poster-variants.ts groups a film's own).
    const cv = contentVectors.get(key);
    if (!cv) continue;
    for (const h of await content.index.search(cv, NEIGHBOURS, { exclude })) if (contentVectors.has(h.key) && (!cosineModel || h.score >= MIN_CONTENT)) candidates.add(key < h.key ? `${key}:${h.key}` : `${h.key}:${key}`);
    const lv = layoutVectors.get(key);
    if (layout && lv) for (const h of await layout.index.search(lv, NEIGHBOURS, { exclude })) if (contentVectors.has(h.key)) candidates.add(key < h.key ? `${key}:${h.key}` : `${h.key}:${key}`);
  }
  onProgress?.(content.keys.length, content.keys.length);
  const out: DuplicatePair[] = [];
  for (const c of candidates) {
    await breathe();
    signal?.throwIfAborted();
    const [a, b] = c.split(':').map(Number) as [number, number];
    const [cs] = await indexes.cosineScores(contentChannel, contentVectors.get(a)!, [b], contentVectors);
    const { duplicate, similarity } = detector.judge(a, b, cs!, threshold);
    if (duplicate) out.push({ a, b, similarity });
  }
  return out.sort((x, y) => y.similarity - x.similarity || x.a - y.a || x.b - y.b);
}

/** Connected components of the duplicate pairs (each group sorted, groups largest first). */
export function groupDuplicates(pairs: DuplicatePair[]): number[][] {
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let r = x;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  for (const { a, b } of pairs) {
    if (!parent.has(a)) parent.set(a, a);
    if (!parent.has(b)) parent.set(b, b);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(Math.max(ra, rb), Math.min(ra, rb));
  }
  const groups = new Map<number, number[]>();
  for (const x of parent.keys()) {
    const r = find(x);
    groups.set(r, [...(groups.get(r) ?? []), x]);
  }
  return [...groups.values()].map((g) => g.sort((p, q) => p - q)).sort((p, q) => q.length - p.length || p[0]! - q[0]!);
}
