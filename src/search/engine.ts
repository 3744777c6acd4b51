/**
 * The search engine: turns a SearchQuery into per-channel query vectors (content, colour,
 * layout from an image / a movie / a blend; text; a palette), searches each channel with
 * the filters, fuses the channels by per-query z-scores, and returns results with
 * every channel's raw score.
 */
import { blendImages } from '../image/blend.js';
import { decodeBounded, decodeForIndex } from '../image/decode.js';
import { FaceModel } from '../models/face-model.js';
import { FaceScorer } from './face-scorer.js';
import { ANALYSIS_HEIGHT, ANALYSIS_WIDTH, COLOR_MODEL, designFeatures, LAYOUT_MODEL } from '../design/design-features.js';
import { loadImageModel, loadTextModel } from '../models/registry.js';
import { l2normalize, type ImageEmbeddingModel, type TextEmbeddingModel } from '../models/types.js';
import { COLOR_CHANNEL, CONTENT_CHANNEL, IMAGE_CHANNELS, LAYOUT_CHANNEL, TEXT_CHANNEL, type ImageChannel } from '../store/channels.js';
import type { Store } from '../store/store.js';
import type { FilterRow, ModelRef } from '../store/types.js';
import { allowedKeys, hasFilters, type SearchFilters } from './filters.js';
import { fuseZScores, referenceSample, type ChannelScores } from './fusion.js';
import { loadChannelIndex, type LoadedChannel } from './index-factory.js';
import { PaletteScorer } from './palette-scorer.js';
import { DEFAULT_IMAGE_WEIGHTS, MAX_K, QueryError, WEIGHTED_CHANNELS, type ImageInput, type SearchQuery, type SearchResult } from './query.js';
import type { VectorHit } from './vector-index.js';

export { QueryError };

type ImageVectors = Partial<Record<ImageChannel, Float32Array>>;

/** One scored channel of a query: how to find its best keys and how to score given keys. */
interface QueryChannel {
  name: string;
  weight: number;
  /** Whether search needs the filter resolved to keys (in-process scorers) rather than the filter itself. */
  needsKeys: boolean;
  search(k: number, only: { filter?: SearchFilters; allow?: ReadonlySet<number> }, exclude: ReadonlySet<number>): Promise<VectorHit[]>;
  scores(keys: number[]): Promise<Float32Array>;
  reference(): Promise<Float32Array>;
}

/** Blend results that are near-identical to one of the two inputs are dropped (they are the inputs). */
const BLEND_INPUT_COPY = 0.97;

function nlerp(a: Float32Array, b: Float32Array, mix: number): Float32Array {
  return l2normalize(Float32Array.from(a, (x, i) => (1 - mix) * x + mix * b[i]!));
}

export class SearchEngine {
  private imageModel?: Promise<ImageEmbeddingModel>;
  private textModel?: Promise<TextEmbeddingModel>;
  private readonly channels = new Map<string, Promise<LoadedChannel | undefined>>();
  private filterRowsCache?: Promise<FilterRow[]>;
  private paletteScorer?: Promise<PaletteScorer>;
  private faceScorer?: Promise<FaceScorer>;
  private faceModel?: Promise<FaceModel>;

  constructor(
    readonly store: Store,
    private readonly imageModelRef: ModelRef & { spec: string },
    private readonly textModelRef: ModelRef | undefined,
  ) {}

  /** Opens an engine on the models the library was indexed with. */
  static async fromLibrary(library: Store): Promise<SearchEngine> {
    const img = await library.getMeta('image_model');
    if (!img) throw new QueryError(`library ${library.location} has no indexed posters yet: run "marquee index <catalog>" first`);
    const imageRef = JSON.parse(img) as ModelRef;
    const spec = (await library.getMeta('image_model_spec')) ?? imageRef.id;
    const txt = await library.getMeta('text_model');
    return new SearchEngine(library, { ...imageRef, spec }, txt ? (JSON.parse(txt) as ModelRef) : undefined);
  }

  /** Loads models and indexes now instead of on first use. */
  async warm(opts: { image?: boolean; text?: boolean } = { image: true, text: true }): Promise<void> {
    await Promise.all(IMAGE_CHANNELS.map((c) => this.channel(c)));
    if (opts.image) await this.getImageModel();
    if (opts.text && this.textModelRef) {
      await this.channel(TEXT_CHANNEL);
      await this.getTextModel();
    }
  }

