/**
 * The search engine: turns a SearchQuery into query vectors (image, text, blends),
 * searches each channel's VectorIndex with the filters, fuses, and returns results.
 */
import { blendImages } from '../image/blend.js';
import { decodeResized } from '../image/decode.js';
import { IMAGE_CHANNEL, TEXT_CHANNEL } from '../ingest/indexer.js';
import { loadImageModel, loadTextModel } from '../models/registry.js';
import { l2normalize, type ImageEmbeddingModel, type TextEmbeddingModel } from '../models/types.js';
import type { Library } from '../store/library.js';
import type { FilterRow, ModelRef } from '../store/types.js';
import { allowedKeys } from './filters.js';
import { fuseZScores, referenceSample, type ChannelScores } from './fusion.js';
import { loadChannelIndex, type LoadedChannel } from './index-factory.js';
import { MAX_K, type ImageInput, type SearchQuery, type SearchResult } from './query.js';

export class QueryError extends Error {
  override name = 'QueryError';
}

interface ChannelQuery {
  channel: string;
  vector: Float32Array;
  weight: number;
}

/** Blend results that are near-identical to one of the two inputs are dropped (they are the inputs). */
const BLEND_INPUT_COPY = 0.97;

export class SearchEngine {
  private imageModel?: Promise<ImageEmbeddingModel>;
  private textModel?: Promise<TextEmbeddingModel>;
  private readonly channels = new Map<string, Promise<LoadedChannel | undefined>>();
  private filterRowsCache?: FilterRow[];

  constructor(
    readonly library: Library,
    private readonly imageModelRef: ModelRef & { spec: string },
    private readonly textModelRef: ModelRef | undefined,
  ) {}

  /** Opens an engine on the models the library was indexed with. */
  static fromLibrary(library: Library): SearchEngine {
    const img = library.getMeta('image_model');
    if (!img) throw new QueryError(`library ${library.path} has no indexed posters yet: run "marquee index <catalog>" first`);
    const imageRef = JSON.parse(img) as ModelRef;
    const spec = library.getMeta('image_model_spec') ?? imageRef.id;
    const txt = library.getMeta('text_model');
    return new SearchEngine(library, { ...imageRef, spec }, txt ? (JSON.parse(txt) as ModelRef) : undefined);
  }

  /** Loads models and indexes now instead of on first use. */
  async warm(opts: { image?: boolean; text?: boolean } = { image: true, text: true }): Promise<void> {
    await this.channel(IMAGE_CHANNEL);
    if (opts.image) await this.getImageModel();
    if (opts.text && this.textModelRef) {
      await this.channel(TEXT_CHANNEL);
      await this.getTextModel();
    }
  }

