/** Seeded uniform random numbers in [0, 1) (a 32-bit LCG): same seed, same sequence, so folds, layouts and clusters are reproducible. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}
