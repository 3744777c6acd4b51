/** kNN features rank neighbours by each block's metric with one inner product (genres/methods.ts). */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../util/random.js';
import { similarity, type Metric } from '../util/metric.js';
import type { GenreDataset } from './dataset.js';
import { knnFeatures } from './methods.js';

function dataset(metric: Metric, n: number, d: number): GenreDataset {
  const r = seededRandom(4);
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const length = 0.2 + 5 * r(); // very different lengths: the metrics disagree
    for (let j = 0; j < d; j++) x[i * d + j] = (r() - 0.3) * length;
  }
  return { features: 'poster', ids: [], keys: [], n, d, g: 1, x, y: new Uint8Array(n), blocks: [{ channel: 'content', offset: 0, length: d, metric }] };
}

const dot = (a: Float32Array, ai: number, b: Float32Array, bi: number, d: number) => {
  let s = 0;
  for (let j = 0; j < d; j++) s += a[ai * d + j]! * b[bi * d + j]!;
  return s;
};

describe('knnFeatures', () => {
  for (const metric of ['l2', 'dot'] as const)
    it(`ranks training rows by the ${metric} metric through a plain inner product`, () => {
      const ds = dataset(metric, 60, 6);
      const train = knnFeatures(ds, ds.x, ds.n, 'train');
      const queries = dataset(metric, 5, 6);
      const q = knnFeatures(ds, queries.x, queries.n, 'query');
      const row = (m: Float32Array, i: number) => m.subarray(i * 6, (i + 1) * 6);
      let differsFromCosine = false;
      for (let i = 0; i < queries.n; i++) {
        const byFeatures = Array.from({ length: ds.n }, (_, t) => t).sort((a, b) => dot(q.x, i, train.x, b, train.d) - dot(q.x, i, train.x, a, train.d));
        const byMetric = Array.from({ length: ds.n }, (_, t) => t).sort((a, b) => similarity(metric, row(queries.x, i), row(ds.x, b)) - similarity(metric, row(queries.x, i), row(ds.x, a)));
        const byCosine = Array.from({ length: ds.n }, (_, t) => t).sort((a, b) => similarity('cosine', row(queries.x, i), row(ds.x, b)) - similarity('cosine', row(queries.x, i), row(ds.x, a)));
        expect(byFeatures.slice(0, 10)).toEqual(byMetric.slice(0, 10));
        if (byCosine.slice(0, 10).join() !== byMetric.slice(0, 10).join()) differsFromCosine = true;
      }
      expect(differsFromCosine).toBe(true);
    });
});
