/** Pixel blend of two designs: two decoded images of one size mixed per pixel. */
import type { RgbImage } from './decode.js';

/** Returns (1 − mix)·a + mix·b, rounded to RGB8; both images must have the same size. */
export function blendRgb(a: RgbImage, b: RgbImage, mix: number): RgbImage {
  if (!(mix >= 0 && mix <= 1)) throw new Error(`mix must be between 0 and 1, got ${mix}`);
  if (a.width !== b.width || a.height !== b.height) throw new Error(`cannot blend a ${a.width}x${a.height} image with a ${b.width}x${b.height} one`);
  const out = Buffer.alloc(a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.round((1 - mix) * a.data[i]! + mix * b.data[i]!);
  return { width: a.width, height: a.height, data: out };
}
