/** Per-channel index cost per poster, measured one channel at a time on the same decoded posters. */
import { readFile } from 'node:fs/promises';
import { decodeBounded, decodeForIndex } from '../image/decode.js';
import { greySignature } from '../design/grey-signature.js';
import { colorDescriptor } from '../design/color-histogram.js';
import { rgbBufferToLab } from '../design/color-space.js';
import { ANALYSIS_HEIGHT, ANALYSIS_WIDTH } from '../design/design-features.js';
import { layoutDescriptor } from '../design/layout.js';
import { extractPalette } from '../design/palette.js';
import { FaceModel } from '../models/face-model.js';
import { loadImageModel } from '../models/registry.js';
import { catalogRows } from './catalog-rows.js';
import { round } from './stats.js';

async function msPer<T>(items: T[], fn: (x: T) => unknown): Promise<number> {
  const t = performance.now();
  for (const x of items) await fn(x);
  return round((performance.now() - t) / items.length, 2);
}

export async function benchChannelCost(catalog: string, n = 120, faces = 40) {
  const rows = (await catalogRows(catalog)).filter((r) => r.posterPath);
  const step = Math.floor(rows.length / n);
  const files = Array.from({ length: n }, (_, i) => rows[i * step]!.posterPath!);
  const bytes = await Promise.all(files.map((f) => readFile(f)));
  const model = await loadImageModel();
  const size = { width: 224, height: 224, analysisWidth: ANALYSIS_WIDTH, analysisHeight: ANALYSIS_HEIGHT };
  const decodeMs = await msPer(bytes, (b) => decodeForIndex(b, 'bench', size));
  const decoded = await Promise.all(bytes.map((b) => decodeForIndex(b, 'bench', size)));
  await model.embedBatch(decoded.slice(0, 8).map((d) => d.pixels));
  const t = performance.now();
  for (let i = 0; i < decoded.length; i += 16) await model.embedBatch(decoded.slice(i, i + 16).map((d) => d.pixels));
  const contentMs = round((performance.now() - t) / decoded.length, 2);
  const labs = decoded.map((d) => rgbBufferToLab(d.analysis.data));
  const out: Record<string, number> = {
    decodeAndThumbnailMs: decodeMs,
    contentMs,
    colorHistogramMs: await msPer(labs, (l) => colorDescriptor(l)),
    paletteMs: await msPer(labs, (l) => extractPalette(l)),
    layoutMs: await msPer(decoded, (d) => layoutDescriptor(d.analysis)),
    duplicateSignatureMs: await msPer(decoded, (d) => greySignature(d.analysis)),
  };
  await model.close();
  const faceModel = await FaceModel.load();
  const faceInputs = await Promise.all(bytes.slice(0, faces).map((b) => decodeBounded(b, 'bench', 640)));
  await faceModel.detect(faceInputs[0]!);
  out.facesMs = await msPer(faceInputs, (img) => faceModel.detect(img));
  return { posters: n, facePosters: faces, msPerPoster: out };
}