  modelOf(channel: string): ModelRef | undefined {
    if (channel === CONTENT_CHANNEL) return this.imageModelRef;
    if (channel === COLOR_CHANNEL) return COLOR_MODEL;
    if (channel === LAYOUT_CHANNEL) return LAYOUT_MODEL;
    if (channel === TEXT_CHANNEL) return this.textModelRef;
    return undefined;
  }

  getImageModel(): Promise<ImageEmbeddingModel> {
    this.imageModel ??= loadImageModel(this.imageModelRef.spec).then((m) => {
      if (m.id !== this.imageModelRef.id || m.version !== this.imageModelRef.version)
        throw new QueryError(`library was indexed with ${this.imageModelRef.id} ${this.imageModelRef.version} but ${m.id} ${m.version} is installed: re-run "marquee index"`);
      return m;
    });
    return this.imageModel;
  }

  private getTextModel(): Promise<TextEmbeddingModel> {
    // In a worker thread, so a query's text embedding runs in parallel with its image embedding.
    this.textModel ??= loadTextModel({ workers: 1 });
    return this.textModel;
  }

  /** The loaded vector index of a channel (undefined when the library has none). */
  channel(name: string): Promise<LoadedChannel | undefined> {
    let c = this.channels.get(name);
    if (!c) {
      const ref = this.modelOf(name);
      c = ref ? loadChannelIndex(this.store, name, ref, () => this.filterRows()) : Promise.resolve(undefined);
      this.channels.set(name, c);
    }
    return c;
  }


  private getFaceModel(): Promise<FaceModel> {
    this.faceModel ??= FaceModel.load();
    return this.faceModel;
  }

  /** Face descriptors of the query: stored ones for a movie id, detected ones for an image. */
  private async queryFaces(q: SearchQuery): Promise<Float32Array[]> {
    if (q.id !== undefined) {
      const key = await this.store.keyOf(q.id);
      return key === undefined ? [] : (await this.store.getFaces(key)).map((f) => f.descriptor);
    }
    if (!q.image) return [];
    const model = await this.getFaceModel();
    return (await model.detect(await decodeBounded(q.image.bytes, q.image.source, 640))).map((f) => f.descriptor);
  }

  private async faceChannel(query: Float32Array[], weight: number): Promise<QueryChannel> {
    this.faceScorer ??= FaceScorer.load(this.store);
    const scorer = await this.faceScorer;
    return {
      name: 'faces',
      weight,
      needsKeys: true,
      search: async (k, only, exclude) => scorer.search(query, k, only.allow, exclude),
      scores: async (keys) => scorer.scores(query, keys),
      reference: async () => scorer.scores(query, referenceSample(scorer.keys)),
    };
  }

  private filterRows(): Promise<FilterRow[]> {
    this.filterRowsCache ??= this.store.filterRows();
    return this.filterRowsCache;
  }


  /** All poster channels of an image file. */
  async describeImage(input: ImageInput): Promise<Required<ImageVectors>> {
    const model = await this.getImageModel();
    const { width, height } = model.preprocessing;
    // The same decode as indexing, so a catalog poster given as a file gets exactly its stored vectors.
    const { pixels, analysis } = await decodeForIndex(input.bytes, input.source, { width, height, analysisWidth: ANALYSIS_WIDTH, analysisHeight: ANALYSIS_HEIGHT, thumbnail: false });
    const [content] = await model.embedBatch([pixels]);
    const design = designFeatures(analysis);
    return { content: content!, color: design.color, layout: design.layout };
  }

  async embedText(text: string): Promise<Float32Array> {
    return (await (await this.getTextModel()).embedBatch([text]))[0]!;
  }

  /** Stored vectors of a movie's poster. */
  async movieVectors(id: string): Promise<{ key: number; vectors: ImageVectors }> {
    const key = await this.store.keyOf(id);
    if (key === undefined) throw new QueryError(`no movie with id "${id}" in the library`);
    const vectors: ImageVectors = {};
    for (const c of IMAGE_CHANNELS) {
      const v = await this.store.getVector(key, c, this.modelOf(c)!);
      if (v) vectors[c] = v;
    }
    if (!vectors.content) throw new QueryError(`movie "${id}" has no indexed poster`);
    return { key, vectors };
  }

