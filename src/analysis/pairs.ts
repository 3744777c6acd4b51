/**
 * The most similar pairs of posters in the collection, per channel (content by any of the
 * library's image models, ranked by its metric), with near-duplicates flagged.
 */
import { CONTENT_CHANNEL, type ImageChannel } from '../store/channels.js';
import type { ChannelIndexes } from '../search/channel-indexes.js';
import { DuplicateDetector } from './duplicates.js';
import { periodicYield } from '../util/yield.js';

export interface ClosestPair {
  a: string;
  b: string;
  aTitle: string;
  aYear: number | null;
  bTitle: string;
  bYear: number | null;
  score: number;
  channel: string;
  /** The image model of a content channel. */
  model?: string;
  duplicate: boolean;
}

/** Nearest neighbours looked at per poster; the k best pairs overall are among them. */
const PER_POSTER = 3;

/** `imageModel`: which image model's content vectors (default: the library's first). */
export async function closestPairs(
  indexes: ChannelIndexes,
  channel: ImageChannel,
  k: number,
  onProgress?: (done: number, total: number) => void,
  signal?: AbortSignal,
  imageModel?: string,
): Promise<ClosestPair[]> {
  const stored = indexes.storeChannel(channel, imageModel);
  const loaded = await indexes.channel(stored);
  if (!loaded) return [];
  const model = indexes.modelOf(stored)!;
  const best = new Map<string, { a: number; b: number; score: number }>();
  const vectors = new Map((await indexes.store.vectors.load(stored, model)).map((e) => [e.key, e.vector]));
  let done = 0;
  const breathe = periodicYield();
  // Pairs of films: the index also holds further posters (search ranks every poster); pairs use each film's main poster.
  for (const key of loaded.keys) {
    await breathe();
    signal?.throwIfAborted();
    const v = vectors.get(key);
    if (!v) continue;
    for (const h of await loaded.index.search(v, PER_POSTER + 2, { exclude: new Set([key]) })) {
      if (!vectors.has(h.key)) continue;
      const [a, b] = key < h.key ? [key, h.key] : [h.key, key];
      best.set(`${a}:${b}`, { a, b, score: h.score });
    }
    if (++done % 50 === 0) onProgress?.(done, loaded.keys.length);
  }
  onProgress?.(loaded.keys.length, loaded.keys.length);
  const top = [...best.values()].sort((x, y) => y.score - x.score || x.a - y.a || x.b - y.b).slice(0, k);
  const detector = await DuplicateDetector.load(indexes.store);
  // The duplicate rule gates on content: this channel's vectors when it is content, else the default model's.
  const gateChannel = channel === CONTENT_CHANNEL ? stored : indexes.contentChannel();
  const gateVectors = gateChannel === stored ? vectors : undefined;
  const gateModel = indexes.modelOf(gateChannel);
  const movies = await indexes.store.movies.byKeys([...new Set(top.flatMap((p) => [p.a, p.b]))]);
  const out: ClosestPair[] = [];
  for (const p of top) {
    const va = gateVectors?.get(p.a) ?? (gateModel && (await indexes.store.vectors.get(p.a, gateChannel, gateModel)));
    const contentScore = va ? (await indexes.cosineScores(gateChannel, va, [p.b], gateVectors))[0]! : NaN;
    const [ma, mb] = [movies.get(p.a)!, movies.get(p.b)!];
    out.push({
      a: ma.id,
      b: mb.id,
      aTitle: ma.title,
      aYear: ma.year,
      bTitle: mb.title,
      bYear: mb.year,
      score: Math.round(p.score * 1e6) / 1e6,
      channel,
      ...(channel === CONTENT_CHANNEL ? { model: model.id } : {}),
      duplicate: detector.judge(p.a, p.b, contentScore).duplicate,
    });
  }
  return out;
}
