/**
 * Near-duplicate verification: the best normalised cross-correlation of two small grey
 * images over a few scales and shifts, so crops, resizes, re-encodes and recolourings of one
 * artwork score near 1 while different posters with similar content do not.
 */
import { GREY_H, GREY_W } from '../design/grey-signature.js';

/** Below this unaligned correlation a pair is not searched further (planted crops/resizes measured >= 0.6 unaligned). */
const EARLY_REJECT = 0.3;
const SCALES = [0.88, 0.94, 1, 1.06, 1.12];
const SHIFTS = [-2, -1, 0, 1, 2];

/** B resampled around its centre at scale s and shifted by (dx, dy) pixels, compared with A over the overlap. */
function ncc(a: Float32Array, b: Float32Array, s: number, dx: number, dy: number): number {
  let sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0, n = 0;
  const cx = (GREY_W - 1) / 2;
  const cy = (GREY_H - 1) / 2;
  for (let y = 0; y < GREY_H; y++) {
    const by = (y - cy) * s + cy + dy;
    if (by < 0 || by > GREY_H - 1) continue;
    const y0 = Math.floor(by);
    const y1 = Math.min(GREY_H - 1, y0 + 1);
    const fy = by - y0;
    for (let x = 0; x < GREY_W; x++) {
      const bx = (x - cx) * s + cx + dx;
      if (bx < 0 || bx > GREY_W - 1) continue;
      const x0 = Math.floor(bx);
      const x1 = Math.min(GREY_W - 1, x0 + 1);
      const fx = bx - x0;
      const vb =
        (1 - fy) * ((1 - fx) * b[y0 * GREY_W + x0]! + fx * b[y0 * GREY_W + x1]!) + fy * ((1 - fx) * b[y1 * GREY_W + x0]! + fx * b[y1 * GREY_W + x1]!);
      const va = a[y * GREY_W + x]!;
      sa += va;
      sb += vb;
      saa += va * va;
      sbb += vb * vb;
      sab += va * vb;
      n++;
    }
  }
  if (n < (GREY_W * GREY_H) / 2) return -1;
  const cov = sab / n - (sa / n) * (sb / n);
  const va = saa / n - (sa / n) ** 2;
  const vb = sbb / n - (sb / n) ** 2;
  return cov / Math.sqrt(Math.max(va * vb, 1e-12));
}

/**
 * Best correlation over scales and shifts, coarse to fine: the best scale (trying both
 * directions) without shift first, then every shift at that scale.
 */
export function alignedSimilarity(a: Float32Array, b: Float32Array): number {
  // Different artworks rarely correlate even unaligned; skip the search for them.
  let best = ncc(a, b, 1, 0, 0);
  if (best < EARLY_REJECT) return best;
  let bestScale = 1;
  let swap = false;
  for (const s of SCALES) {
    if (s === 1) continue;
    const forward = ncc(a, b, s, 0, 0);
    const backward = ncc(b, a, s, 0, 0);
    if (forward > best) (best = forward), (bestScale = s), (swap = false);
    if (backward > best) (best = backward), (bestScale = s), (swap = true);
  }
  const [x, y] = swap ? [b, a] : [a, b];
  for (const dy of SHIFTS)
    for (const dx of SHIFTS) if (dx !== 0 || dy !== 0) best = Math.max(best, ncc(x, y, bestScale, dx, dy));
  return best;
}
