import { describe, expect, it } from 'vitest';
import { seededRandom } from '../util/random.js';
import { meanWithInterval } from './bootstrap.js';

describe('meanWithInterval', () => {
  it('gives the mean, and an interval that covers the true mean about 95 % of the time', () => {
    const random = seededRandom(7);
    const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    let covered = 0;
    const trials = 200;
    for (let t = 0; t < trials; t++) {
      const sample = Array.from({ length: 40 }, () => 50 + 10 * normal());
      const r = meanWithInterval(sample, t);
      expect(r.mean).toBeCloseTo(sample.reduce((a, b) => a + b, 0) / sample.length, 10);
      expect(r.low).toBeLessThanOrEqual(r.mean);
      expect(r.high).toBeGreaterThanOrEqual(r.mean);
      if (r.low <= 50 && 50 <= r.high) covered++;
    }
    // Percentile bootstrap with n = 40 under-covers slightly: 0.90–0.99 over 200 trials.
    expect(covered / trials).toBeGreaterThan(0.9);
    expect(covered / trials).toBeLessThan(0.99);
  });

  it('is the same for the same seed, and degenerate for one value or none', () => {
    const sample = [1, 5, 2, 8, 3, 3, 9];
    expect(meanWithInterval(sample, 3)).toEqual(meanWithInterval(sample, 3));
    expect(meanWithInterval([4], 1)).toEqual({ n: 1, mean: 4, low: 4, high: 4 });
    expect(meanWithInterval([], 1).n).toBe(0);
  });
});
