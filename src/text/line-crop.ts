/**
 * Cuts a text line out of an image as PaddleOCR's recogniser expects it: the rotated quad warped
 * to an upright strip (bilinear), BGR channel order, (x/255 − 0.5)/0.5, written straight into a
 * batch tensor (NCHW) with the unused right part left at 0 (PaddleOCR's padding).
 */
import type { RgbImage } from '../image/decode.js';
import { distance, type Quad } from './geometry.js';

/** Width over height of the quad's upright strip. */
export function quadAspect(q: Quad): number {
  const h = distance(q[0], q[3]);
  return h === 0 ? 0 : distance(q[0], q[1]) / h;
}

/**
 * A quad much taller than wide holds vertical text (or a poster turned 90°): turn it a quarter
 * counter-clockwise, as PaddleOCR does for crops with height ≥ 1.5 × width. The 0/180° classifier
 * then fixes strips that end up upside down.
 */
export function uprightQuad(q: Quad): Quad {
  const w = distance(q[0], q[1]);
  const h = distance(q[0], q[3]);
  return h >= 1.5 * w ? [q[1], q[2], q[3], q[0]] : q;
}

/** The same strip turned half a turn. */
export const flippedQuad = (q: Quad): Quad => [q[2], q[3], q[0], q[1]];

/**
 * Samples the quad into tensor[index] (shape [n, 3, height, tensorWidth]) over `width` columns.
 */
export function sampleQuad(img: RgbImage, q: Quad, tensor: Float32Array, index: number, height: number, tensorWidth: number, width: number): void {
  const plane = height * tensorWidth;
  const base = index * 3 * plane;
  const [p0, p1, , p3] = q;
  const ux = (p1.x - p0.x) / width;
  const uy = (p1.y - p0.y) / width;
  const vx = (p3.x - p0.x) / height;
  const vy = (p3.y - p0.y) / height;
  const { data, width: iw, height: ih } = img;
  for (let v = 0; v < height; v++) {
    for (let u = 0; u < width; u++) {
      // Centre of the output pixel mapped into the source, then to source pixel-centre coordinates.
      const sx = p0.x + (u + 0.5) * ux + (v + 0.5) * vx - 0.5;
      const sy = p0.y + (u + 0.5) * uy + (v + 0.5) * vy - 0.5;
      const x0 = Math.max(0, Math.min(iw - 1, Math.floor(sx)));
      const y0 = Math.max(0, Math.min(ih - 1, Math.floor(sy)));
      const x1 = Math.min(iw - 1, x0 + 1);
      const y1 = Math.min(ih - 1, y0 + 1);
      const fx = Math.max(0, Math.min(1, sx - x0));
      const fy = Math.max(0, Math.min(1, sy - y0));
      const o = v * tensorWidth + u;
      for (let c = 0; c < 3; c++) {
        const a = data[(y0 * iw + x0) * 3 + c]!;
        const b = data[(y0 * iw + x1) * 3 + c]!;
        const d = data[(y1 * iw + x0) * 3 + c]!;
        const e = data[(y1 * iw + x1) * 3 + c]!;
        const value = (a * (1 - fx) + b * fx) * (1 - fy) + (d * (1 - fx) + e * fx) * fy;
        // RGB source, BGR tensor.
        tensor[base + (2 - c) * plane + o] = (value / 255 - 0.5) / 0.5;
      }
    }
  }
}
