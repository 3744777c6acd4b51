/**
 * Borrowings between posters: pairs of posters of different films that are unusually alike on one
 * channel (layout, colour, content, typography), directed from the earlier poster to the later
 * one. Raw similarity would rank every dark thriller against every other, so a pair is ranked by a
 * z-score: its similarity against pairs drawn at random from the same two decades, each side from
 * posters sharing a genre with its own side (the pair's years and genres), i.e. how far out it is
 * among posters that had every reason to look alike anyway.
 *
 * Candidates are each poster's nearest neighbours on the channel (all-nearest.ts over the whole
 * library; the search index for one poster's look-alikes); similarity is the cosine of the
 * stored vectors (typography: of the library-standardised descriptors). The
 * reference of a (decade, genres, decade, genres) combination is the mean similarity of the two
 * pools' posters — exactly the dot product of the pools' mean vectors — and the spread of
 * REFERENCE_PAIRS random pairs around it, seeded, cached per combination (sampling 300 pairs for
 * the mean too made the demo catalog's content borrowings take 25 s); with fewer than MIN_POOL posters on a side, the side's genre
 * condition is dropped (its decade alone), and a decade that small takes in its neighbours.
 */
import { COLOR_MODEL, LAYOUT_MODEL } from '../design/design-features.js';
import type { ChannelIndexes } from '../search/channel-indexes.js';
import { COLOR_CHANNEL, CONTENT_CHANNEL, LAYOUT_CHANNEL } from '../store/channels.js';
import { POSTER_IMAGE_VECTORS } from '../store/revisions.js';
import { MarqueeError } from '../util/errors.js';
import { seededRandom } from '../util/random.js';
import { l2normalize } from '../util/vectors.js';
import { periodicYield } from '../util/yield.js';
import { DuplicateDetector } from './duplicates.js';
import { allNearest } from './all-nearest.js';

export const BORROWING_CHANNELS = ['layout', 'color', 'content', 'typography'] as const;
export type BorrowingChannel = (typeof BORROWING_CHANNELS)[number];

/** Random pairs per reference combination. */
const REFERENCE_PAIRS = 150;
/** A side's pool must hold this many posters for its genre condition to apply. */
const MIN_POOL = 8;
/** Nearest neighbours per poster that become candidates (global list). */
const NEIGHBOURS = 10;
/** Nearest neighbours looked at for one poster's later look-alikes. */
const ONE_POSTER_POOL = 200;

export interface BorrowingPoster {
  id: string;
  title: string;
  /** The poster's year (its own, else its film's). */
  year: number;
  /** 0: the film's main poster. */
  rank: number;
  kind: string | null;
}

export interface Borrowing {
  /** The earlier poster. */
  from: BorrowingPoster;
  /** The later one, that looks like it. */
  to: BorrowingPoster;
  channel: BorrowingChannel;
  /** Cosine similarity of the two posters on the channel. */
  similarity: number;
  /** How unusual that similarity is: (similarity − reference mean) / reference spread. */
  z: number;
  /** The pairs it is compared with: how many, their mean and spread. */
  reference: { pairs: number; mean: number; sd: number };
  /**
   * The two posters are one artwork by the duplicate rule (duplicates.ts): a reissue under another
   * title, or a catalog that filed one poster under two films — a copy rather than a borrowing.
   */
  sameArtwork: boolean;
}

interface Item {
  key: number;
  movieKey: number;
  id: string;
  title: string;
  year: number;
  rank: number;
  kind: string | null;
  genres: string[];
  vector: Float32Array;
}

