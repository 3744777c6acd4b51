/**
 * The search engine proper: validates a SearchQuery, plans its channels (poster channels of an
 * image, a movie or a blend; text; a palette; faces), gathers candidates from each, scores them
 * on every channel, fuses per-query z-scores and builds the results with each channel's raw
 * score. Models and query vectors come from the Embedder, indexes from ChannelIndexes.
 */
import { CONTENT_CHANNEL, IMAGE_CHANNELS, TEXT_CHANNEL, type ImageChannel } from '../store/channels.js';
import type { Store } from '../store/store.js';
import type { ModelRef } from '../store/types.js';
import { l2normalize } from '../util/vectors.js';
import { ChannelIndexes } from './channel-indexes.js';
import { Embedder, type PosterVectors } from './embedder.js';
import { allowedKeys, checkFilters, hasFilters } from '../store/filters.js';
import { fuseZScores, matchScale, type ChannelScores } from './fusion.js';
import type { LoadedChannel } from './index-factory.js';
import { faceChannel, paletteChannel, vectorChannel, type QueryChannel } from './query-channel.js';
import type { PosterOwners } from './poster-owners.js';
import { identityChannel, identityEvidence, typographyChannel, type IdentityEvidence } from './text-channels.js';
import { textRetrieval, type RankFusion, type TextMatch } from './text-retrieval.js';
import { ocrVersionKey } from '../text/poster-ocr.js';
import type { TypographyScorer } from './typography-scorer.js';
import { currentReading } from '../store/current-reading.js';
import type { TextLine } from '../text/types.js';
import { DEFAULT_IMAGE_WEIGHTS, MAX_K, QueryError, WEIGHTED_CHANNELS, type ImageInput, type SearchQuery, type SearchResult } from './query.js';

export { QueryError };

type ImageVectors = Partial<PosterVectors>;

/** The text side of a query: free text (synopsis vector, printed words), an upload's identity evidence, the query poster's typography. */
interface TextSide {
  query: string | undefined;
  /** A free-text query's synopsis vector, still being embedded (the text model runs in a worker while the engine looks up the words). */
  vector: Float32Array | Promise<Float32Array> | undefined;
  /** The text in a dual encoder's image space: posters that show what the text says. */
  visual?: Float32Array;
  /** The vector is the query movie's own synopsis ("more like this" blending in its story). */
  story?: boolean;
  identity: Map<number, IdentityEvidence> | undefined;
  typography: { vector: Float32Array; scorer: TypographyScorer } | undefined;
}

/** Blend results that are near-identical to one of the two inputs are dropped (they are the inputs). */
const BLEND_INPUT_COPY = 0.97;

/** (1 − mix)·a + mix·b, back to unit length unless the model keeps raw lengths. */
function lerp(a: Float32Array, b: Float32Array, mix: number, normalize = true): Float32Array {
  const v = Float32Array.from(a, (x, i) => (1 - mix) * x + mix * b[i]!);
  return normalize ? l2normalize(v) : v;
}

/**
 * A channel scored per movie (the synopsis; the upload's identity evidence): a further poster gets
 * the higher of its own score and its movie's, so a film's teaser is found by its story too.
 */
