/** Every model behind the model seam, through the shared conformance suites. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imageModelConformance, syntheticImage, textModelConformance } from '../../src/models/model.conformance.js';
import { ensureMobilenetOnnx, MOBILENET_PREPROCESSING } from '../../src/models/mobilenet-v2.js';
import { loadImageModel, loadTextModel, modelCacheDir } from '../../src/models/registry.js';
import { dot } from '../../src/util/vectors.js';

/** The bundled MobileNet's ONNX file described by a user manifest: the path every brought model takes. */
function manifestFor(extra: Record<string, unknown> = {}): string {
  const file = join(mkdtempSync(join(tmpdir(), 'marquee-manifest-')), 'model.json');
  writeFileSync(file, JSON.stringify({ id: 'mobilenet-by-manifest', version: 'test-1', dimension: 1792, weights: ensureMobilenetOnnx(modelCacheDir()), input: MOBILENET_PREPROCESSING, ...extra }));
  return file;
}

imageModelConformance('mobilenet-v2-1.4 (built in)', () => loadImageModel('mobilenet-v2-1.4', { threads: 1 }));
imageModelConformance('inception-v3 (built in)', () => loadImageModel('inception-v3', { threads: 1 }));
imageModelConformance('ONNX model from a manifest', () => loadImageModel(manifestFor(), { threads: 1 }));
imageModelConformance('ONNX model from a manifest, unnormalised, l2', () => loadImageModel(manifestFor({ metric: 'l2', normalize: false }), { threads: 1 }));
textModelConformance('USE lite, in-process', () => loadTextModel({ workers: 0 }));

describe('model registry', () => {
  it('a manifest of the same weights gives the built-in model\'s vectors', async () => {
    const [a, b] = await Promise.all([loadImageModel('mobilenet-v2-1.4', { threads: 1 }), loadImageModel(manifestFor(), { threads: 1 })]);
    try {
      const img = syntheticImage(a.preprocessing.width, a.preprocessing.height, 9);
      const [[va], [vb]] = await Promise.all([a.embedBatch([img]), b.embedBatch([img])]);
      expect(dot(va!, vb!)).toBeGreaterThan(0.99999);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('keeps raw feature lengths when a manifest says normalize: false, and its metric', async () => {
    const [unit, raw] = await Promise.all([loadImageModel(manifestFor(), { threads: 1 }), loadImageModel(manifestFor({ metric: 'l2', normalize: false }), { threads: 1 })]);
    try {
      expect([unit.metric, unit.normalize, raw.metric, raw.normalize]).toEqual(['cosine', true, 'l2', false]);
      const images = [3, 4].map((seed) => syntheticImage(raw.preprocessing.width, raw.preprocessing.height, seed));
      const [u, r] = await Promise.all([unit.embedBatch(images), raw.embedBatch(images)]);
      const lengths = r.map((v) => Math.sqrt(dot(v, v)));
      expect(Math.abs(lengths[0]! - 1)).toBeGreaterThan(0.1);
      expect(Math.abs(lengths[0]! - lengths[1]!)).toBeGreaterThan(1e-3);
      r.forEach((v, i) => expect(dot(v, u[i]!) / lengths[i]!).toBeGreaterThan(0.9999)); // same direction
    } finally {
      await Promise.all([unit.close(), raw.close()]);
    }
  });

  it('names what is wrong with a model spec or manifest', async () => {
    await expect(loadImageModel(manifestFor({ metric: 'manhattan' }))).rejects.toThrow(/model\.json: metric must be one of cosine, l2, dot \(not "manhattan"\)/);
    await expect(loadImageModel(manifestFor({ normalize: 'yes' }))).rejects.toThrow(/model\.json: normalize must be true or false/);
    await expect(loadImageModel('resnet-9000')).rejects.toThrow(/unknown image model "resnet-9000"/);
    const bad = join(mkdtempSync(join(tmpdir(), 'marquee-manifest-')), 'bad.json');
    writeFileSync(bad, JSON.stringify({ id: 'x', version: '1', dimension: 3, weights: '../../src/models/missing.onnx', input: { width: 224, height: 224, layout: 'nchw' } }));
    await expect(loadImageModel(bad)).rejects.toThrow(/bad\.json: weights file .*missing\.onnx does not exist/);
  });
});
