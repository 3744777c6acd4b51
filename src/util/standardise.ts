/** Zero mean, unit variance (a constant vector becomes all zeros). */
export function standardise(v: Float32Array): Float32Array {
  let mean = 0;
  for (const x of v) mean += x;
  mean /= v.length;
  let sq = 0;
  for (const x of v) sq += (x - mean) ** 2;
  const std = Math.sqrt(sq / v.length) || 1;
  return v.map((x) => (x - mean) / std);
}
