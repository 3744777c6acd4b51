/** Pixel blend of two designs: both squashed to one size and mixed per pixel. */
import { decodeResized, type RgbImage } from './decode.js';

/** Returns (1-mix)*a + mix*b as RGB8 at width x height. */
export async function blendImages(a: Buffer, aSource: string, b: Buffer, bSource: string, mix: number, width = 448, height = 672): Promise<RgbImage> {
  if (!(mix >= 0 && mix <= 1)) throw new Error(`mix must be between 0 and 1, got ${mix}`);
  const [pa, pb] = await Promise.all([decodeResized(a, aSource, width, height), decodeResized(b, bSource, width, height)]);
  const out = Buffer.alloc(pa.data.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.round((1 - mix) * pa.data[i]! + mix * pb.data[i]!);
  return { width, height, data: out };
}
