/** Training, storing and applying the genre models (one per feature set). */
import { COLOR_MODEL, LAYOUT_MODEL } from '../design/design-features.js';
import { COLOR_CHANNEL, CONTENT_CHANNEL, LAYOUT_CHANNEL, TEXT_CHANNEL } from '../store/channels.js';
import { defaultImageModel, readImageModels, refOf } from '../store/library-models.js';
import { FACE_MODEL_VERSION } from '../models/face-model.js';
import { FACE_CUES_CHANNEL, faceCuesModel } from './face-cues.js';
import { TILE_CHANNELS, tilesEnabled } from '../models/poster-tiles.js';
import { MarqueeError } from '../util/errors.js';
import { ocrVersionKey } from '../text/poster-ocr.js';
import { wholeReadings } from '../store/current-reading.js';
import { PRINTED_CHANNEL, printedWordsModel } from '../text/word-features.js';
import type { Store } from '../store/store.js';
import type { ModelRef } from '../store/types.js';
import { labelPrior, loadDataset, type FeatureSet, type GenreDataset } from './dataset.js';
import { crossValidate, type MethodMetrics } from './evaluate.js';
import { knnPredict } from './knn.js';
import { GENRES } from './labels.js';
import type { LogisticModel } from './logistic.js';
import { blendProbabilities, fitLogisticGroups, knnFeatures, logisticGroups, predictLogisticGroups, type Method } from './methods.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'genreModels' | 'library' | 'location' | 'movies' | 'posterText' | 'posters' | 'vectors'>;

export const FEATURE_SETS: FeatureSet[] = ['poster', 'poster+synopsis'];

/**
 * How features enter the stored models; a model of another format is stale (retrained, never
 * misread). 2: the poster model reads signed square roots (methods.ts).
 */
export const GENRE_MODEL_FORMAT = 2;

export interface GenreModelMeta {
  format?: number;
  features: FeatureSet;
  method: Method;
  genres: string[];
  trainedAt: string;
  trainingSize: number;
  folds: number;
  seed: number;
  /** The embedding models the features came from; predictions need the same. */
  models: Record<string, ModelRef>;
  prior: number[];
  thresholds: Record<string, number>;
  /** Cross-validated metrics of every method compared. */
  metrics: Record<Method, MethodMetrics>;
  /** One logistic model per modality, packed one after the other in the stored params. */
  logistic?: { channels: string[]; d: number; g: number }[];
  /** Posters whose text was read whole when training started, and by which reader (server/genre-training.ts trains again when there are more). */
  wholeReadings?: number;
  readingsVersion?: string;
}

export async function libraryModels(library: StoreParts): Promise<Record<string, ModelRef>> {
  const image = await defaultImageModel(library);
  const txt = await library.library.getMeta('text_model');
  if (!image) throw new Error(`library ${library.location} has no indexed posters: run "marquee index" first`);
  // Content features come from the library's default image model, read from its channel.
  const models: Record<string, ModelRef & { channel?: string }> = { [CONTENT_CHANNEL]: { ...refOf(image), channel: image.channel }, [COLOR_CHANNEL]: COLOR_MODEL, [LAYOUT_CHANNEL]: LAYOUT_MODEL };
  // MARQUEE_GENRE_MODELS=all adds the library's other image models' content as features of their
  // own. Off by default: MobileNet + InceptionV3 scored lower than MobileNet alone (5-fold CV
  // macro-mAP 0.217 vs 0.226, held out 0.250 vs 0.258; docs/genres.md).
  if (process.env.MARQUEE_GENRE_MODELS === 'all')
    for (const m of (await readImageModels(library)).slice(1)) models[`${CONTENT_CHANNEL}:${m.id}`] = { ...refOf(m), channel: m.channel };
  // The default model's poster tiles, once indexed: their vectors carry that model's ref (poster-tiles.ts; MARQUEE_POSTER_TILES=off leaves them out).
  const tiles = refOf(image);
  if (tilesEnabled() && (await library.vectors.keys(TILE_CHANNELS[0]!, tiles)).length > 0) for (const c of TILE_CHANNELS) models[c] = tiles;
  if (txt) models[TEXT_CHANNEL] = JSON.parse(txt) as ModelRef;
  // Poster words join the features once posters have been read (MARQUEE_GENRE_WORDS=off leaves them out).
  if (process.env.MARQUEE_GENRE_WORDS !== 'off' && (await library.posterText.progress(ocrVersionKey())).read > 0) models[PRINTED_CHANNEL] = printedWordsModel();
  // Faces' expressions, age and gender join once posters have been scanned (MARQUEE_GENRE_FACES=off leaves them out).
  const cues = faceCuesModel(FACE_MODEL_VERSION);
  if (process.env.MARQUEE_GENRE_FACES !== 'off' && (await library.vectors.keys(FACE_CUES_CHANNEL, cues)).length > 0) models[FACE_CUES_CHANNEL] = cues;
  return models;
}

