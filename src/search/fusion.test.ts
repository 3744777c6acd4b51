import { describe, expect, it } from 'vitest';
import { fuseZScores, matchShares, meanStd, referenceSample, shareBelow } from './fusion.js';

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

describe('match share', () => {
  it('is the weighted share of the reference each candidate beats, ties counting half', () => {
    const reference = Float32Array.from({ length: 100 }, (_, i) => i / 100);
    const m = matchShares(
      [
        { channel: 'content', weight: 3, scores: Float32Array.from([0.995, 0.5, Number.NaN]), reference },
        { channel: 'color', weight: 1, scores: Float32Array.from([0.995, 0.005, 0.995]), reference },
      ],
      3,
    );
    expect(m[0]).toBeCloseTo(1, 5);
    expect(m[1]).toBeCloseTo(0.75 * 0.505 + 0.25 * 0.01, 5);
    // A channel the candidate lacks counts as average.
    expect(m[2]).toBeCloseTo(0.75 * 0.5 + 0.25 * 1, 5);
  });

  it('counts ties half', () => {
    expect(shareBelow(Float32Array.from([0, 0, 0, 1]), 0)).toBeCloseTo(0.375);
    expect(shareBelow(Float32Array.from([0, 0, 0, 1]), 2)).toBe(1);
  });
});
