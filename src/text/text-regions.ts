/**
 * Text regions from a DB (differentiable binarisation) probability map, as PaddleOCR's
 * DBPostProcess: threshold the map, take each 8-connected blob, fit the smallest rotated
 * rectangle, score it by the mean probability inside, and grow it back out by
 * area × ratio / perimeter (the network predicts a shrunk text kernel).
 */
import { growRect, insideQuad, minAreaRect, rectCorners, unclipDistance, type Point, type Quad } from './geometry.js';

export interface RegionSettings {
  /** A pixel is text when its probability exceeds this. */
  binaryThreshold: number;
  /** A region is kept when the mean probability inside its rectangle exceeds this. */
  boxThreshold: number;
  /** How far the kernel is grown back (DB's unclip ratio). */
  unclipRatio: number;
  /** Regions whose shorter side is below this many map pixels are noise. */
  minSide: number;
  /** At most this many regions (largest kept). */
  maxRegions: number;
}

export interface TextRegion {
  /** Corners in map pixels, top-left, top-right, bottom-right, bottom-left. */
  quad: Quad;
  /** Mean text probability inside the region before growing. */
  score: number;
}

interface Blob {
  /** Leftmost and rightmost x of each row the blob covers, as hull candidates. */
  extremes: Point[];
  pixels: number;
}

/** 8-connected blobs of pixels over the threshold (iterative flood fill). */
function blobs(prob: Float32Array, width: number, height: number, threshold: number): Blob[] {
  const seen = new Uint8Array(width * height);
  const out: Blob[] = [];
  const stack: number[] = [];
  for (let start = 0; start < prob.length; start++) {
    if (seen[start] || prob[start]! <= threshold) continue;
    seen[start] = 1;
    stack.push(start);
    const rowMin = new Map<number, number>();
    const rowMax = new Map<number, number>();
    let pixels = 0;
    while (stack.length) {
      const i = stack.pop()!;
      const x = i % width;
      const y = (i - x) / width;
      pixels++;
      if (!(x >= (rowMin.get(y) ?? Infinity))) rowMin.set(y, x);
      if (!(x <= (rowMax.get(y) ?? -Infinity))) rowMax.set(y, x);
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const j = ny * width + nx;
          if (seen[j] || prob[j]! <= threshold) continue;
          seen[j] = 1;
          stack.push(j);
        }
      }
    }
    // Pixel squares, not centres: a one-pixel-high blob still has a height of one.
    const extremes: Point[] = [];
    for (const [y, x0] of rowMin) {
      const x1 = rowMax.get(y)!;
      extremes.push({ x: x0, y }, { x: x0, y: y + 1 }, { x: x1 + 1, y }, { x: x1 + 1, y: y + 1 });
    }
    out.push({ extremes, pixels });
  }
  return out;
}

/** Mean probability over the map pixels whose centres fall inside the quad. */
function meanInside(prob: Float32Array, width: number, height: number, quad: Quad): number {
  const xs = quad.map((p) => p.x);
  const ys = quad.map((p) => p.y);
  const x0 = Math.max(0, Math.floor(Math.min(...xs)));
  const x1 = Math.min(width - 1, Math.ceil(Math.max(...xs)));
  const y0 = Math.max(0, Math.floor(Math.min(...ys)));
  const y1 = Math.min(height - 1, Math.ceil(Math.max(...ys)));
  let sum = 0;
  let n = 0;
  for (let y = y0; y <= y1; y++)
    for (let x = x0; x <= x1; x++)
      if (insideQuad(quad, { x: x + 0.5, y: y + 0.5 })) {
        sum += prob[y * width + x]!;
        n++;
      }
  return n ? sum / n : 0;
}

export function textRegions(prob: Float32Array, width: number, height: number, s: RegionSettings): TextRegion[] {
  const found = blobs(prob, width, height, s.binaryThreshold).sort((a, b) => b.pixels - a.pixels).slice(0, s.maxRegions);
  const out: TextRegion[] = [];
  for (const blob of found) {
    const rect = minAreaRect(blob.extremes);
    if (Math.min(rect.width, rect.height) < s.minSide) continue;
    const score = meanInside(prob, width, height, rectCorners(rect));
    if (score < s.boxThreshold) continue;
    const grown = growRect(rect, unclipDistance(rect, s.unclipRatio));
    if (Math.min(grown.width, grown.height) < s.minSide + 2) continue;
    const quad = rectCorners(grown).map((p) => ({ x: Math.min(width, Math.max(0, p.x)), y: Math.min(height, Math.max(0, p.y)) })) as Quad;
    out.push({ quad, score });
  }
  return out;
}
