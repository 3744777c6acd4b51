/**
 * The colour search descriptor: a soft (trilinear) CIELAB histogram, stored as its square
 * root so that the cosine of two descriptors is the Bhattacharyya coefficient of the two
 * colour distributions (a proper similarity on distributions; 1 - it is the Hellinger distance^2).
 */
import { deltaE, type Lab } from './color-space.js';

const L_BINS = 5;
const A_BINS = 8;
const B_BINS = 8;
const L_RANGE: [number, number] = [0, 100];
const AB_RANGE: [number, number] = [-80, 80];
export const COLOR_HISTOGRAM_DIM = L_BINS * A_BINS * B_BINS;

function position(v: number, [lo, hi]: [number, number], bins: number): number {
  const t = ((Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo)) * bins - 0.5;
  return Math.min(bins - 1, Math.max(0, t));
}

/** Lab value at the centre of each bin, for scoring query colours against a histogram. */
export const BIN_CENTRES: Lab[] = (() => {
  const out: Lab[] = [];
  for (let l = 0; l < L_BINS; l++)
    for (let a = 0; a < A_BINS; a++)
      for (let b = 0; b < B_BINS; b++)
        out.push([
          L_RANGE[0] + ((l + 0.5) * (L_RANGE[1] - L_RANGE[0])) / L_BINS,
          AB_RANGE[0] + ((a + 0.5) * (AB_RANGE[1] - AB_RANGE[0])) / A_BINS,
          AB_RANGE[0] + ((b + 0.5) * (AB_RANGE[1] - AB_RANGE[0])) / B_BINS,
        ]);
  return out;
})();

/** Histogram (sums to 1) of interleaved Lab pixels, each pixel split over its 8 nearest bins. */
export function labHistogram(lab: Float32Array): Float32Array {
  const h = new Float32Array(COLOR_HISTOGRAM_DIM);
  const n = lab.length / 3;
  for (let i = 0; i < n; i++) {
    const pl = position(lab[i * 3]!, L_RANGE, L_BINS);
    const pa = position(lab[i * 3 + 1]!, AB_RANGE, A_BINS);
    const pb = position(lab[i * 3 + 2]!, AB_RANGE, B_BINS);
    const l0 = Math.floor(pl), a0 = Math.floor(pa), b0 = Math.floor(pb);
    const fl = pl - l0, fa = pa - a0, fb = pb - b0;
    for (let dl = 0; dl < 2; dl++) {
      const l = Math.min(L_BINS - 1, l0 + dl);
      const wl = dl ? fl : 1 - fl;
      for (let da = 0; da < 2; da++) {
        const a = Math.min(A_BINS - 1, a0 + da);
        const wa = da ? fa : 1 - fa;
        for (let db = 0; db < 2; db++) {
          const b = Math.min(B_BINS - 1, b0 + db);
          const wb = db ? fb : 1 - fb;
          h[(l * A_BINS + a) * B_BINS + b] += wl * wa * wb;
        }
      }
    }
  }
  for (let i = 0; i < h.length; i++) h[i] = h[i]! / n;
  return h;
}

/** The stored descriptor: sqrt of the histogram (unit L2 norm because the histogram sums to 1). */
export function colorDescriptor(lab: Float32Array): Float32Array {
  return labHistogram(lab).map(Math.sqrt);
}

/** How tolerant a palette query is: a pixel within about this ΔE counts as the colour. */
export const PALETTE_QUERY_SIGMA = 12;

/**
 * Per-bin weights for one query colour: exp(-ΔE²/2σ²) between the colour and each bin centre.
 * A poster's presence of the colour = Σ histogram[bin] · weight[bin].
 */
export function colorPresenceWeights(color: Lab, sigma = PALETTE_QUERY_SIGMA): Float32Array {
  return Float32Array.from(BIN_CENTRES, (c) => Math.exp(-(deltaE(color, c) ** 2) / (2 * sigma * sigma)));
}

/**
 * Palette query score of a poster (its colour descriptor = sqrt histogram): the geometric
 * mean over the query colours of how much of the poster is near each colour, so a poster
 * must contain all of them to score well.
 */
export function paletteContainment(descriptor: Float32Array, weights: Float32Array[]): number {
  let logSum = 0;
  for (const w of weights) {
    let presence = 0;
    for (let i = 0; i < w.length; i++) presence += descriptor[i]! * descriptor[i]! * w[i]!;
    logSum += Math.log(1e-4 + presence);
  }
  return Math.exp(logSum / weights.length);
}
