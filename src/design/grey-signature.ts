/**
 * The grey signature: a small standardised luma image of the poster, stored as a channel and
 * used (by analysis/aligned-similarity) to verify near-duplicates across crops and resizes.
 */
import type { RgbImage } from '../image/decode.js';
import { standardise } from '../util/standardise.js';

export const GREY_W = 32;
export const GREY_H = 48;
export const SIGNATURE_MODEL = { id: 'grey-32x48', version: '1', dimension: GREY_W * GREY_H } as const;

/** Grey (Rec. 601 luma) signature at GREY_W x GREY_H from the analysis image (an exact multiple), standardised. */
export function greySignature(img: RgbImage): Float32Array {
  const fx = img.width / GREY_W;
  const fy = img.height / GREY_H;
  if (!Number.isInteger(fx) || !Number.isInteger(fy)) throw new Error(`analysis image ${img.width}x${img.height} is not a multiple of ${GREY_W}x${GREY_H}`);
  const out = new Float32Array(GREY_W * GREY_H);
  for (let y = 0; y < img.height; y++)
    for (let x = 0; x < img.width; x++) {
      const i = (y * img.width + x) * 3;
      const cell = Math.floor(y / fy) * GREY_W + Math.floor(x / fx);
      out[cell] = out[cell]! + 0.299 * img.data[i]! + 0.587 * img.data[i + 1]! + 0.114 * img.data[i + 2]!;
    }
  return standardise(out);
}
