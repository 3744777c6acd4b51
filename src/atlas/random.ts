/** Seeded uniform random numbers in [0, 1) (LCG): the atlas's layouts are reproducible. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}
