/**
 * The library's searchable channels, loaded on first use and cached until invalidate() names an
 * area they read (store/revisions.ts): one
 * VectorIndex per vector channel (in the database with pgvector, else in-process), the palette
 * scorer (colour descriptors) and the face scorer (face descriptors), the filter rows, and the
 * text side: title variants and the printed text of posters (OCR).
 */
import { COLOR_MODEL, LAYOUT_MODEL } from '../design/design-features.js';
import { channelKind, COLOR_CHANNEL, CONTENT_CHANNEL, LAYOUT_CHANNEL, TEXT_CHANNEL } from '../store/channels.js';
import { pickImageModel, refOf } from '../store/library-models.js';
import { similarity } from '../util/metric.js';
import type { Store } from '../store/store.js';
import type { FilterRow, ModelRef } from '../store/types.js';
import type { LibraryModels } from './embedder.js';
import { FaceScorer } from './face-scorer.js';
import { loadChannelIndex, type LoadedChannel } from './index-factory.js';
import { PaletteScorer } from './palette-scorer.js';
import { PosterOwners } from './poster-owners.js';
import { ocrVersionKey } from '../text/poster-ocr.js';
import { TypographyScorer } from './typography-scorer.js';
import { touches, vectorsArea } from '../store/revisions.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'faces' | 'movies' | 'posterText' | 'posters' | 'vectors'>;

/** How stale the typography descriptors may get while an OCR pass writes readings. */
const PRINTED_TEXT_RECHECK_MS = 5000;

/** What the filter rows and poster owners read. */
const POSTER_ROWS = ['movies', 'posters'] as const;

export class ChannelIndexes {
  private readonly channels = new Map<string, Promise<LoadedChannel | undefined>>();
  private filterRowsCache?: Promise<FilterRow[]>;
  private ownersCache?: Promise<PosterOwners>;
  private paletteCache?: Promise<PaletteScorer>;
  private faceCache?: Promise<FaceScorer>;
  private readingsCache?: { checkedAt: number; index: Promise<TypographyScorer> };
  /** Readings were written since the typography descriptors were loaded. */
  private readingsChanged = false;

  constructor(
    readonly store: StoreParts,
    private readonly models: LibraryModels,
  ) {}

  /** The model a channel's vectors come from (undefined for a channel the library cannot have). */
  modelOf(channel: string): ModelRef | undefined {
    const image = this.models.images.find((m) => m.channel === channel);
    if (image) return refOf(image);
    if (channel === COLOR_CHANNEL) return COLOR_MODEL;
    if (channel === LAYOUT_CHANNEL) return LAYOUT_MODEL;
    if (channel === TEXT_CHANNEL) return this.models.text;
    return undefined;
  }

  /**
   * The vector index of a channel (undefined when the library has none). `raw`: without the hub
   * correction, for queries from another modality (a dual encoder's text vectors are not centred
   * on the posters' mean: the text and image clouds of CLIP sit apart).
   */
  channel(name: string, opts: { raw?: boolean } = {}): Promise<LoadedChannel | undefined> {
    const cacheKey = opts.raw ? `${name}#raw` : name;
    let c = this.channels.get(cacheKey);
    if (!c) {
      const ref = this.modelOf(name);
      // Hub correction on content channels, where a CNN's common component makes hubs (cosine models only).
      const hubCorrection = !opts.raw && channelKind(name) === CONTENT_CHANNEL;
      c = ref ? loadChannelIndex(this.store, name, ref, () => this.filterRows(), { hubCorrection }) : Promise.resolve(undefined);
      this.channels.set(cacheKey, c);
      c.catch(() => this.channels.delete(cacheKey));
    }
    return c;
  }

  /** The store channel of an image model's content vectors (the default model's when undefined). */
  contentChannel(model?: string): string {
    return pickImageModel(this.models.images, model, 'this library').channel;
  }

  /** The store channel of a poster channel: `content` is image model `model`'s (the default's when undefined). */
  storeChannel(channel: string, model?: string): string {
    return channel === CONTENT_CHANNEL ? this.contentChannel(model) : channel;
  }

