/**
 * The typical poster of a period (and genre, country): its medoids — the posters most like all the
 * others of the period on the library's default content model (the largest sum of cosine
 * similarities, computed as each unit vector's dot product with their sum) — and an average image
 * of the period's posters, each stored thumbnail scaled to one 2:3 frame ("aligned": posters are
 * near 2:3, so scaling is the alignment; a crop would cut titles) and averaged pixel by pixel.
 * The average reads at most AVERAGE_SAMPLE thumbnails per period (a seeded sample): the picture
 * no longer changes visibly beyond a few hundred.
 */
import sharp from 'sharp';
import type { ChannelIndexes } from '../search/channel-indexes.js';
import { MarqueeError } from '../util/errors.js';
import { seededRandom } from '../util/random.js';
import { l2normalize } from '../util/vectors.js';
import { periodLabel, periodOf, TrendTable, type TrendQuery } from './trend-table.js';

export const AVERAGE_WIDTH = 160;
export const AVERAGE_HEIGHT = 240;
const AVERAGE_SAMPLE = 400;
/** Medoids reported per period. */
const MEDOIDS = 3;

export interface TypicalPoster {
  id: string;
  /** 0: the film's main poster. */
  rank: number;
  /** Mean cosine similarity to the period's other posters. */
  centrality: number;
}

export interface TypicalPeriod {
  period: string;
  start: number;
  n: number;
  medoids: TypicalPoster[];
  /** Whether the period has an average image (GET /api/trends/average); set when served. */
  average?: boolean;
}

type Filters = Omit<TrendQuery, 'measure'>;

/** The filters of the trends page that typical posters follow. */
export type TypicalFilters = Filters;

/**
 * What typical posters and average images read (store/revisions.ts): the posters and their
 * thumbnails, the films' years, genres and countries, and the content vectors.
 */
export const TYPICAL_READS = ['movies', 'posters', 'vectors:content*'] as const;

/** The filters as one canonical string (the stored result's key): genre in lower case, country in upper case, as selecting compares them. */
export function typicalFiltersKey(q: TypicalFilters): string {
  return JSON.stringify([q.by, q.genre?.toLowerCase() || null, q.country?.toUpperCase() || null, q.mainOnly === true]);
}

/**
 * The typical posters of every period under the filters and each period's average image (base64
 * JPEG): what a job stores, so the trends page never decodes hundreds of thumbnails on a request.
 */
export async function typicalWithAverages(
  engine: { store: ChannelIndexes['store']; indexes: ChannelIndexes },
  q: TypicalFilters,
  onProgress?: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<{ periods: TypicalPeriod[]; averages: Record<string, string> }> {
  const table = await TrendTable.loadPosters(engine.store);
  const periods = await typicalPosters(table, engine.indexes, q);
  const averages: Record<string, string> = {};
  for (const [i, p] of periods.entries()) {
    signal?.throwIfAborted();
    // A period without a thumbnail to average has no image; the others still do (any other error fails the job, which is retried).
    const jpeg = await averagePoster(table, engine.indexes, q, p.period).catch((err: unknown) => {
      if (err instanceof MarqueeError) return undefined;
      throw err;
    });
    if (jpeg) averages[p.period] = jpeg.toString('base64');
    onProgress?.(i + 1, periods.length);
  }
  return { periods, averages };
}

/** Poster keys of each period the filters keep, in period order. */
function periods(table: TrendTable, q: Filters): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const i of table.select(q)) {
    const p = table.posters[i]!;
    if (p.year === null) continue;
    const start = periodOf(p.year, q.by);
    (out.get(start) ?? out.set(start, []).get(start)!).push(i);
  }
  return new Map([...out.entries()].sort(([a], [b]) => a - b));
}

export async function typicalPosters(table: TrendTable, indexes: ChannelIndexes, q: Filters): Promise<TypicalPeriod[]> {
  const channel = indexes.contentChannel();
  const model = indexes.modelOf(channel)!;
  const vectors = new Map((await indexes.store.vectors.load(channel, model, 'posters')).map((e) => [e.key, l2normalize(Float32Array.from(e.vector))]));
  const ids = new Map((await indexes.store.movies.titleRows()).map((r) => [r.key, r.id]));
  const out: TypicalPeriod[] = [];
  for (const [start, members] of periods(table, q)) {
    const posters = members.map((i) => table.posters[i]!).filter((p) => vectors.has(p.key));
    const sum = new Float64Array(model.dimension);
    for (const p of posters) vectors.get(p.key)!.forEach((x, d) => (sum[d] += x));
    const scored = posters.map((p) => {
      const v = vectors.get(p.key)!;
      let s = 0;
      for (let d = 0; d < v.length; d++) s += v[d]! * sum[d]!;
      // Less the poster's own similarity to itself (1), over the others.
      return { p, centrality: posters.length > 1 ? (s - 1) / (posters.length - 1) : 1 };
    });
    scored.sort((a, b) => b.centrality - a.centrality || a.p.key - b.p.key);
    out.push({
      period: periodLabel(start, q.by),
      start,
      n: members.length,
      medoids: scored.slice(0, MEDOIDS).map(({ p, centrality }) => ({ id: ids.get(p.movieKey) ?? '', rank: p.rank, centrality: Math.round(centrality * 1e4) / 1e4 })),
    });
  }
  return out;
}

/** The average image (JPEG) of a period's posters under the filters. */
export async function averagePoster(table: TrendTable, indexes: ChannelIndexes, q: Filters, period: string): Promise<Buffer> {
  const entry = [...periods(table, q).entries()].find(([start]) => periodLabel(start, q.by) === period);
  if (!entry) throw new MarqueeError('bad_query', `no poster in period "${period}" with these filters`);
  let members = entry[1];
  if (members.length > AVERAGE_SAMPLE) {
    const random = seededRandom(entry[0]);
    members = [...members].map((i) => ({ i, r: random() })).sort((a, b) => a.r - b.r).slice(0, AVERAGE_SAMPLE).map((x) => x.i);
  }
  const sum = new Float64Array(AVERAGE_WIDTH * AVERAGE_HEIGHT * 3);
  let n = 0;
  for (const i of members) {
    const thumb = await indexes.store.posters.thumbnail(table.posters[i]!.key);
    if (!thumb?.length) continue;
    const pixels = await sharp(thumb).resize(AVERAGE_WIDTH, AVERAGE_HEIGHT, { fit: 'fill' }).removeAlpha().raw().toBuffer();
    for (let j = 0; j < sum.length; j++) sum[j] += pixels[j]!;
    n++;
  }
  if (n === 0) throw new MarqueeError('bad_query', `no poster of period "${period}" has a thumbnail`);
  const mean = Buffer.from(Uint8Array.from(sum, (v) => Math.round(v / n)));
  return sharp(mean, { raw: { width: AVERAGE_WIDTH, height: AVERAGE_HEIGHT, channels: 3 } }).jpeg({ quality: 88 }).toBuffer();
}
