/** The compiled needle (bit-parallel and cut-off) agrees with the plain programme on every distance within its cap. */
import { describe, expect, it } from 'vitest';
import { containment, needleOf, substringDistance } from './fuzzy.js';

/** A small deterministic generator (mulberry32): the same strings on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const word = (next: () => number, length: number, letters: string) => Array.from({ length }, () => letters[Math.floor(next() * letters.length)]).join('');

describe('needleOf', () => {
  it('gives the same distance as the plain programme, capped, for needles short (one machine word) and long', () => {
    const next = random(7);
    let checked = 0;
    for (let n = 0; n < 3000; n++) {
      const letters = n % 3 === 0 ? 'ab' : n % 3 === 1 ? 'abcd' : 'abcdefghijklmnopqrstuvwxyz';
      const needle = word(next, 1 + Math.floor(next() * 70), letters);
      const hay = next() < 0.5 ? word(next, Math.floor(next() * 90), letters) : word(next, 5, letters) + needle.slice(2, -1) + word(next, 7, letters);
      const exact = substringDistance(needle, hay);
      const max = Math.floor(next() * (needle.length + 2));
      expect(needleOf(needle).distanceWithin(hay, max), `${needle} in ${hay} within ${max}`).toBe(Math.min(exact, max + 1));
      checked++;
    }
    expect(checked).toBe(3000);
  });

  it('gives the containment when it reaches the bar, and less than the bar otherwise', () => {
    const n = needleOf('inspacenoonecanhearyouscream');
    expect(n.containmentAtLeast('xxinspacenoonecanhearyouscreamxx', 0.9)).toBe(1);
    expect(n.containmentAtLeast('inspacenoonecanhearyouscrean', 0.9)).toBeCloseTo(containment(n.text, 'inspacenoonecanhearyouscrean'), 10);
    expect(n.containmentAtLeast('outerspace', 0.5)).toBeLessThan(0.5);
    const long = needleOf('a'.repeat(40) + 'b'.repeat(40));
    expect(long.containmentAtLeast('a'.repeat(40) + 'b'.repeat(38), 0.9)).toBeCloseTo(1 - 2 / 80, 10);
    expect(needleOf('').containmentAtLeast('abc', 0.5)).toBe(0);
  });
});
