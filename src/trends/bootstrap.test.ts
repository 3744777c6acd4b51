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

describe('meanWithInterval on shares (0/1 values)', () => {
  it('gives the interval resampling would give', () => {
    const shares = Array.from({ length: 200 }, (_, i) => (i % 10 < 3 ? 1 : 0));
    const exact = meanWithInterval(shares, 5);
    expect(exact.mean).toBeCloseTo(0.3, 10);
    // Resampling the same data by hand: the intervals agree to within a resampling's noise.
    const random = seededRandom(11);
    const means = Array.from({ length: 4000 }, () => {
      let s = 0;
      for (let i = 0; i < shares.length; i++) s += shares[Math.floor(random() * shares.length)]!;
      return s / shares.length;
    }).sort((a, b) => a - b);
    expect(exact.low).toBeCloseTo(means[Math.round(0.025 * 3999)]!, 1);
    expect(exact.high).toBeCloseTo(means[Math.round(0.975 * 3999)]!, 1);
    expect(Math.abs(exact.low - means[Math.round(0.025 * 3999)]!)).toBeLessThanOrEqual(0.011);
    expect(meanWithInterval([0, 0, 0], 1)).toEqual({ n: 3, mean: 0, low: 0, high: 0 });
  });
});
