/**
 * "Why do these match": occlusion sensitivity on the content embedding. Poster A is
 * squashed to the model input, a grey-mean square occluder slides over it on a grid, each
 * occluded version is re-embedded, and the drop of its cosine to B's embedding is credited
 * to the cells the occluder covered. The heat grid is drawn over poster A as a PNG.
 */
import sharp from 'sharp';
import { decodeResized, type RgbImage } from '../image/decode.js';
import type { Embedder } from '../search/embedder.js';
import { dot } from '../util/vectors.js';

/** The model input is divided into CELLS x CELLS cells; the occluder covers OCCLUDER x OCCLUDER cells. */
const CELLS = 14;
const OCCLUDER = 3;

export interface Explanation {
  /** Cosine of A and B's content embeddings. */
  score: number;
  /** CELLS x CELLS heat values in [0, 1], row-major, top row first. */
  heat: number[];
  cells: number;
  png: Buffer;
  seconds: number;
}

function occlude(img: RgbImage, x0: number, y0: number, size: number, fill: [number, number, number]): RgbImage {
  const data = Buffer.from(img.data);
  for (let y = y0; y < Math.min(img.height, y0 + size); y++)
    for (let x = x0; x < Math.min(img.width, x0 + size); x++) {
      const i = (y * img.width + x) * 3;
      data[i] = fill[0];
      data[i + 1] = fill[1];
      data[i + 2] = fill[2];
    }
  return { ...img, data };
}

/** Blue -> cyan -> yellow -> red ramp. */
function ramp(t: number): [number, number, number] {
  const stops: [number, number, number][] = [[0, 0, 255], [0, 255, 255], [255, 255, 0], [255, 0, 0]];
  const x = Math.min(0.999, Math.max(0, t)) * (stops.length - 1);
  const i = Math.floor(x);
  const f = x - i;
  return stops[i]!.map((c, j) => Math.round(c + (stops[i + 1]![j]! - c) * f)) as [number, number, number];
}

/** Draws a cols x rows heat grid (row-major, values in [0, 1]) over the poster. */
export async function renderHeatmap(posterBytes: Buffer, source: string, heat: number[], cells: number, maxSide = 600, rows = cells): Promise<Buffer> {
  const base = await sharp(posterBytes).rotate().flatten({ background: '#ffffff' }).resize(maxSide, maxSide, { fit: 'inside', withoutEnlargement: true }).removeAlpha().toBuffer({ resolveWithObject: true });
  const { width, height } = base.info;
  const overlay = Buffer.alloc(cells * rows * 4);
  heat.forEach((h, i) => {
    const [r, g, b] = ramp(h);
    overlay.set([r, g, b, Math.round(40 + 160 * h)], i * 4);
  });
  const scaled = await sharp(overlay, { raw: { width: cells, height: rows, channels: 4 } }).resize(width, height, { fit: 'fill', kernel: 'cubic' }).png().toBuffer();
  try {
    return await sharp(base.data).composite([{ input: scaled }]).png().toBuffer();
  } catch (err) {
    throw new Error(`${source}: cannot draw heatmap (${(err as Error).message})`);
  }
}

export async function explainMatch(embedder: Embedder, poster: { bytes: Buffer; source: string }, target: Float32Array): Promise<Explanation> {
  const started = performance.now();
  const model = await embedder.getImageModel();
  const { width, height } = model.preprocessing;
  const pixels = await decodeResized(poster.bytes, poster.source, width, height);
  const [base] = await model.embedBatch([pixels]);
  const score = dot(base!, target);
  const mean: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < pixels.data.length; i++) mean[i % 3] += pixels.data[i]!;
  const n = pixels.data.length / 3;
  const fill = mean.map((m) => Math.round(m / n)) as [number, number, number];
  const cw = width / CELLS;
  const ch = height / CELLS;
  const positions: { cx: number; cy: number }[] = [];
  for (let cy = 0; cy + OCCLUDER <= CELLS; cy++) for (let cx = 0; cx + OCCLUDER <= CELLS; cx++) positions.push({ cx, cy });
  const occluded = positions.map(({ cx, cy }) => occlude(pixels, Math.round(cx * cw), Math.round(cy * ch), Math.round(OCCLUDER * cw), fill));
  const vectors = await model.embedBatch(occluded);
  const sum = new Float64Array(CELLS * CELLS);
  const count = new Float64Array(CELLS * CELLS);
  positions.forEach(({ cx, cy }, i) => {
    const drop = Math.max(0, score - dot(vectors[i]!, target));
    for (let y = cy; y < cy + OCCLUDER; y++)
      for (let x = cx; x < cx + OCCLUDER; x++) {
        sum[y * CELLS + x] += drop;
        count[y * CELLS + x] += 1;
      }
  });
  const raw = Array.from(sum, (s, i) => s / Math.max(1, count[i]!));
  const max = Math.max(...raw, 1e-9);
  const heat = raw.map((v) => Math.round((v / max) * 1000) / 1000);
  const png = await renderHeatmap(poster.bytes, poster.source, heat, CELLS);
  return { score: Math.round(score * 1e6) / 1e6, heat, cells: CELLS, png, seconds: (performance.now() - started) / 1000 };
}
