/** Reading order: rows top to bottom, left to right, whatever order the lines came in. */
import { describe, expect, it } from 'vitest';
import { readingOrder } from './reading-order.js';

const line = (text: string, x: number, y: number, size: number) => ({
  text,
  confidence: 0.9,
  size,
  box: [[x, y], [x + 0.2, y], [x + 0.2, y + size], [x, y + size]] as [number, number][],
});

describe('readingOrder', () => {
  it('reads rows top to bottom and left to right, the same for every order the lines arrive in', () => {
    // Two lines with the same centre but different sizes: which anchors the row decides whether the third joins it.
    const lines = [line('TITLE', 0.1, 0.1, 0.1), line('TAG', 0.5, 0.12, 0.06), line('LEFT', 0.1, 0.5, 0.02), line('RIGHT', 0.6, 0.5, 0.02), line('SAME', 0.6, 0.5, 0.02), line('SMALL', 0.3, 0.505, 0.02)];
    const expected = readingOrder(lines).map((l) => l.text);
    expect(expected.slice(0, 2)).toEqual(['TITLE', 'TAG']);
    expect(expected.indexOf('LEFT')).toBeLessThan(expected.indexOf('SMALL'));
    let seed = 7;
    for (let t = 0; t < 50; t++) {
      const shuffled = [...lines].sort(() => ((seed = (seed * 48271) % 2147483647) % 3) - 1);
      expect(readingOrder(shuffled).map((l) => l.text)).toEqual(expected);
      expect(readingOrder(shuffled).map((l) => l.order)).toEqual(lines.map((_, i) => i));
    }
  });
});
