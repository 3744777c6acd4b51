import { describe, expect, it } from 'vitest';
import { fuseZScores, matchScale, meanStd, referenceSample } from './fusion.js';

describe('fusion', () => {
  it('z-scores each channel against its reference and weighs them (weights normalised)', () => {
    const image = { channel: 'content', weight: 3, scores: Float32Array.of(0.9, 0.5, NaN), reference: Float32Array.of(0.4, 0.5, 0.6) };
    const text = { channel: 'text', weight: 1, scores: Float32Array.of(0.2, 0.4, 0.3), reference: Float32Array.of(0.1, 0.2, 0.3) };
    const fused = fuseZScores([image, text], 3);
    const { mean: mi, std: si } = meanStd(image.reference);
    const { mean: mt, std: st } = meanStd(text.reference);
    expect(fused[0]).toBeCloseTo(0.75 * ((0.9 - mi) / si) + 0.25 * ((0.2 - mt) / st), 5);
    // A candidate without the channel counts as average there (z = 0), not as worst.
    expect(fused[2]).toBeCloseTo(0.25 * ((0.3 - mt) / st), 5);
    expect(fuseZScores([image, { ...text, weight: 0 }], 3)[0]).toBeCloseTo((0.9 - mi) / si, 5);
  });

  it('meanStd ignores NaN and never divides by zero', () => {
    expect(meanStd(Float32Array.of(1, 3, NaN))).toEqual({ mean: 2, std: 1 });
    expect(meanStd(Float32Array.of(NaN))).toEqual({ mean: 0, std: 1 });
    expect(meanStd(Float32Array.of(0.5, 0.5)).std).toBeGreaterThan(0);
  });

  it('samples at most n keys, evenly and deterministically', () => {
    const keys = Array.from({ length: 10 }, (_, i) => i * 10);
    expect(referenceSample(keys, 20)).toBe(keys);
    expect(referenceSample(keys, 5)).toEqual([0, 20, 40, 60, 80]);
  });
});

describe('match scale', () => {
  const reference = Float32Array.from({ length: 100 }, (_, i) => 0.2 + (i % 2) * 0.2);
  it('is (s - mean) / (1 - mean) for one channel: 0 an average movie, 1 a perfect match', () => {
    const text = [{ channel: 'text', weight: 1, scores: Float32Array.from([1, 0.3, 0.65, 0.1]), reference }];
    const m = matchScale(text, fuseZScores(text, 4));
    expect(Array.from(m)).toEqual([1, 0, 0.5, 0].map((x) => expect.closeTo(x, 5)));
  });

  it('follows the fused ranking over several channels', () => {
    const channels = [
      { channel: 'content', weight: 0.7, scores: Float32Array.from([0.9, 0.6, 0.5]), reference },
      { channel: 'color', weight: 0.3, scores: Float32Array.from([0.4, 0.9, Number.NaN]), reference },
    ];
    const fused = fuseZScores(channels, 3);
    const m = matchScale(channels, fused);
    const order = (xs: ArrayLike<number>) => Array.from(xs).map((x, i) => [x, i] as const).sort((a, b) => b[0] - a[0]).map(([, i]) => i);
    expect(order(m)).toEqual(order(fused));
    for (const x of m) expect(x).toBeGreaterThanOrEqual(0), expect(x).toBeLessThanOrEqual(1);
  });
});