const packedSize = (d: number, g: number) => 2 * d + d * g + g;

function packLogistic(models: LogisticModel[]): Float32Array {
  const out = new Float32Array(models.reduce((s, m) => s + packedSize(m.d, m.g), 0));
  let o = 0;
  for (const m of models) {
    out.set(m.mean, o);
    out.set(m.std, o + m.d);
    out.set(m.w, o + 2 * m.d);
    out.set(m.b, o + 2 * m.d + m.w.length);
    o += packedSize(m.d, m.g);
  }
  return out;
}

function unpackLogistic(p: Float32Array, shapes: { d: number; g: number }[]): LogisticModel[] {
  let o = 0;
  return shapes.map(({ d, g }) => {
    const m = { d, g, mean: p.subarray(o, o + d), std: p.subarray(o + d, o + 2 * d), w: p.subarray(o + 2 * d, o + 2 * d + d * g), b: p.subarray(o + 2 * d + d * g, o + packedSize(d, g)) };
    o += packedSize(d, g);
    return m;
  });
}

export interface TrainSummary {
  features: FeatureSet;
  /** The image model of the content features (the library's default). */
  imageModel: string;
  method: Method;
  trainingSize: number;
  macroMAP: number;
  top3Hit: number;
  seconds: number;
}

/** Cross-validates every method per feature set, keeps the best, refits it on all movies and stores it. */
export async function trainGenreModels(
  library: StoreParts,
  opts: { folds?: number; seed?: number; /** Folds done of each feature set's cross-validation. */ onStep?: (features: string, done: number, total: number) => void } = {},
): Promise<TrainSummary[]> {
  const folds = opts.folds ?? 5;
  const seed = opts.seed ?? 42;
  const models = await libraryModels(library);
  const readings = await wholeReadings(library);
  const out: TrainSummary[] = [];
  for (const features of FEATURE_SETS) {
    if (features === 'poster+synopsis' && !models[TEXT_CHANNEL]) continue;
    const started = performance.now();
    const ds = await loadDataset(library, features, models);
    if (ds.n < folds * 4) throw new Error(`only ${ds.n} movies with ${features} features and a known genre: too few to train`);
    const ev = await crossValidate(ds, folds, seed, (f) => opts.onStep?.(features, f, folds));
    opts.onStep?.(features, folds, folds);
    const logistic = ev.best === 'logistic' || ev.best === 'blend' ? await fitLogisticGroups(ds, ds.x, ds.y, ds.n, seed) : undefined;
    const groups = logisticGroups(ds);
    const meta: GenreModelMeta = {
      format: GENRE_MODEL_FORMAT,
      features,
      method: ev.best,
      genres: [...GENRES],
      trainedAt: new Date().toISOString(),
      trainingSize: ds.n,
      folds,
      seed,
      models: Object.fromEntries(ds.blocks.map((b) => [b.channel, models[b.channel]!])),
      prior: Array.from(labelPrior(ds.y, ds.n, ds.g)),
      thresholds: ev.methods[ev.best].thresholds,
      metrics: ev.methods,
      logistic: logistic?.map((m, i) => ({ channels: groups[i]!.channels, d: m.d, g: m.g })),
      wholeReadings: readings,
      readingsVersion: ocrVersionKey(),
    };
    await library.genreModels.put(features, meta, logistic ? packLogistic(logistic) : null);
    out.push({ features, imageModel: models[CONTENT_CHANNEL]!.id, method: ev.best, trainingSize: ds.n, macroMAP: ev.methods[ev.best].macroMAP, top3Hit: ev.methods[ev.best].top3Hit, seconds: (performance.now() - started) / 1000 });
  }
  return out;
}