  /**
   * Cosine-scale similarities of a query vector to stored posters on a content channel, what the
   * duplicate rule and the blend-copy check gate on: for a cosine model the centred cosine (as
   * their thresholds were measured; the channel ranks by whitened cosines, whose scale differs),
   * the plain cosine of the stored vectors for an l2 or dot model (whose scores have no fixed
   * scale). `stored`: vectors already loaded.
   */
  async cosineScores(channel: string, query: Float32Array, keys: number[], stored?: ReadonlyMap<number, Float32Array>): Promise<Float32Array> {
    const model = this.modelOf(channel);
    const loaded = await this.channel(channel);
    if (!model || !loaded) return new Float32Array(keys.length).fill(NaN);
    if ((model.metric ?? 'cosine') === 'cosine') return (loaded.cosine ?? loaded.index).scores(query, keys);
    const vectors = await Promise.all(keys.map((k) => stored?.get(k) ?? this.store.vectors.get(k, channel, model)));
    return Float32Array.from(vectors, (v) => (v ? similarity('cosine', query, v) : NaN));
  }

  /** Which film each poster belongs to. */
  owners(): Promise<PosterOwners> {
    this.ownersCache ??= this.store.posters.all().then((posters) => new PosterOwners(posters));
    return this.ownersCache;
  }

  /** Filter metadata of every searchable key: each movie, and each further poster with its movie's metadata. */
  filterRows(): Promise<FilterRow[]> {
    this.filterRowsCache ??= Promise.all([this.store.movies.filterRows(), this.store.posters.all()]).then(([rows, posters]) => {
      const byKey = new Map(rows.map((r) => [r.key, r]));
      const further = posters.filter((p) => p.key !== p.movieKey && byKey.has(p.movieKey)).map((p) => ({ ...byKey.get(p.movieKey)!, key: p.key }));
      return [...rows, ...further];
    });
    return this.filterRowsCache;
  }

  palette(): Promise<PaletteScorer> {
    this.paletteCache ??= PaletteScorer.load(this.store);
    return this.paletteCache;
  }

  faces(): Promise<FaceScorer> {
    this.faceCache ??= FaceScorer.load(this.store);
    return this.faceCache;
  }

  /**
   * Typography descriptors of every poster read so far. The OCR pass may still be running (in the
   * background of `serve --read-text`): at most every few seconds the count of readings is
   * checked and the descriptors reloaded when it grew, without touching the vector indexes.
   */
  typography(): Promise<TypographyScorer> {
    return this.readings();
  }

  private async readings(): Promise<TypographyScorer> {
    const now = Date.now();
    const cache = this.readingsCache;
    if (cache && (!this.readingsChanged || now - cache.checkedAt < PRINTED_TEXT_RECHECK_MS)) return cache.index;
    this.readingsChanged = false;
    const index = this.store.posterText.all(ocrVersionKey(), 'posters').then((rows) => new TypographyScorer(rows));
    this.readingsCache = { checkedAt: now, index };
    index.catch(() => (this.readingsCache = undefined));
    return index;
  }

  /**
   * Drops what read an area that changed (`changed`: revision keys; everything when undefined);
   * it reloads on next use. A channel's index reads its vectors and the filter rows; readings are
   * reloaded at most every few seconds while an OCR pass writes them.
   */
  invalidate(changed?: ReadonlySet<string>): void {
    const stale = (reads: readonly string[]): boolean => changed === undefined || touches(changed, reads);
    if (stale(['printed-text', 'posters'])) this.readingsChanged = true;
    if (changed === undefined) this.readingsCache = undefined;
    for (const key of [...this.channels.keys()]) if (stale([vectorsArea(key.replace(/#raw$/, '')), ...POSTER_ROWS])) this.channels.delete(key);
    if (stale(POSTER_ROWS)) {
      this.filterRowsCache = undefined;
      this.ownersCache = undefined;
    }
    if (stale(['palettes', vectorsArea(COLOR_CHANNEL)])) this.paletteCache = undefined;
    if (stale(['faces'])) this.faceCache = undefined;
  }
}
