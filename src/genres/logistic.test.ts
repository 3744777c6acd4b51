import { describe, expect, it } from 'vitest';
import { seededRandom } from '../util/random.js';
import { DEFAULT_LOGISTIC, predictLogistic, trainLogistic } from './logistic.js';

/** n rows of d features; label k is on when feature k is above its median-ish threshold (a planted linear rule per label). */
function planted(n: number, d: number, g: number) {
  const random = seededRandom(11);
  const x = Float32Array.from({ length: n * d }, () => random() * 2 - 1);
  const y = new Uint8Array(n * g);
  for (let i = 0; i < n; i++) for (let k = 0; k < g; k++) y[i * g + k] = x[i * d + k]! + 0.5 * x[i * d + k + g]! > 0 ? 1 : 0;
  return { x, y };
}

describe('trainLogistic', () => {
  const n = 300, d = 40, g = 5;
  const params = { ...DEFAULT_LOGISTIC, epochs: 40, learningRate: 0.02, l2: 1e-4 };

  it('learns planted linear labels, with probabilities in (0, 1)', async () => {
    const { x, y } = planted(n, d, g);
    const model = await trainLogistic(x, y, n, d, g, params);
    const p = predictLogistic(model, x, n);
    let right = 0;
    for (let i = 0; i < n * g; i++) {
      expect(p[i]! > 0 && p[i]! < 1).toBe(true);
      if ((p[i]! > 0.5 ? 1 : 0) === y[i]) right++;
    }
    expect(right / (n * g)).toBeGreaterThan(0.9);
  });

  it('gives the same model for the same seed, another for another seed', async () => {
    const { x, y } = planted(n, d, g);
    const a = await trainLogistic(x, y, n, d, g, params);
    const b = await trainLogistic(x, y, n, d, g, params);
    const c = await trainLogistic(x, y, n, d, g, { ...params, seed: params.seed + 1 });
    expect(Array.from(b.w)).toEqual(Array.from(a.w));
    expect(Array.from(b.b)).toEqual(Array.from(a.b));
    expect(Array.from(c.w)).not.toEqual(Array.from(a.w));
  });
});