const decade = (year: number): number => Math.floor(year / 10) * 10;
const dot = (a: Float32Array, b: Float32Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

export class BorrowingFinder {
  /** What a channel's finder reads (store/revisions.ts): posters, films and genres, the poster image vectors (every channel flags copies by them) and, for typography, the readings. */
  static readsOf(channel: BorrowingChannel): string[] {
    return ['movies', 'posters', ...POSTER_IMAGE_VECTORS, ...(channel === 'typography' ? ['printed-text'] : [])];
  }

  private readonly byKey: Map<number, Item>;
  private readonly byDecade = new Map<number, Item[]>();
  private readonly references = new Map<string, { pairs: number; mean: number; sd: number }>();
  private readonly pools = new Map<string, Item[]>();
  private readonly poolMeans = new Map<Item[], Float64Array>();

  private constructor(
    private readonly indexes: ChannelIndexes,
    readonly channel: BorrowingChannel,
    private readonly items: Item[],
    private readonly neighbours: (item: Item, k: number) => Promise<number[]>,
  ) {
    this.byKey = new Map(items.map((i) => [i.key, i]));
    for (const i of items) (this.byDecade.get(decade(i.year)) ?? this.byDecade.set(decade(i.year), []).get(decade(i.year))!).push(i);
  }

  /** Every dated poster with a vector on the channel. */
  static async load(indexes: ChannelIndexes, channel: BorrowingChannel): Promise<BorrowingFinder> {
    if (!(BORROWING_CHANNELS as readonly string[]).includes(channel)) throw new MarqueeError('bad_query', `channel must be one of ${BORROWING_CHANNELS.join(', ')}, got "${String(channel)}"`);
    const store = indexes.store;
    const vectors = new Map<number, Float32Array>();
    let neighbours: (item: Item, k: number) => Promise<number[]>;
    if (channel === 'typography') {
      const scorer = await indexes.typography();
      for (const key of scorer.keys) vectors.set(key, scorer.vector(key)!);
      if (vectors.size === 0) throw new MarqueeError('bad_query', 'no poster has been read yet: typography borrowings need the posters\' text (marquee index without --no-ocr)');
      neighbours = async (item, k) => scorer.search(item.vector, k + 1, undefined, new Set([item.key])).map((h) => h.key);
    } else {
      const stored = channel === 'content' ? indexes.contentChannel() : channel === 'color' ? COLOR_CHANNEL : LAYOUT_CHANNEL;
      const model = channel === 'content' ? indexes.modelOf(stored)! : channel === 'color' ? COLOR_MODEL : LAYOUT_MODEL;
      for (const e of await store.vectors.load(stored, model, 'posters')) vectors.set(e.key, l2normalize(Float32Array.from(e.vector)));
      // The search index serves one poster's look-alikes only (the library-wide list uses allNearest): loaded when first asked.
      neighbours = async (item, k) => {
        const loaded = await indexes.channel(stored);
        if (!loaded) throw new MarqueeError('bad_query', `this library has no ${channel === 'content' ? CONTENT_CHANNEL : channel} vectors`);
        return (await loaded.index.search(item.vector, k, { exclude: new Set([item.key]) })).map((h) => h.key);
      };
    }
    const [posters, films] = await Promise.all([store.posters.all(), store.movies.titleRows()]);
    const genres = new Map((await store.movies.filterRows()).map((r) => [r.key, r.genres]));
    const film = new Map(films.map((f) => [f.key, f]));
    const items: Item[] = [];
    for (const p of posters) {
      const f = film.get(p.movieKey);
      const vector = vectors.get(p.key);
      const year = p.year ?? f?.year ?? null;
      if (!f || !vector || year === null) continue;
      items.push({ key: p.key, movieKey: p.movieKey, id: f.id, title: f.title, year, rank: p.rank, kind: p.kind, genres: genres.get(p.movieKey) ?? [], vector });
    }
    return new BorrowingFinder(indexes, channel, items, neighbours);
  }

  get posters(): number {
    return this.items.length;
  }

  /**
   * Posters of a decade sharing a genre with `genres` (the whole decade when too few do, or no
   * genre is known); a decade with fewer than MIN_POOL posters takes in its neighbours (a lone
   * 1910s poster would otherwise be its own reference).
   */
  private pool(dec: number, genres: string[]): Item[] {
    const key = `${dec}|${genres.join(',')}`;
    let pool = this.pools.get(key);
    if (!pool) this.pools.set(key, (pool = this.computePool(dec, genres)));
    return pool;
  }

  private computePool(dec: number, genres: string[]): Item[] {
    let all = this.byDecade.get(dec) ?? [];
    for (let reach = 10; all.length < MIN_POOL && reach <= 50; reach += 10) all = [...all, ...(this.byDecade.get(dec - reach) ?? []), ...(this.byDecade.get(dec + reach) ?? [])];
    if (genres.length === 0) return all;
    const wanted = new Set(genres);
    const sharing = all.filter((i) => i.genres.some((g) => wanted.has(g)));
    return sharing.length >= MIN_POOL ? sharing : all;
  }

  private reference(a: Item, b: Item): { pairs: number; mean: number; sd: number } {
    const key = `${decade(a.year)}|${[...a.genres].sort().join(',')}|${decade(b.year)}|${[...b.genres].sort().join(',')}`;
    let ref = this.references.get(key);
    if (ref) return ref;
    const xs = this.pool(decade(a.year), a.genres);
    const ys = this.pool(decade(b.year), b.genres);
    const random = seededRandom(key.length * 7919 + decade(a.year) * 31 + decade(b.year));
    // The mean over every pair of the two pools is the dot product of their mean vectors.
    const mx = this.poolMean(xs);
    const my = this.poolMean(ys);
    let mean = 0;
    for (let d = 0; d < mx.length; d++) mean += mx[d]! * my[d]!;
    let squares = 0;
    let pairs = 0;
    for (let t = 0; t < REFERENCE_PAIRS * 3 && pairs < REFERENCE_PAIRS; t++) {
      const x = xs[Math.floor(random() * xs.length)];
      const y = ys[Math.floor(random() * ys.length)];
      if (!x || !y || x.movieKey === y.movieKey) continue;
      squares += (dot(x.vector, y.vector) - mean) ** 2;
      pairs++;
    }
    ref = { pairs, mean, sd: Math.max(Math.sqrt(squares / Math.max(1, pairs - 1)), 1e-3) };
    this.references.set(key, ref);
    return ref;
  }

  private poolMean(pool: Item[]): Float64Array {
    let mean = this.poolMeans.get(pool);
    if (!mean) {
      mean = new Float64Array(pool[0]?.vector.length ?? 0);
      for (const i of pool) for (let d = 0; d < mean.length; d++) mean[d] += i.vector[d]! / pool.length;
      this.poolMeans.set(pool, mean);
    }
    return mean;
  }

  /** The pair as a borrowing from the earlier poster to the later; undefined for posters of one film, of one year, or without a reference. */
  private borrowing(p: Item, q: Item): Borrowing | undefined {
    if (p.movieKey === q.movieKey || p.year === q.year) return undefined;
    const [from, to] = p.year < q.year ? [p, q] : [q, p];
    const reference = this.reference(from, to);
    if (reference.pairs < 20) return undefined;
    const similarity = dot(from.vector, to.vector);
    const round = (x: number, d = 1e4): number => Math.round(x * d) / d;
    const poster = (i: Item): BorrowingPoster => ({ id: i.id, title: i.title, year: i.year, rank: i.rank, kind: i.kind });
    return { from: poster(from), to: poster(to), channel: this.channel, similarity: round(similarity), z: round((similarity - reference.mean) / reference.sd, 1e3), reference: { pairs: reference.pairs, mean: round(reference.mean), sd: round(reference.sd) }, sameArtwork: false, keys: [from.key, to.key] } as Borrowing & { keys: [number, number] };
  }

  /** Flags the pairs that are one artwork (the duplicate rule on the library's default content model), and drops the internal keys. */
  private async flagCopies(list: (Borrowing & { keys?: [number, number] })[]): Promise<Borrowing[]> {
    const keys = list.flatMap((b) => b.keys ?? []);
    const detector = await DuplicateDetector.forPosters(this.indexes.store, [...new Set(keys)]);
    const channel = this.indexes.contentChannel();
    const model = this.indexes.modelOf(channel)!;
    return Promise.all(
      list.map(async ({ keys: pair, ...b }) => {
        const va = pair && (await this.indexes.store.vectors.get(pair[0], channel, model));
        const content = pair && va ? (await this.indexes.cosineScores(channel, va, [pair[1]]))[0]! : NaN;
        return { ...b, sameArtwork: pair ? detector.judge(pair[0], pair[1], content).duplicate : false };
      }),
    );
  }

  /** The most unusual borrowings of the library, most unusual first (`copies`: also pairs that are one artwork). */
  async top(k: number, copies = false, onProgress?: (done: number, total: number) => void, signal?: AbortSignal): Promise<Borrowing[]> {
    const seen = new Set<string>();
    const out: Borrowing[] = [];
    const breathe = periodicYield();
    let done = 0;
    const nearest = await allNearest(this.items.map((i) => i.vector), NEIGHBOURS);
    signal?.throwIfAborted();
    for (const [n, item] of this.items.entries()) {
      await breathe();
      signal?.throwIfAborted();
      for (const other of nearest[n]!.map((j) => this.items[j]!)) {
        const key = other.key;
        const id = item.key < key ? `${item.key}:${key}` : `${key}:${item.key}`;
        if (seen.has(id)) continue;
        seen.add(id);
        const b = this.borrowing(item, other);
        if (b) out.push(b);
      }
      if (++done % 100 === 0) onProgress?.(done, this.items.length);
    }
    onProgress?.(this.items.length, this.items.length);
    return this.take(out, k, copies);
  }

  /** Later posters that look like this poster (`direction` later), or earlier ones it looks like (`earlier`), most unusual first. */
  async around(posterKey: number, direction: 'later' | 'earlier', k: number, copies = false): Promise<Borrowing[]> {
    const item = this.byKey.get(posterKey);
    if (!item) return [];
    const out: Borrowing[] = [];
    for (const key of await this.neighbours(item, ONE_POSTER_POOL)) {
      const other = this.byKey.get(key);
      if (!other || (direction === 'later' ? other.year <= item.year : other.year >= item.year)) continue;
      const b = this.borrowing(item, other);
      if (b) out.push(b);
    }
    return this.take(out, k, copies);
  }

  /** The k most unusual, copies of one artwork flagged, and left out unless `copies`. */
  private async take(list: Borrowing[], k: number, copies: boolean): Promise<Borrowing[]> {
    const sorted = list.sort((a, b) => b.z - a.z || b.similarity - a.similarity);
    const out: Borrowing[] = [];
    for (let i = 0; i < sorted.length && out.length < k; i += 2 * k) {
      for (const b of await this.flagCopies(sorted.slice(i, i + 2 * k))) if ((copies || !b.sameArtwork) && out.length < k) out.push(b);
    }
    return out;
  }
}