  private async imageQueryVectors(q: SearchQuery, exclude: Set<number>): Promise<{ vectors: ImageVectors; inputs: Float32Array[] } | undefined> {
    if (q.id !== undefined) {
      const { key, vectors } = await this.movieVectors(q.id);
      exclude.add(key);
      return { vectors, inputs: [] };
    }
    if (!q.image) return undefined;
    if (!q.image2) return { vectors: await this.describeImage(q.image), inputs: [] };
    const mix = q.mix ?? 0.5;
    if (!(mix >= 0 && mix <= 1)) throw new QueryError(`mix must be between 0 and 1, got ${mix}`);
    const [a, b] = await Promise.all([this.describeImage(q.image), this.describeImage(q.image2)]);
    const inputs = [a.content, b.content];
    if ((q.blend ?? 'embedding') === 'pixel') {
      const model = await this.getImageModel();
      const { width, height } = model.preprocessing;
      const [pixels, analysis] = await Promise.all([
        blendImages(q.image.bytes, q.image.source, q.image2.bytes, q.image2.source, mix, width, height),
        blendImages(q.image.bytes, q.image.source, q.image2.bytes, q.image2.source, mix, ANALYSIS_WIDTH, ANALYSIS_HEIGHT),
      ]);
      const design = designFeatures(analysis);
      return { vectors: { content: (await model.embedBatch([pixels]))[0]!, color: design.color, layout: design.layout }, inputs };
    }
    return { vectors: { content: nlerp(a.content, b.content, mix), color: nlerp(a.color, b.color, mix), layout: nlerp(a.layout, b.layout, mix) }, inputs };
  }

  private vectorChannel(name: string, weight: number, vector: Float32Array, loaded: LoadedChannel): QueryChannel {
    return {
      name,
      weight,
      needsKeys: false,
      search: (k, only, exclude) => loaded.index.search(vector, k, { filter: only.filter, exclude }),
      scores: (keys) => loaded.index.scores(vector, keys),
      reference: () => loaded.index.scores(vector, referenceSample(loaded.keys)),
    };
  }

  private async paletteChannel(colors: string[], weight: number): Promise<QueryChannel> {
    let weights: Float32Array[];
    try {
      weights = PaletteScorer.weightsFor(colors);
    } catch (err) {
      throw new QueryError((err as Error).message);
    }
    this.paletteScorer ??= PaletteScorer.load(this.store);
    const scorer = await this.paletteScorer;
    return {
      name: 'palette',
      weight,
      needsKeys: true,
      search: async (k, only, exclude) => scorer.search(weights, k + exclude.size, only.allow).filter((h) => !exclude.has(h.key)).slice(0, k),
      scores: async (keys) => scorer.scores(weights, keys),
      reference: async () => scorer.scores(weights, referenceSample(scorer.keys)),
    };
  }

  private validate(q: SearchQuery): { k: number; text: string | undefined; wImage: number } {
    const k = q.k ?? 10;
    if (!Number.isInteger(k) || k < 1 || k > MAX_K) throw new QueryError(`k must be an integer from 1 to ${MAX_K}, got ${q.k}`);
    if (q.id !== undefined && q.image) throw new QueryError('give either an image or a movie id, not both');
    if (q.image2 && !q.image) throw new QueryError('image2 needs image: a blend is between two images');
    if (q.weights && !q.image && q.id === undefined) throw new QueryError('weights apply to image or movie-id queries: give --image or --id');
    if (q.colors && (q.image || q.id !== undefined)) throw new QueryError('colors is a query of its own: to weigh an image\'s colours use weights (color=...)');
    const text = q.text?.trim();
    if (q.text !== undefined && !text) throw new QueryError('text is empty');
    if (text && !this.textModelRef) throw new QueryError('this library has no synopsis embeddings: re-index with the text model enabled');
    const wImage = q.weightImage ?? 0.5;
    if (!(wImage >= 0 && wImage <= 1)) throw new QueryError(`weight-image must be between 0 and 1, got ${q.weightImage}`);
    for (const [c, w] of Object.entries(q.weights ?? {}))
      if (!(WEIGHTED_CHANNELS as readonly string[]).includes(c) || !(w >= 0 && w <= 1)) throw new QueryError(`invalid weight ${c}=${w}`);
    return { k, text, wImage };
  }

