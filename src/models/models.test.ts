/** Every model behind the model seam, through the shared conformance suites. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imageModelConformance, syntheticImage, textModelConformance } from './model.conformance.js';
import { ensureMobilenetOnnx, MOBILENET_PREPROCESSING } from './mobilenet-v2.js';
import { loadImageModel, loadTextModel, modelCacheDir } from './registry.js';
import { dot } from '../util/vectors.js';

/** The bundled MobileNet's ONNX file described by a user manifest: the path every brought model takes. */
function manifestFor(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'marquee-manifest-')), 'model.json');
  writeFileSync(file, JSON.stringify({ id: 'mobilenet-by-manifest', version: 'test-1', dimension: 1792, weights: ensureMobilenetOnnx(modelCacheDir()), input: MOBILENET_PREPROCESSING }));
  return file;
}

imageModelConformance('mobilenet-v2-1.4 (built in)', () => loadImageModel('mobilenet-v2-1.4', { threads: 1 }));
imageModelConformance('inception-v3 (built in)', () => loadImageModel('inception-v3', { threads: 1 }));
imageModelConformance('ONNX model from a manifest', () => loadImageModel(manifestFor(), { threads: 1 }));
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

  it('names what is wrong with a model spec or manifest', async () => {
    await expect(loadImageModel('resnet-9000')).rejects.toThrow(/unknown image model "resnet-9000"/);
    const bad = join(mkdtempSync(join(tmpdir(), 'marquee-manifest-')), 'bad.json');
    writeFileSync(bad, JSON.stringify({ id: 'x', version: '1', dimension: 3, weights: './missing.onnx', input: { width: 224, height: 224, layout: 'nchw' } }));
    await expect(loadImageModel(bad)).rejects.toThrow(/bad\.json: weights file .*missing\.onnx does not exist/);
  });
});
