/** Deterministic k-fold assignment by movie: every movie is in exactly one fold. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** fold[i] in 0..k-1 for n movies, balanced sizes, shuffled with the seed. */
export function assignFolds(n: number, k: number, seed: number): Int32Array {
  const order = Array.from({ length: n }, (_, i) => i);
  const rand = lcg(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const fold = new Int32Array(n);
  order.forEach((movie, position) => (fold[movie] = position % k));
  return fold;
}

export function seededRandom(seed: number): () => number {
  return lcg(seed);
}
