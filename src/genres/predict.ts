/** Genre prediction for a poster image (and optionally a synopsis) through the stored models. */
import type { Embedder } from '../search/embedder.js';
import { MarqueeError } from '../util/errors.js';
import type { Store } from '../store/store.js';
import type { ImageInput } from '../search/query.js';
import { featureChannels, type FeatureSet } from './dataset.js';
import { currentReading } from '../store/current-reading.js';
import { PRINTED_CHANNEL, printedWordsVector } from '../text/word-features.js';
import { GENRES } from './labels.js';
import { FACE_CUES_CHANNEL, faceCues } from './face-cues.js';
import { TILE_CHANNELS } from '../models/poster-tiles.js';
import type { ModelRef } from '../store/types.js';
import { GenrePredictor } from './model.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'genreModels' | 'library' | 'location' | 'movies' | 'posterText' | 'posters' | 'vectors'>;

export interface GenreProbability {
  genre: string;
  p: number;
}

export class GenreService {
  /** What loaded predictors read (store/revisions.ts): the models, and the training posters' vectors and genres for kNN. */
  static readonly READS = ['genre-model', 'movies', 'posters', 'vectors'] as const;

  private readonly predictors = new Map<FeatureSet, Promise<GenrePredictor>>();

  constructor(
    private readonly store: StoreParts,
    private readonly embedder: Embedder,
  ) {}

  /** Forgets loaded models, e.g. after a re-train; they reload on next use. */
  reset(): void {
    this.predictors.clear();
  }

  private predictor(features: FeatureSet): Promise<GenrePredictor> {
    let p = this.predictors.get(features);
    if (!p) {
      p = GenrePredictor.load(this.store, features);
      this.predictors.set(features, p);
      p.catch(() => this.predictors.delete(features));
    }
    return p;
  }

  /**
   * Whether the poster model can predict: 'missing' (never trained), 'stale' (trained on vectors
   * of another model than the library now holds) or 'ready'.
   */
  async modelState(): Promise<'ready' | 'missing' | 'stale'> {
    if (!(await this.store.genreModels.get('poster'))) return 'missing';
    try {
      await this.predictor('poster');
      return 'ready';
    } catch (err) {
      if (err instanceof MarqueeError && err.kind === 'no_genre_model') return 'stale';
      throw err;
    }
  }

  /** Face cues of the image: a library poster's stored scan, else its faces detected now. */
  private async posterFaceCues(image: ImageInput, model: ModelRef, key?: number): Promise<Float32Array> {
    if (key !== undefined) {
      const stored = await this.store.vectors.get(key, FACE_CUES_CHANNEL, model);
      if (stored) return stored;
    }
    return faceCues(await this.embedder.detectFaces(image));
  }

  /**
   * Poster words of the image: a library poster's stored reading (none yet: no words, until the
   * background OCR pass reads it — reading it here put ~0.6 s of OCR on every movie page of an
   * unread poster, measured by the serving bench); an upload's text is read now.
   */
  private async posterWords(image: ImageInput, key?: number): Promise<Float32Array> {
    if (key !== undefined) {
      const reading = await currentReading(this.store, key);
      return printedWordsVector(reading && !reading.error ? reading.lines : []);
    }
    return printedWordsVector(await this.embedder.readText(image));
  }

  /** Tile vectors of the image (in TILE_CHANNELS order): a library poster's stored ones, else embedded now. */
  private async posterTiles(image: ImageInput, model: ModelRef, key?: number): Promise<Float32Array[]> {
    if (key !== undefined) {
      const stored = await Promise.all(TILE_CHANNELS.map((c) => this.store.vectors.get(key, c, model)));
      if (stored.every((v) => v)) return stored as Float32Array[];
    }
    return this.embedder.tileVectors(image, model.id);
  }

  /** All genres, most probable first. Uses the poster+synopsis model when an overview is given. */
  async predict(image: ImageInput, overview?: string, excludeKey?: number): Promise<GenreProbability[]> {
    const text = overview?.trim();
    const features: FeatureSet = text ? 'poster+synopsis' : 'poster';
    const predictor = await this.predictor(features);
    // The training layout's order (a model's meta may come back from jsonb with its keys reordered).
    const channels = featureChannels(features, predictor.meta.models);
    const [vectors, textVector, words] = await Promise.all([
      this.embedder.describeImage(image, predictor.meta.models.content?.id),
      text ? this.embedder.embedText(text) : undefined,
      channels.includes(PRINTED_CHANNEL) ? this.posterWords(image, excludeKey) : undefined,
    ]);
    const tiles = channels.includes(TILE_CHANNELS[0]!) ? await this.posterTiles(image, predictor.meta.models[TILE_CHANNELS[0]!]!, excludeKey) : undefined;
    const cues = channels.includes(FACE_CUES_CHANNEL) ? await this.posterFaceCues(image, predictor.meta.models[FACE_CUES_CHANNEL]!, excludeKey) : undefined;
    // The content of the library's other image models, each embedded by its own model.
    const others = new Map<string, Float32Array>();
    for (const c of channels.filter((x) => x.startsWith('content:'))) others.set(c, (await this.embedder.describeImage(image, predictor.meta.models[c]!.id)).content);
    const parts: Float32Array[] = channels.map((c) =>
      c === 'text' ? textVector! : c === PRINTED_CHANNEL ? words! : c === FACE_CUES_CHANNEL ? cues! : TILE_CHANNELS.includes(c) ? tiles![TILE_CHANNELS.indexOf(c)]! : (others.get(c) ?? vectors[c as keyof typeof vectors]),
    );
    const x = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
    let offset = 0;
    for (const p of parts) {
      x.set(p, offset);
      offset += p.length;
    }
    const probs = predictor.predict(x, 1, excludeKey);
    return GENRES.map((genre, j) => ({ genre, p: Math.round(probs[j]! * 1e4) / 1e4 })).sort((a, b) => b.p - a.p || a.genre.localeCompare(b.genre));
  }
}