  private getImageModel(): Promise<ImageEmbeddingModel> {
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

  private channel(name: string): Promise<LoadedChannel | undefined> {
    let c = this.channels.get(name);
    if (!c) {
      const ref = name === IMAGE_CHANNEL ? this.imageModelRef : this.textModelRef;
      c = ref ? loadChannelIndex(this.library, name, ref) : Promise.resolve(undefined);
      this.channels.set(name, c);
    }
    return c;
  }

  /** Drops cached indexes and metadata so the next query sees the store as it is now. */
  invalidate(): void {
    this.channels.clear();
    this.filterRowsCache = undefined;
  }

  private filterRows(): FilterRow[] {
    this.filterRowsCache ??= this.library.filterRows();
    return this.filterRowsCache;
  }

  async embedImage(input: ImageInput): Promise<Float32Array> {
    const model = await this.getImageModel();
    const { width, height } = model.preprocessing;
    const pixels = await decodeResized(input.bytes, input.source, width, height);
    return (await model.embedBatch([pixels]))[0]!;
  }

  async embedText(text: string): Promise<Float32Array> {
    return (await (await this.getTextModel()).embedBatch([text]))[0]!;
  }

  private async imageQueryVector(q: SearchQuery, exclude: Set<number>): Promise<{ vector: Float32Array; inputs: Float32Array[] } | undefined> {
    if (q.id !== undefined) {
      const key = this.library.keyOf(q.id);
      if (key === undefined) throw new QueryError(`no movie with id "${q.id}" in the library`);
      const v = this.library.getVector(key, IMAGE_CHANNEL, this.imageModelRef);
      if (!v) throw new QueryError(`movie "${q.id}" has no indexed poster`);
      exclude.add(key);
      return { vector: v, inputs: [] };
    }
    if (!q.image) return undefined;
    if (!q.image2) return { vector: await this.embedImage(q.image), inputs: [] };
    const mix = q.mix ?? 0.5;
    if (!(mix >= 0 && mix <= 1)) throw new QueryError(`mix must be between 0 and 1, got ${mix}`);
    const [a, b] = await Promise.all([this.embedImage(q.image), this.embedImage(q.image2)]);
    if ((q.blend ?? 'embedding') === 'pixel') {
      const model = await this.getImageModel();
      const { width, height } = model.preprocessing;
      const blended = await blendImages(q.image.bytes, q.image.source, q.image2.bytes, q.image2.source, mix, width, height);
      return { vector: (await model.embedBatch([blended]))[0]!, inputs: [a, b] };
    }
    const v = new Float32Array(a.length);
    for (let i = 0; i < v.length; i++) v[i] = (1 - mix) * a[i]! + mix * b[i]!;
    return { vector: l2normalize(v), inputs: [a, b] };
  }

  async search(q: SearchQuery): Promise<SearchResult[]> {
    const k = q.k ?? 10;
    if (!Number.isInteger(k) || k < 1 || k > MAX_K) throw new QueryError(`k must be an integer from 1 to ${MAX_K}, got ${q.k}`);
    if (q.id !== undefined && q.image) throw new QueryError('give either an image or a movie id, not both');
    if (q.image2 && !q.image) throw new QueryError('image2 needs image: a blend is between two images');
    const text = q.text?.trim();
    if (q.text !== undefined && !text) throw new QueryError('text is empty');
    const wImage = q.weightImage ?? 0.5;
    if (!(wImage >= 0 && wImage <= 1)) throw new QueryError(`weight-image must be between 0 and 1, got ${q.weightImage}`);

    if (text && !this.textModelRef) throw new QueryError('this library has no synopsis embeddings: re-index with the text model enabled');
    const exclude = new Set<number>();
    const queries: ChannelQuery[] = [];
    // The image model runs on onnxruntime's threads, the text model here: embed both at once.
    const [imageQuery, textVector] = await Promise.all([this.imageQueryVector(q, exclude), text ? this.embedText(text) : undefined]);
    if (imageQuery) queries.push({ channel: IMAGE_CHANNEL, vector: imageQuery.vector, weight: text ? wImage : 1 });
    if (textVector) queries.push({ channel: TEXT_CHANNEL, vector: textVector, weight: imageQuery ? 1 - wImage : 1 });
    if (queries.length === 0) throw new QueryError('nothing to search by: give an image, a movie id or text');

    const allow = allowedKeys(this.filterRows(), q.filters);
    const loaded = await Promise.all(queries.map((c) => this.channel(c.channel)));
    const pool = Math.min(Math.max(k * 10, 100) + exclude.size, MAX_K * 10);
    const candidates = new Set<number>();
    for (let i = 0; i < queries.length; i++) {
      const ch = loaded[i];
      if (!ch || queries[i]!.weight === 0) continue;
      const want = queries.length === 1 ? k + (imageQuery?.inputs.length ? pool : 0) : pool;
      for (const h of await ch.index.search(queries[i]!.vector, want, { allow, exclude })) candidates.add(h.key);
    }
    let keys = [...candidates];
    const channelScores: ChannelScores[] = [];
    for (let i = 0; i < queries.length; i++) {
      const ch = loaded[i];
      const scores = ch ? await ch.index.scores(queries[i]!.vector, keys) : new Float32Array(keys.length).fill(NaN);
      // The reference distribution is only needed to standardise scores when channels are fused.
      const reference = ch && queries.length > 1 ? await ch.index.scores(queries[i]!.vector, referenceSample(ch.keys)) : new Float32Array();
      channelScores.push({ channel: queries[i]!.channel, weight: queries[i]!.weight, scores, reference });
    }
    if (imageQuery?.inputs.length) {
      const ch = loaded[0]!;
      const copies = new Set<number>();
      for (const input of imageQuery.inputs) {
        const s = await ch.index.scores(input, keys);
        keys.forEach((key, i) => s[i]! >= BLEND_INPUT_COPY && copies.add(key));
      }
      const keep = keys.map((key) => !copies.has(key));
      keys = keys.filter((_, i) => keep[i]);
      for (const c of channelScores) c.scores = c.scores.filter((_, i) => keep[i]);
    }
    const fused = channelScores.length === 1 ? channelScores[0]!.scores : fuseZScores(channelScores, keys.length);
    const order = keys.map((key, i) => ({ key, i, score: fused[i]! })).filter((r) => !Number.isNaN(r.score));
    order.sort((a, b) => b.score - a.score || a.key - b.key);
    const top = order.slice(0, k);
    const movies = this.library.getMoviesByKeys(top.map((t) => t.key));
    return top.map((t) => {
      const m = movies.get(t.key)!;
      const scores: Record<string, number | null> = {};
      for (const c of channelScores) scores[c.channel] = Number.isNaN(c.scores[t.i]!) ? null : round(c.scores[t.i]!);
      return { id: m.id, title: m.title, year: m.year, score: round(t.score), genres: m.genres, countries: m.countries, scores };
    });
  }

  async close(): Promise<void> {
    const models = await Promise.allSettled([this.imageModel, this.textModel]);
    for (const m of models) if (m.status === 'fulfilled' && m.value) await m.value.close();
  }
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
