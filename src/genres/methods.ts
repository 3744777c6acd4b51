/** The genre predictors compared by cross-validation: label prior, kNN voting, logistic regression, and their blend. */
import { CONTENT_CHANNEL, TEXT_CHANNEL } from '../store/channels.js';
import { labelPrior, takeBlock, takeRows, type GenreDataset } from './dataset.js';
import { knnPredict } from './knn.js';
import { DEFAULT_LOGISTIC, predictLogistic, trainLogistic, type LogisticModel } from './logistic.js';

export const METHODS = ['prior', 'knn', 'logistic', 'blend'] as const;
export type Method = (typeof METHODS)[number];

/** kNN compares movies by content (and synopsis, when the feature set has it): the mean of their cosines. */
export function knnFeatures(ds: GenreDataset, x: Float32Array, n: number): { x: Float32Array; d: number } {
  const channels = ds.blocks.some((b) => b.channel === TEXT_CHANNEL) ? [CONTENT_CHANNEL, TEXT_CHANNEL] : [CONTENT_CHANNEL];
  const parts = channels.map((c) => takeBlock(ds, x, n, c));
  const d = parts.reduce((s, p) => s + p.d, 0);
  const out = new Float32Array(n * d);
  const scale = 1 / Math.sqrt(parts.length);
  for (let i = 0; i < n; i++) {
    let offset = 0;
    for (const p of parts) {
      for (let j = 0; j < p.d; j++) out[i * d + offset + j] = p.x[i * p.d + j]! * scale;
      offset += p.d;
    }
  }
  return { x: out, d };
}

export interface FoldPredictions {
  prior: Float32Array;
  knn: Float32Array;
  logistic: Float32Array;
  blend: Float32Array;
}

/** Fits every method on `train` rows and predicts `test` rows. */
export function fitPredictAll(ds: GenreDataset, train: number[], test: number[], seed: number): FoldPredictions {
  const { d, g } = ds;
  const xTrain = takeRows(ds.x, d, train);
  const yTrain = takeRows(ds.y, g, train);
  const xTest = takeRows(ds.x, d, test);
  const prior = labelPrior(yTrain, train.length, g);
  const priorPred = new Float32Array(test.length * g);
  for (let i = 0; i < test.length; i++) priorPred.set(prior, i * g);
  const kTrain = knnFeatures(ds, xTrain, train.length);
  const kTest = knnFeatures(ds, xTest, test.length);
  const knn = knnPredict(kTrain.x, yTrain, train.length, kTest.x, test.length, kTrain.d, g, prior);
  const model = trainLogistic(xTrain, yTrain, train.length, d, g, { ...DEFAULT_LOGISTIC, seed });
  const logistic = predictLogistic(model, xTest, test.length);
  const blend = Float32Array.from(logistic, (p, i) => (p + knn[i]!) / 2);
  return { prior: priorPred, knn, logistic, blend };
}

export function fitLogistic(ds: GenreDataset, seed: number): LogisticModel {
  return trainLogistic(ds.x, ds.y, ds.n, ds.d, ds.g, { ...DEFAULT_LOGISTIC, seed });
}
