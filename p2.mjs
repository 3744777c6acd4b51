import { Library } from './dist/store/library.js';
import { loadDataset, takeRows } from './dist/genres/dataset.js';
import { assignFolds } from './dist/genres/folds.js';
import { trainLogistic, predictLogistic } from './dist/genres/logistic.js';
import { metricsOf } from './dist/genres/evaluate.js';
import { COLOR_MODEL, LAYOUT_MODEL } from './dist/design/design-features.js';
const lib = new Library('/tmp/full.db', { readonly: true });
const models = { content: JSON.parse(lib.getMeta('image_model')), color: COLOR_MODEL, layout: LAYOUT_MODEL, text: JSON.parse(lib.getMeta('text_model')) };
const ds = loadDataset(lib, process.argv[2], models);
const fold = assignFolds(ds.n, 5, 42);
for (const cfg of JSON.parse(process.argv[3])) {
  const t = performance.now();
  const oof = new Float32Array(ds.n * ds.g);
  for (let f = 0; f < 2; f++) {
    const train = [], test = [];
    for (let i = 0; i < ds.n; i++) (fold[i] === f ? test : train).push(i);
    const m = trainLogistic(takeRows(ds.x, ds.d, train), takeRows(ds.y, ds.g, train), train.length, ds.d, ds.g, { epochs: 12, batchSize: 64, learningRate: 0.002, l2: 0.5, seed: 7, ...cfg });
    const p = predictLogistic(m, takeRows(ds.x, ds.d, test), test.length);
    test.forEach((row, i) => oof.set(p.subarray(i * ds.g, (i + 1) * ds.g), row * ds.g));
  }
  const idx = []; for (let i = 0; i < ds.n; i++) if (fold[i] < 2) idx.push(i);
  const r = metricsOf({ p: takeRows(oof, ds.g, idx), y: takeRows(ds.y, ds.g, idx), n: idx.length, g: ds.g });
  console.log(JSON.stringify(cfg), 'mAP', r.macroMAP, 'top3', r.top3Hit, ((performance.now() - t) / 1000).toFixed(1), 's');
}
