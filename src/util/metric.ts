/**
 * How a model's vectors are compared: the metric its makers ranked by. Cosine for CLIP-style
 * models; Euclidean (`l2`) or raw inner product (`dot`) for CNN features kept unnormalised, as
 * the ResNet/VGG comparisons in the literature do. Every similarity is "higher is closer":
 * cosine and dot as they are, l2 as the negative distance. For unit vectors the three rank alike.
 */
import { dot } from './vectors.js';

export const METRICS = ['cosine', 'l2', 'dot'] as const;
export type Metric = (typeof METRICS)[number];

export function isMetric(v: unknown): v is Metric {
  return typeof v === 'string' && (METRICS as readonly string[]).includes(v);
}

/** Similarity of a and b under the metric (higher is closer). */
export function similarity(metric: Metric, a: Float32Array, b: Float32Array): number {
  if (metric === 'dot') return dot(a, b);
  if (metric === 'l2') {
    let s = 0;
    for (let i = 0; i < a.length; i++) {
      const d = a[i]! - b[i]!;
      s += d * d;
    }
    return -Math.sqrt(s);
  }
  const n = Math.sqrt(dot(a, a) * dot(b, b));
  return n ? dot(a, b) / n : 0;
}

/**
 * Similarity from an inner product and the two squared norms (what an index that keeps norms
 * can compute with one dot product per row).
 */
export function similarityFromDot(metric: Metric, ab: number, aa: number, bb: number): number {
  if (metric === 'dot') return ab;
  if (metric === 'l2') return -Math.sqrt(Math.max(0, aa - 2 * ab + bb));
  const n = Math.sqrt(aa * bb);
  return n ? ab / n : 0;
}
