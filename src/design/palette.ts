/** Dominant colours: k-means in CIELAB over the poster's pixels, with each colour's share. */
import { labToRgb, rgbToHex, type Lab } from './color-space.js';
import { kmeans3Subsampled } from './kmeans-lab.js';

export interface PaletteColor {
  hex: string;
  lab: Lab;
  /** Fraction of the poster's pixels in this colour (shares sum to 1). */
  share: number;
}

export const PALETTE_SIZE = 6;

/** Lab pixels (interleaved) -> up to k colours, largest share first. Deterministic (fixed seed). */
export function extractPalette(lab: Float32Array, k = PALETTE_SIZE): PaletteColor[] {
  const n = lab.length / 3;
  const { centroids, counts } = kmeans3Subsampled(lab, k, 3);
  const out: PaletteColor[] = [];
  for (let c = 0; c < k; c++) {
    if (counts[c]! === 0) continue;
    const center: Lab = [centroids[c * 3]!, centroids[c * 3 + 1]!, centroids[c * 3 + 2]!];
    out.push({ hex: rgbToHex(labToRgb(center)), lab: center.map((v) => Math.round(v * 100) / 100) as Lab, share: counts[c]! / n });
  }
  return out.sort((a, b) => b.share - a.share);
}
