/**
 * Composition descriptor: where the light/dark masses and the edges sit. The poster is
 * blurred at low resolution, then pooled into a GRID_W x GRID_H grid of mean luminance and
 * of edge energy (Sobel magnitude). Each half is standardised (zero mean, unit variance) so
 * global brightness, contrast and colour changes do not matter; the halves are concatenated
 * with equal weight. Cosine similarity compares layouts.
 */
import type { RgbImage } from '../image/decode.js';
import { l2normalize } from '../models/types.js';
import { rgbBufferToLab } from './color-space.js';
import { standardise } from '../util/standardise.js';

export const GRID_W = 8;
export const GRID_H = 12;
export const LAYOUT_DIM = GRID_W * GRID_H * 2;

function boxBlur(src: Float32Array, w: number, h: number, r: number): Float32Array {
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let s = 0, n = 0;
      for (let dx = -r; dx <= r; dx++) {
        const xx = x + dx;
        if (xx >= 0 && xx < w) (s += src[y * w + xx]!), n++;
      }
      tmp[y * w + x] = s / n;
    }
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let s = 0, n = 0;
      for (let dy = -r; dy <= r; dy++) {
        const yy = y + dy;
        if (yy >= 0 && yy < h) (s += tmp[yy * w + x]!), n++;
      }
      out[y * w + x] = s / n;
    }
  return out;
}

/** `img` should be the analysis image (a multiple of the grid size, e.g. 64x96). */
export function layoutDescriptor(img: RgbImage, labPixels?: Float32Array): Float32Array {
  const { mass, energy } = layoutGrids(img, labPixels);
  const out = new Float32Array(LAYOUT_DIM);
  out.set(mass, 0);
  out.set(energy, GRID_W * GRID_H);
  return l2normalize(out);
}

/** The two standardised GRID_W x GRID_H grids (row-major, top row first): luminance mass and edge energy. */
export function layoutGrids(img: RgbImage, labPixels?: Float32Array): { mass: Float32Array; energy: Float32Array } {
  const { width: w, height: h } = img;
  const lab = labPixels ?? rgbBufferToLab(img.data);
  const lum = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) lum[i] = lab[i * 3]!;
  const blurred = boxBlur(lum, w, h, 2);
  const edges = new Float32Array(w * h);
  for (let y = 1; y < h - 1; y++)
    for (let x = 1; x < w - 1; x++) {
      const p = (dx: number, dy: number) => lum[(y + dy) * w + x + dx]!;
      const gx = p(1, -1) + 2 * p(1, 0) + p(1, 1) - p(-1, -1) - 2 * p(-1, 0) - p(-1, 1);
      const gy = p(-1, 1) + 2 * p(0, 1) + p(1, 1) - p(-1, -1) - 2 * p(0, -1) - p(1, -1);
      edges[y * w + x] = Math.hypot(gx, gy);
    }
  const edgesBlurred = boxBlur(edges, w, h, 2);
  const mass = new Float32Array(GRID_W * GRID_H);
  const energy = new Float32Array(GRID_W * GRID_H);
  const cw = w / GRID_W;
  const ch = h / GRID_H;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const cell = Math.min(GRID_H - 1, Math.floor(y / ch)) * GRID_W + Math.min(GRID_W - 1, Math.floor(x / cw));
      mass[cell] = mass[cell]! + blurred[y * w + x]!;
      energy[cell] = energy[cell]! + edgesBlurred[y * w + x]!;
    }
  return { mass: standardise(mass), energy: standardise(energy) };
}