function inheritFromMovie(c: QueryChannel, owners: PosterOwners): QueryChannel {
  if (owners.furtherCount === 0) return c;
  return {
    ...c,
    scores: async (keys) => {
      const [own, movie] = await Promise.all([c.scores(keys), c.scores(keys.map((k) => owners.movieOf(k)))]);
      return own.map((s, i) => (Number.isNaN(s) ? movie[i]! : Number.isNaN(movie[i]!) ? s : Math.max(s, movie[i]!)));
    },
  };
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

export class SearchEngine {
  /** Rank fusion of the text side (benchmarks compare settings; undefined: the chosen default). */
  rankFusion: RankFusion | undefined;

  constructor(
    readonly store: Store,
    readonly embedder: Embedder,
    readonly indexes: ChannelIndexes,
  ) {}

  /** An engine on the models the library was indexed with. */
  static async fromLibrary(store: Store): Promise<SearchEngine> {
    const embedder = await Embedder.forLibrary(store);
    return new SearchEngine(store, embedder, new ChannelIndexes(store, embedder.models));
  }

  /** Loads models and indexes now instead of on first use. */
  async warm(opts: { image?: boolean; text?: boolean } = { image: true, text: true }): Promise<void> {
    await Promise.all(IMAGE_CHANNELS.map((c) => this.indexes.channel(c)));
    if (opts.image) await this.embedder.getImageModel();
    if (opts.text && this.embedder.hasText) {
      await this.indexes.channel(TEXT_CHANNEL);
      await this.embedder.getTextModel();
    }
  }

  modelOf(channel: string): ModelRef | undefined {
    return this.indexes.modelOf(channel);
  }

  channel(name: string): Promise<LoadedChannel | undefined> {
    return this.indexes.channel(name);
  }

  /** All poster channels of an image file (the same decode and models as indexing); content by image model `model` (default: the library's). */
  describeImage(input: ImageInput, model?: string): Promise<PosterVectors> {
    return this.embedder.describeImage(input, model);
  }

  /** Stored vectors of a movie's poster (content by image model `model`, default the library's). */
  async movieVectors(id: string, model?: string): Promise<{ key: number; vectors: ImageVectors }> {
    const key = await this.store.movies.keyOf(id);
    if (key === undefined) throw new QueryError(`no movie with id "${id}" in the library`);
    const vectors: ImageVectors = {};
    for (const c of IMAGE_CHANNELS) {
      const stored = this.indexes.storeChannel(c, model);
      const v = await this.store.vectors.get(key, stored, this.modelOf(stored)!);
      if (v) vectors[c] = v;
    }
    if (!vectors.content) throw new QueryError(`movie "${id}" has no indexed poster`);
    return { key, vectors };
  }

  /**
   * A library movie's stored synopsis vector: "more like this" with weightImage < 1 and no text
   * blends in the movie's story (undefined when it has no synopsis: then posters only).
   */
  private async synopsisVector(id: string): Promise<Float32Array | undefined> {
    const key = await this.store.movies.keyOf(id);
    const model = this.modelOf(TEXT_CHANNEL);
    return key === undefined || !model ? undefined : this.store.vectors.get(key, TEXT_CHANNEL, model);
  }

  /** Face descriptors of the query: stored ones for a movie id, detected ones for an image. */
  private async queryFaces(q: SearchQuery): Promise<Float32Array[]> {
    if (q.id !== undefined) {
      const key = await this.store.movies.keyOf(q.id);
      return key === undefined ? [] : (await this.store.faces.posterFaces(key)).map((f) => f.descriptor);
    }
    return q.image ? this.embedder.faces(q.image) : [];
  }

  /** The poster-channel vectors of the query, and (for blends) the inputs' content vectors. */
  private async imageQueryVectors(q: SearchQuery, exclude: Set<number>): Promise<{ vectors: ImageVectors; inputs: Float32Array[] } | undefined> {
    if (q.id !== undefined) {
      const { key, vectors } = await this.movieVectors(q.id, q.model);
      exclude.add(key);
      return { vectors, inputs: [] };
    }
    if (!q.image) return undefined;
    if (!q.image2) return { vectors: await this.embedder.describeImage(q.image, q.model), inputs: [] };
    const mix = q.mix ?? 0.5;
    // Each upload is decoded once; its vectors and (for a pixel blend) the blend come from that.
    const [da, db] = await Promise.all([this.embedder.decode(q.image, q.model), this.embedder.decode(q.image2, q.model)]);
    const [a, b] = await Promise.all([this.embedder.vectorsOf(da, q.model), this.embedder.vectorsOf(db, q.model)]);
    const inputs = [a.content, b.content];
    if ((q.blend ?? 'embedding') === 'pixel') return { vectors: await this.embedder.vectorsOf(this.embedder.blend(da, db, mix), q.model), inputs };
    const unit = this.embedder.imageModelRef(q.model).normalize;
    return { vectors: { content: lerp(a.content, b.content, mix, unit), color: lerp(a.color, b.color, mix), layout: lerp(a.layout, b.layout, mix) }, inputs };
  }

  /** What only the engine can check: combinations and ranges (types were checked when the query was built). */
  private async validate(q: SearchQuery): Promise<{ k: number; text: string | undefined; wImage: number }> {
    const k = q.k ?? 10;
    if (!Number.isInteger(k) || k < 1 || k > MAX_K) throw new QueryError(`k must be an integer from 1 to ${MAX_K}, got ${q.k}`);
    if (q.id !== undefined && q.image) throw new QueryError('give either an image or a movie id, not both');
    if (q.image2 && !q.image) throw new QueryError('image2 needs image: a blend is between two images');
    if (q.mix !== undefined && !(q.mix >= 0 && q.mix <= 1)) throw new QueryError(`mix must be between 0 and 1, got ${q.mix}`);
    if (q.weights && !q.image && q.id === undefined) throw new QueryError('weights apply to image or movie-id queries: give --image or --id');
    if (q.model !== undefined) this.embedder.imageModelRef(q.model); // unknown_model, naming the library's models
    if (q.colors && (q.image || q.id !== undefined)) throw new QueryError('colors is a query of its own: to weigh an image\'s colours use weights (color=...)');
    if (q.per !== undefined && q.per !== 'film' && q.per !== 'poster') throw new QueryError(`per must be film or poster, got ${String(q.per)}`);
    const text = q.text?.trim();
    if (q.text !== undefined && !text) throw new QueryError('text is empty');
    if (text && !this.embedder.hasText && !this.embedder.dualEncoder && !(await this.anyPrintedText()))
      throw new QueryError('this library has no synopsis embeddings, no printed text and no dual-encoder image model: re-index with the text model enabled, or without --no-ocr');
    const wImage = q.weightImage ?? 0.5;
    if (!(wImage >= 0 && wImage <= 1)) throw new QueryError(`weight-image must be between 0 and 1, got ${q.weightImage}`);
    for (const [c, w] of Object.entries(q.weights ?? {}))
      if (!(WEIGHTED_CHANNELS as readonly string[]).includes(c) || !(w >= 0 && w <= 1)) throw new QueryError(`invalid weight ${c}=${w}`);
    if (!q.image && q.id === undefined && !text && !q.colors) throw new QueryError('nothing to search by: give an image, a movie id, text or colors');
    return { k, text, wImage };
  }

  /** The channels a query is scored on, with their weights, and what the text side matched per key. */
  private async plan(
    q: SearchQuery,
    image: { vectors: ImageVectors } | undefined,
    text: TextSide,
    wImage: number,
    ctx: { owners: PosterOwners; exclude: ReadonlySet<number> },
  ): Promise<{ channels: QueryChannel[]; matches?: Map<number, TextMatch> }> {
    const textVector = text.vector;
    const imageSide = text.query || text.story ? wImage : 1;
    const channels: QueryChannel[] = [];
    const weights = image ? (q.weights ?? DEFAULT_IMAGE_WEIGHTS) : undefined;
    // Identity takes part only when the upload's text named some film; otherwise its weight would just dilute the image side.
    const identity = text.identity?.size ? text.identity : undefined;
    const unused = (c: string): boolean => (c === 'identity' && !identity) || (c === 'typography' && !text.typography);
    const weightTotal = weights ? WEIGHTED_CHANNELS.reduce((s, c) => s + (unused(c) ? 0 : (weights[c] ?? 0)), 0) || 1 : 1;
    if (image && weights) {
      for (const c of IMAGE_CHANNELS) {
        const vector = image.vectors[c as ImageChannel];
        const loaded = vector && (await this.indexes.channel(this.indexes.storeChannel(c, q.model)));
        if (vector && loaded) channels.push(vectorChannel(c, (imageSide * (weights[c] ?? 0)) / weightTotal, vector, loaded));
      }
    }
    if (image && (weights?.faces ?? 0) > 0) {
      if ((await this.store.faces.scannedPosters()) === 0) throw new QueryError('this library has no face scans: run "marquee index <catalog> --faces" first');
      const faces = await this.queryFaces(q);
      if (faces.length === 0) throw new QueryError('no face found in the query poster');
      channels.push(faceChannel((imageSide * weights!.faces!) / weightTotal, faces, await this.indexes.faces()));
    }
    if (image && text.typography) channels.push(typographyChannel((imageSide * (weights?.typography ?? 0)) / weightTotal, text.typography.vector, text.typography.scorer));
    if (image && identity) channels.push(identityChannel((imageSide * (weights?.identity ?? 0)) / weightTotal, identity, (await this.indexes.filterRows()).map((r) => r.key)));
    if (q.colors) channels.push(paletteChannel(imageSide, q.colors, await this.indexes.palette()));
    const textSide = image || q.colors ? 1 - wImage : 1;
    if (text.query) {
      // Free text: every text retriever (words in the engine, synopses, printed text, what posters show) fused by rank.
      const synopsis = textVector ? await this.indexes.channel(TEXT_CHANNEL) : undefined;
      const visual = text.visual ? await this.indexes.channel(this.embedder.dualEncoder!.channel, { raw: true }) : undefined;
      const { channel, matches } = await textRetrieval({
        query: text.query,
        weight: textSide,
        lexical: this.store.lexical,
        ocrVersion: ocrVersionKey(),
        synopsis: synopsis && textVector ? { vector: textVector, loaded: synopsis } : undefined,
        visual: visual && text.visual ? { vector: text.visual, loaded: visual } : undefined,
        owners: ctx.owners,
        referenceKeys: (await this.indexes.filterRows()).map((r) => r.key),
        filter: hasFilters(q.filters) ? q.filters : undefined,
        exclude: ctx.exclude,
        fusion: this.rankFusion,
      });
      channels.push(channel);
      return { channels, matches };
    }
    if (textVector) {
      // "More like this" blending in the movie's own synopsis.
      const loaded = await this.indexes.channel(TEXT_CHANNEL);
      if (loaded) channels.push(vectorChannel(TEXT_CHANNEL, textSide, await textVector, loaded));
    }
    return { channels };
  }

  /** Whether any poster's printed text has been read (a text query can then search it). */
  private async anyPrintedText(): Promise<boolean> {
    return (await this.store.posterText.progress(ocrVersionKey())).read > 0;
  }

  /** What the query's text side needs: the synopsis vector, the printed-text index, the upload's identity evidence. */
  private async textSide(q: SearchQuery, text: string | undefined): Promise<Omit<TextSide, 'vector'>> {
    const weights = q.weights ?? DEFAULT_IMAGE_WEIGHTS;
    const wantIdentity = q.image !== undefined && !q.image2 && (weights.identity ?? 0) > 0;
    const wantTypography = (q.image !== undefined || q.id !== undefined) && !q.image2 && (weights.typography ?? 0) > 0;
    let lines: TextLine[] | undefined;
    if (wantIdentity || wantTypography) lines = await this.queryLines(q);
    const identity = wantIdentity && lines ? await identityEvidence(lines, this.store, ocrVersionKey()) : undefined;
    let typography: TextSide['typography'];
    if (wantTypography) {
      // A poster not read yet has no typography: with other channels weighted the query goes on
      // without it (as identity does when nothing was read); alone it is an error.
      const othersWeighted = WEIGHTED_CHANNELS.some((c) => c !== 'typography' && c !== 'identity' && (weights[c] ?? 0) > 0);
      if (!lines && !othersWeighted) throw new QueryError(`the poster of movie "${q.id}" has not been read yet: typography needs its text (marquee index, or serve --read-text)`);
      if (lines) {
        const scorer = await this.indexes.typography();
        typography = { vector: scorer.queryOf(lines), scorer };
      }
    }
    return { query: text, identity, typography };
  }

  /** The query poster's printed text: read off an upload, or a library movie's stored reading (undefined when not read). */
  private async queryLines(q: SearchQuery): Promise<TextLine[] | undefined> {
    if (q.image) return q.imageText ?? this.embedder.readText(q.image);
    const key = q.id === undefined ? undefined : await this.store.movies.keyOf(q.id);
    if (key === undefined) return undefined;
    const reading = await currentReading(this.store, key);
    return reading && !reading.error ? reading.lines : undefined;
  }

  async search(query: SearchQuery): Promise<SearchResult[]> {
    const { k, text, wImage } = await this.validate(query);
    const q: SearchQuery = { ...query, filters: checkFilters(query.filters, await this.indexes.filterRows()) };
    const exclude = new Set<number>();
    // The image model runs on onnxruntime's threads, the text model in a worker: embed both at once,
    // and look up the query's words in the engine while the text embeds (awaited by the synopsis
    // retriever; an overview-long query embeds in ≈ 40 ms, as long as its lexical lookups).
    const story = !text && q.id !== undefined && q.weightImage !== undefined && q.weightImage < 1;
    const embedding = text && this.embedder.hasText ? this.embedder.embedText(text) : undefined;
    embedding?.catch(() => undefined); // a failure surfaces where it is awaited
    const [image, storyVector, side, visual] = await Promise.all([
      this.imageQueryVectors(q, exclude),
      story ? this.synopsisVector(q.id!) : undefined,
      this.textSide(q, text),
      text && this.embedder.dualEncoder ? this.embedder.embedVisualText(text) : undefined,
    ]);
    const owners = await this.indexes.owners();
    const perPoster = q.per === 'poster';
    // "More like this film" leaves out every poster of the film.
    for (const key of [...exclude]) for (const p of owners.furtherOf(key)) exclude.add(p);
    const planned = await this.plan(q, image, { ...side, vector: embedding ?? storyVector, visual, story: story && storyVector !== undefined }, wImage, { owners, exclude });
    const channels = planned.channels.map((c) => (c.name === TEXT_CHANNEL && !text) || c.name === 'identity' ? inheritFromMovie(c, owners) : c);

    // Vector indexes get the filter itself (an engine index applies it in its query); the in-process
    // palette and face scorers get the resolved set of keys.
    const filter = hasFilters(q.filters) ? q.filters : undefined;
    const allow = filter && channels.some((c) => c.needsKeys) ? allowedKeys(await this.indexes.filterRows(), filter) : undefined;
    const active = channels.filter((c) => c.weight > 0);
    const blendExtra = image?.inputs.length ? 2 * k + 20 : 0;
    const pool = active.length === 1 ? k + blendExtra : Math.min(Math.max(k * 10, 100) + blendExtra, MAX_K * 10);
    const candidates = new Set<number>();
    for (const c of active) for (const h of await c.retrieve(pool, { filter, allow, exclude })) candidates.add(h.key);
    // A film found by its synopsis brings its further posters along (they inherit the synopsis score).
    for (const key of [...candidates]) for (const p of owners.furtherOf(key)) if (!exclude.has(p) && (!allow || allow.has(p))) candidates.add(p);
    let keys = [...candidates];
    let scored: ChannelScores[] = [];
    // Every weighted channel's reference (the z-score one; a single channel needs it for `match` only).
    for (const c of channels) scored.push({ channel: c.name, weight: c.weight, minStd: c.minStd, scores: await c.scores(keys), reference: c.weight > 0 ? await c.reference() : new Float32Array() });

    if (image?.inputs.length) {
      // Copies of an input, on the cosine scale BLEND_INPUT_COPY was measured on.
      const channel = this.indexes.storeChannel(CONTENT_CHANNEL, q.model);
      const copies = new Set<number>();
      for (const input of image.inputs) (await this.indexes.cosineScores(channel, input, keys)).forEach((s, i) => s >= BLEND_INPUT_COPY && copies.add(keys[i]!));
      const keep = keys.map((key) => !copies.has(key));
      keys = keys.filter((_, i) => keep[i]);
      scored = scored.map((c) => ({ ...c, scores: c.scores.filter((_, i) => keep[i]) }));
    }
    const activeScores = scored.filter((c) => c.weight > 0);
    const z = fuseZScores(activeScores, keys.length);
    // One channel ranks by its raw similarity (the same order as its z-score); several by fused z.
    const fused = activeScores.length === 1 ? activeScores[0]!.scores : z;
    const match = matchScale(activeScores, z);
    const order = keys.map((key, i) => ({ key, i, score: fused[i]! })).filter((r) => !Number.isNaN(r.score));
    order.sort((a, b) => b.score - a.score || a.key - b.key);
    // Per film: a film ranks by its best poster.
    const seen = new Set<number>();
    const top = perPoster ? order.slice(0, k) : order.filter((t) => !seen.has(owners.movieOf(t.key)) && seen.add(owners.movieOf(t.key))).slice(0, k);
    const movies = await this.store.movies.byKeys([...new Set(top.map((t) => owners.movieOf(t.key)))]);
    // A movie deleted while this query ran is left out rather than failing the query.
    return top.filter((t) => movies.has(owners.movieOf(t.key))).map((t) => {
      const m = movies.get(owners.movieOf(t.key))!;
      const scores: Record<string, number | null> = {};
      for (const c of scored) scores[c.channel] = Number.isNaN(c.scores[t.i]!) ? null : round(c.scores[t.i]!);
      const result: SearchResult = { id: m.id, title: m.title, year: m.year, score: round(t.score), match: Number.isNaN(match[t.i]!) ? null : Math.round(match[t.i]! * 1000) / 1000, genres: m.genres, countries: m.countries, scores };
      const matched = planned.matches?.get(t.key) ?? planned.matches?.get(owners.movieOf(t.key));
      if (matched?.printed?.length) result.printed = matched.printed;
      if (matched?.fields.length) result.fields = matched.fields;
      if (matched?.phrase) result.phrase = matched.phrase;
      const evidence = side.identity?.get(t.key) ?? side.identity?.get(owners.movieOf(t.key));
      if (evidence) result.identity = { score: round(evidence.score), by: evidence.by, text: evidence.text };
      const poster = owners.furtherCount > 0 ? owners.poster(t.key) : undefined;
      if (poster) result.poster = { rank: poster.rank, kind: poster.kind, country: poster.country, year: poster.year };
      return result;
    });
  }

  /** Drops the loaded indexes and caches that read what changed (revision keys; everything when undefined); they reload on next use. */
  invalidate(changed?: ReadonlySet<string>): void {
    this.indexes.invalidate(changed);
  }

  async close(): Promise<void> {
    await this.embedder.close();
  }
}

