/** Train + eval time of the genre models on a built library, and the kept methods' CV scores. */
import { loadDataset } from '../genres/dataset.js';
import { crossValidate } from '../genres/evaluate.js';
import { FEATURE_SETS, libraryModels, trainGenreModels } from '../genres/model.js';
import { Library } from '../store/library.js';
import { round } from './stats.js';

export function benchGenres(dbPath: string) {
  const library = new Library(dbPath);
  let t = performance.now();
  const trained = trainGenreModels(library);
  const trainSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  const models = libraryModels(library);
  const evals = FEATURE_SETS.filter((f) => f === 'poster' || models.text).map((f) => crossValidate(loadDataset(library, f, models)));
  const evalSeconds = (performance.now() - t) / 1000;
  library.close();
  return {
    trainSeconds: round(trainSeconds, 1),
    evalSeconds: round(evalSeconds, 1),
    kept: trained.map((m) => ({ features: m.features, method: m.method, macroMAP: m.macroMAP, top3Hit: m.top3Hit })),
    eval: evals.map((e) => ({ features: e.features, best: e.best, macroMAP: e.methods[e.best].macroMAP, top3Hit: e.methods[e.best].top3Hit })),
  };
}
