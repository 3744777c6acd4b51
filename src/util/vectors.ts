/** Small dense-vector helpers shared by search, analysis and stills. */

/** Inner product; the cosine for L2-normalised vectors. */
export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Scales v to unit length in place (a zero vector stays zero) and returns it. */
export function l2normalize(v: Float32Array): Float32Array {
  const n = Math.sqrt(dot(v, v)) || 1;
  for (let i = 0; i < v.length; i++) v[i] = v[i]! / n;
  return v;
}

/** Component-wise mean (in float64, so thousands of vectors add up exactly enough). */
export function meanVector(vs: Float32Array[]): Float64Array {
  const m = new Float64Array(vs[0]?.length ?? 0);
  for (const v of vs) for (let i = 0; i < m.length; i++) m[i]! += v[i]! / vs.length;
  return m;
}

/** v minus `mean`, re-normalised: a new vector. */
export function centreOn(v: Float32Array, mean: Float64Array): Float32Array {
  return l2normalize(Float32Array.from(v, (x, i) => x - mean[i]!));
}

/**
 * Centres embeddings on their own mean and re-normalises them: ReLU features and colour
 * histograms share a large common component that compresses every cosine towards 1.
 */
export function centre(vs: Float32Array[]): Float32Array[] {
  const mean = meanVector(vs);
  return vs.map((v) => centreOn(v, mean));
}
