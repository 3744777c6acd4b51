import type { RgbImage } from '../image/decode.js';
import type { ImagePreprocessing } from './types.js';

/** Packs RGB8 images into one float32 batch tensor following the model's preprocessing. */
export function packBatch(images: RgbImage[], pre: ImagePreprocessing): Float32Array {
  const { width, height, layout, mean, std } = pre;
  const plane = width * height;
  const out = new Float32Array(images.length * plane * 3);
  const scale = [1 / (255 * std[0]), 1 / (255 * std[1]), 1 / (255 * std[2])] as const;
  const offset = [mean[0] / std[0], mean[1] / std[1], mean[2] / std[2]] as const;
  images.forEach((img, b) => {
    if (img.width !== width || img.height !== height) throw new Error(`image is ${img.width}x${img.height}, model expects ${width}x${height}`);
    const src = img.data;
    const base = b * plane * 3;
    if (layout === 'nchw') {
      for (let c = 0; c < 3; c++) {
        const dst = base + c * plane;
        const s = scale[c]!;
        const o = offset[c]!;
        for (let p = 0; p < plane; p++) out[dst + p] = src[p * 3 + c]! * s - o;
      }
    } else {
      for (let p = 0; p < plane * 3; p++) out[base + p] = src[p]! * scale[p % 3]! - offset[p % 3]!;
    }
  });
  return out;
}
