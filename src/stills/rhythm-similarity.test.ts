/** The looks' rhythm part: films cut alike score 1, and it falls with the shot-length ratio and distribution distance. */
import { describe, expect, it } from 'vitest';
import { lookScore, rhythmSimilarity, LOOK_WEIGHTS, RHYTHM_WEIGHT } from './looks.js';

const film = (asl: number, counts: number[]) => ({ asl, shotLengths: counts.map((count) => ({ count })) });

describe('rhythm similarity', () => {
  it('is 1 for the same cutting, symmetric, and lower for a film cut twice as fast', () => {
    const a = film(4, [2, 5, 8, 3, 1, 0, 0, 0]);
    expect(rhythmSimilarity(a, a)).toBeCloseTo(1, 9);
    const b = film(2, [6, 9, 4, 1, 0, 0, 0, 0]);
    expect(rhythmSimilarity(a, b)).toBeCloseTo(rhythmSimilarity(b, a), 12);
    expect(rhythmSimilarity(a, b)).toBeLessThan(0.75);
    // Same average, other distribution: in between.
    const c = film(4, [8, 2, 2, 2, 2, 2, 0, 0]);
    expect(rhythmSimilarity(a, c)).toBeGreaterThan(rhythmSimilarity(a, b));
    expect(rhythmSimilarity(a, c)).toBeLessThan(1);
  });

  it('enters the look score only when both films have one', () => {
    const parts = { chamfer: 0.5, mean: 0.4, sequence: 0.3, palette: 0.2, hsl: 0.1 };
    const base = Object.entries(LOOK_WEIGHTS).reduce((s, [p, w]) => s + w * parts[p as keyof typeof parts], 0);
    expect(lookScore(parts)).toBeCloseTo(base, 6);
    expect(lookScore({ ...parts, rhythm: 1 })).toBeCloseTo((1 - RHYTHM_WEIGHT) * base + RHYTHM_WEIGHT, 6);
  });
});
