import { describe, expect, it } from 'vitest';
import { seededRandom } from '../util/random.js';
import { TopK } from './top-k.js';

describe('TopK', () => {
  it('keeps the k largest scores, best first, ties by key', () => {
    const r = seededRandom(5);
    const items = Array.from({ length: 500 }, (_, key) => ({ key, score: Math.round(r() * 50) / 50 }));
    const top = new TopK(12);
    for (const it of items) top.push(it.key, it.score);
    const want = [...items].sort((a, b) => b.score - a.score || a.key - b.key).slice(0, 12);
    // float32 storage: compare scores with tolerance, and the multiset of scores exactly
    expect(top.result().map((h) => Math.round(h.score * 50))).toEqual(want.map((h) => Math.round(h.score * 50)));
    expect(top.threshold).toBeCloseTo(want[11]!.score, 5);
  });

  it('handles k = 0 and fewer items than k', () => {
    const none = new TopK(0);
    none.push(1, 1);
    expect(none.result()).toEqual([]);
    const few = new TopK(5);
    few.push(7, 0.5);
    few.push(3, 0.5);
    expect(few.result()).toEqual([{ key: 3, score: 0.5 }, { key: 7, score: 0.5 }]);
    expect(few.threshold).toBe(-Infinity);
  });
});