/** A stored genre model, ready to predict from feature rows laid out like its training data. */
export class GenrePredictor {
  private train?: { ds: GenreDataset; x: Float32Array; d: number };

  private constructor(
    private readonly library: StoreParts,
    readonly meta: GenreModelMeta,
    private readonly logistic: LogisticModel[] | undefined,
  ) {}

  /** The training set (loaded with the model, so predict() stays synchronous). */
  private async loadTraining(): Promise<void> {
    const ds = await loadDataset(this.library, this.meta.features, this.meta.models);
    this.train = { ds, ...knnFeatures(ds, ds.x, ds.n, 'train') };
  }

  static async load(library: StoreParts, features: FeatureSet): Promise<GenrePredictor> {
    const stored = await library.genreModels.get(features);
    if (!stored) throw new MarqueeError('no_genre_model', `no ${features} genre model in ${library.location}: run "marquee genres train" first`);
    const meta = stored.meta as GenreModelMeta;
    if (meta.format !== GENRE_MODEL_FORMAT)
      throw new MarqueeError('no_genre_model', `the ${features} genre model was trained by an older Marquee (format ${meta.format ?? 1}, now ${GENRE_MODEL_FORMAT}): re-run "marquee genres train"`);
    const current = await libraryModels(library);
    for (const [channel, ref] of Object.entries(meta.models))
      if (current[channel]?.id !== ref.id || current[channel]?.version !== ref.version)
        throw new MarqueeError('no_genre_model', `the ${features} genre model was trained on ${channel} vectors of ${ref.id} ${ref.version}; the library now has ${current[channel]?.id ?? 'none'}: re-run "marquee genres train"`);
    const logistic = meta.logistic && stored.params ? unpackLogistic(stored.params, meta.logistic) : undefined;
    const predictor = new GenrePredictor(library, meta, logistic);
    if (meta.method !== 'prior') await predictor.loadTraining();
    return predictor;
  }

  /**
   * x: n feature rows (channels concatenated in the model's order). Returns n x g probabilities.
   * `excludeKey`: a library movie that must not vote for itself (predicting a catalog poster).
   */
  predict(x: Float32Array, n: number, excludeKey?: number): Float32Array {
    const g = GENRES.length;
    const prior = Float32Array.from(this.meta.prior);
    const method = this.meta.method;
    if (method === 'prior') {
      const out = new Float32Array(n * g);
      for (let i = 0; i < n; i++) out.set(prior, i * g);
      return out;
    }
    const { ds, x: trainX, d } = this.train!;
    const logistic = method === 'logistic' || method === 'blend' ? predictLogisticGroups(ds, this.logistic!, x, n) : undefined;
    if (method === 'logistic') return logistic!;
    const q = knnFeatures(ds, x, n, 'query');
    const knn = knnPredict(trainX, ds.y, ds.n, q.x, n, d, g, prior, undefined, excludeKey === undefined ? undefined : (_q, t) => ds.keys[t] === excludeKey);
    return method === 'knn' ? knn : blendProbabilities(logistic!, this.logistic!.length, knn);
  }
}
