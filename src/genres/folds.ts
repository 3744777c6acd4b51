/** Deterministic k-fold assignment by movie: every movie is in exactly one fold. */
import { seededRandom } from '../util/random.js';

/** fold[i] in 0..k-1 for n movies, balanced sizes, shuffled with the seed. */
export function assignFolds(n: number, k: number, seed: number): Int32Array {
  const order = Array.from({ length: n }, (_, i) => i);
  const rand = seededRandom(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const fold = new Int32Array(n);
  order.forEach((movie, position) => (fold[movie] = position % k));
  return fold;
}

