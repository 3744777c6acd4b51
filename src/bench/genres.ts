/** Train + eval time of the genre models on a built library, and the kept methods' CV scores. */
import { loadDataset } from '../genres/dataset.js';
import { crossValidate } from '../genres/evaluate.js';
import { FEATURE_SETS, libraryModels, trainGenreModels } from '../genres/model.js';
import { openStore } from '../store/open-store.js';
import { round } from './stats.js';

export async function benchGenres(dbPath: string) {
  const library = await openStore(dbPath, { create: true });
  let t = performance.now();
  const trained = await trainGenreModels(library);
  const trainSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  const models = await libraryModels(library);
  const evals = [];
  for (const f of FEATURE_SETS.filter((f) => f === 'poster' || models.text)) evals.push(await crossValidate(await loadDataset(library, f, models)));
  const evalSeconds = (performance.now() - t) / 1000;
  await library.close();
  return {
    trainSeconds: round(trainSeconds, 1),
    evalSeconds: round(evalSeconds, 1),
    kept: trained.map((m) => ({ features: m.features, method: m.method, macroMAP: m.macroMAP, top3Hit: m.top3Hit })),
    eval: evals.map((e) => ({ features: e.features, best: e.best, macroMAP: e.methods[e.best].macroMAP, top3Hit: e.methods[e.best].top3Hit })),
  };
}