  async search(q: SearchQuery): Promise<SearchResult[]> {
    const { k, text, wImage } = this.validate(q);
    const exclude = new Set<number>();
    // The image model runs on onnxruntime's threads, the text model in a worker: embed both at once.
    const [image, textVector] = await Promise.all([this.imageQueryVectors(q, exclude), text ? this.embedText(text) : undefined]);
    const imageSide = text ? wImage : 1;
    const channels: QueryChannel[] = [];
    const weights = image ? (q.weights ?? DEFAULT_IMAGE_WEIGHTS) : undefined;
    const weightTotal = weights ? WEIGHTED_CHANNELS.reduce((s, c) => s + (weights[c] ?? 0), 0) || 1 : 1;
    if (image && weights) {
      for (const c of IMAGE_CHANNELS) {
        const vector = image.vectors[c];
        const loaded = vector && (await this.channel(c));
        if (vector && loaded) channels.push(this.vectorChannel(c, (imageSide * (weights[c] ?? 0)) / weightTotal, vector, loaded));
      }
    }
    if (image && (weights?.faces ?? 0) > 0) {
      if ((await this.store.faceScanCount()) === 0) throw new QueryError('this library has no face scans: run "marquee index <catalog> --faces" first');
      const faces = await this.queryFaces(q);
      if (faces.length === 0) throw new QueryError('no face found in the query poster');
      channels.push(await this.faceChannel(faces, (imageSide * weights!.faces!) / weightTotal));
    }
    if (q.colors) channels.push(await this.paletteChannel(q.colors, imageSide));
    if (textVector) {
      const loaded = await this.channel(TEXT_CHANNEL);
      if (loaded) channels.push(this.vectorChannel(TEXT_CHANNEL, image || q.colors ? 1 - wImage : 1, textVector, loaded));
    }
    if (!image && !text && !q.colors) throw new QueryError('nothing to search by: give an image, a movie id, text or colors');

    // Vector indexes get the filter itself (an engine index applies it in its query); the in-process
    // palette and face scorers get the resolved set of keys.
    const filter = hasFilters(q.filters) ? q.filters : undefined;
    const allow = filter && channels.some((c) => c.needsKeys) ? allowedKeys(await this.filterRows(), filter) : undefined;
    const active = channels.filter((c) => c.weight > 0);
    const blendExtra = image?.inputs.length ? 2 * k + 20 : 0;
    const pool = active.length === 1 ? k + blendExtra : Math.min(Math.max(k * 10, 100) + blendExtra, MAX_K * 10);
    const candidates = new Set<number>();
    for (const c of active) for (const h of await c.search(pool, { filter, allow }, exclude)) candidates.add(h.key);
    let keys = [...candidates];
    let scored: ChannelScores[] = [];
    for (const c of channels) scored.push({ channel: c.name, weight: c.weight, scores: await c.scores(keys), reference: active.length > 1 && c.weight > 0 ? await c.reference() : new Float32Array() });

    if (image?.inputs.length) {
      const content = await this.channel(CONTENT_CHANNEL);
      const copies = new Set<number>();
      for (const input of image.inputs) (await content!.index.scores(input, keys)).forEach((s, i) => s >= BLEND_INPUT_COPY && copies.add(keys[i]!));
      const keep = keys.map((key) => !copies.has(key));
      keys = keys.filter((_, i) => keep[i]);
      scored = scored.map((c) => ({ ...c, scores: c.scores.filter((_, i) => keep[i]) }));
    }
    const activeScores = scored.filter((c) => c.weight > 0);
    const fused = activeScores.length === 1 ? activeScores[0]!.scores : fuseZScores(activeScores, keys.length);
    const order = keys.map((key, i) => ({ key, i, score: fused[i]! })).filter((r) => !Number.isNaN(r.score));
    order.sort((a, b) => b.score - a.score || a.key - b.key);
    const top = order.slice(0, k);
    const movies = await this.store.getMoviesByKeys(top.map((t) => t.key));
    // A movie deleted while this query ran is left out rather than failing the query.
    return top.filter((t) => movies.has(t.key)).map((t) => {
      const m = movies.get(t.key)!;
      const scores: Record<string, number | null> = {};
      for (const c of scored) scores[c.channel] = Number.isNaN(c.scores[t.i]!) ? null : round(c.scores[t.i]!);
      return { id: m.id, title: m.title, year: m.year, score: round(t.score), genres: m.genres, countries: m.countries, scores };
    });
  }

  /** Drops the loaded indexes and caches after the library changed (ingest, delete); they reload on next use. */
  invalidate(): void {
    this.channels.clear();
    this.filterRowsCache = undefined;
    this.paletteScorer = undefined;
    this.faceScorer = undefined;
  }

  /** The text model, loaded on first use (undefined when the library has no synopses). */
  textModelForIndexing(): Promise<TextEmbeddingModel> | undefined {
    return this.textModelRef ? this.getTextModel() : undefined;
  }

  async close(): Promise<void> {
    const models = await Promise.allSettled([this.imageModel, this.textModel]);
    for (const m of models) if (m.status === 'fulfilled' && m.value) await m.value.close();
  }
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
