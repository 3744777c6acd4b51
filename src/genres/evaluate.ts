/** k-fold cross-validation (folds split by movie) of every method, with the metrics docs/genres.md reports. */
import { takeRows, type GenreDataset } from './dataset.js';
import { assignFolds } from './folds.js';
import { GENRES } from './labels.js';
import { f1Scores, meanDefined, perGenreAP, topKHit, tuneThresholds, type Scored } from './metrics.js';
import { fitPredictAll, METHODS, type Method } from './methods.js';

export interface MethodMetrics {
  macroMAP: number;
  microF1: number;
  macroF1: number;
  top1Accuracy: number;
  top3Hit: number;
  perGenreAP: Record<string, number | null>;
  /** F1-optimal threshold per genre, tuned on the pooled out-of-fold predictions. */
  thresholds: Record<string, number>;
}

export interface Evaluation {
  features: string;
  movies: number;
  folds: number;
  seed: number;
  methods: Record<Method, MethodMetrics>;
  best: Method;
  /** Fold of each movie id (for tests and audits). */
  foldOf: Record<string, number>;
  /** Out-of-fold probabilities of the best method, n x g (row order = dataset order). */
  outOfFold: Float32Array;
}

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

export function metricsOf(s: Scored): MethodMetrics {
  const ap = perGenreAP(s);
  const thresholds = tuneThresholds(s);
  const f1 = f1Scores(s, thresholds);
  return {
    macroMAP: r4(meanDefined(ap)),
    microF1: r4(f1.micro),
    macroF1: r4(f1.macro),
    top1Accuracy: r4(topKHit(s, 1)),
    top3Hit: r4(topKHit(s, 3)),
    perGenreAP: Object.fromEntries(GENRES.map((gn, j) => [gn, Number.isNaN(ap[j]!) ? null : r4(ap[j]!)])),
    thresholds: Object.fromEntries(GENRES.map((gn, j) => [gn, r4(thresholds[j]!)])),
  };
}

export async function crossValidate(ds: GenreDataset, folds = 5, seed = 42, onFold?: (fold: number) => void): Promise<Evaluation> {
  const fold = assignFolds(ds.n, folds, seed);
  const oof = Object.fromEntries(METHODS.map((m) => [m, new Float32Array(ds.n * ds.g)])) as Record<Method, Float32Array>;
  for (let f = 0; f < folds; f++) {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < ds.n; i++) (fold[i] === f ? test : train).push(i);
    const pred = await fitPredictAll(ds, train, test, seed + f);
    for (const m of METHODS) test.forEach((row, i) => oof[m].set(pred[m].subarray(i * ds.g, (i + 1) * ds.g), row * ds.g));
    onFold?.(f);
  }
  const methods = Object.fromEntries(METHODS.map((m) => [m, metricsOf({ p: oof[m], y: ds.y, n: ds.n, g: ds.g })])) as Record<Method, MethodMetrics>;
  const best = (['knn', 'logistic', 'blend'] as Method[]).reduce((a, b) => (methods[b].macroMAP > methods[a].macroMAP ? b : a));
  return {
    features: ds.features,
    movies: ds.n,
    folds,
    seed,
    methods,
    best,
    foldOf: Object.fromEntries(ds.ids.map((id, i) => [id, fold[i]!])),
    outOfFold: oof[best],
  };
}

export interface HeldOutEvaluation {
  features: string;
  /** Films the model was trained on, and films it never saw (the "not in the catalog" posters). */
  trainMovies: number;
  heldOutMovies: number;
  /** The method the training films' own cross-validation kept (as `genres train` does). */
  method: Method;
  macroMAP: number;
  top3Hit: number;
}

/**
 * Held-out evaluation: a share of the films (seeded) is set aside, the model is chosen and fitted
 * on the rest exactly as `genres train` does (inner cross-validation picks the method), and
 * scored on posters of films it never saw — what a user's new posters get.
 */
export async function heldOutEvaluation(ds: GenreDataset, share = 0.2, seed = 42, folds = 5): Promise<HeldOutEvaluation> {
  const parts = Math.round(1 / share);
  const fold = assignFolds(ds.n, parts, seed + 1000);
  const train: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < ds.n; i++) (fold[i] === 0 ? test : train).push(i);
  const trainDs: GenreDataset = { ...ds, ids: train.map((i) => ds.ids[i]!), keys: train.map((i) => ds.keys[i]!), n: train.length, x: takeRows(ds.x, ds.d, train), y: takeRows(ds.y, ds.g, train) };
  const method = (await crossValidate(trainDs, folds, seed)).best;
  const pred = (await fitPredictAll(ds, train, test, seed))[method];
  const metrics = metricsOf({ p: pred, y: takeRows(ds.y, ds.g, test), n: test.length, g: ds.g });
  return { features: ds.features, trainMovies: train.length, heldOutMovies: test.length, method, macroMAP: metrics.macroMAP, top3Hit: metrics.top3Hit };
}
