/** Our ONNX conversions of the nsfwjs MobileNetV2-1.4 (tfjs graph) and InceptionV3 (Keras layers) backbones agree with tfjs on real posters. */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { decodeResized } from '../../dist/image/decode.js';
import { loadImageModel } from '../../dist/models/registry.js';
import { INCEPTION_FEATURE_LAYER, INCEPTION_PREPROCESSING } from '../../dist/models/inception-v3.js';
import { MOBILENET_PREPROCESSING, mobilenetFeatureNode } from '../../dist/models/mobilenet-v2.js';
import { loadBrowserifiedGraphModel, loadBrowserifiedModel, nsfwjsMobilenetDir, nsfwjsModelDir } from '../../dist/models/tfjs-graph-source.js';
import { cosine, POSTERS, spreadRows } from '../helpers.js';

const require = createRequire(import.meta.url);


async function wasmBackend(): Promise<void> {
  setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  await tf.setBackend('wasm');
}

describe('ONNX conversion', () => {
  it('MobileNetV2 matches the tfjs reference (cosine >= 0.999) on real posters', async () => {
    await wasmBackend();
    const artifacts = loadBrowserifiedGraphModel(nsfwjsMobilenetDir());
    const reference = await tf.loadGraphModel(
      tf.io.fromMemory({ modelTopology: artifacts.json.modelTopology, weightSpecs: artifacts.weightSpecs as tf.io.WeightsManifestEntry[], weightData: artifacts.weightData }),
    );
    const output = mobilenetFeatureNode(artifacts.json.modelTopology.node);
    const onnx = await loadImageModel();
    const { width, height } = MOBILENET_PREPROCESSING;
    const rows = spreadRows(12, 4);
    const images = await Promise.all(rows.map((r) => decodeResized(readFileSync(join(POSTERS, `${r.id}.jpg`)), r.id!, width, height)));
    const ours = await onnx.embedBatch(images);
    for (let i = 0; i < images.length; i++) {
      const nhwc = Float32Array.from(images[i]!.data, (v) => v / 255);
      const y = reference.execute(tf.tensor4d(nhwc, [1, height, width, 3]), output) as tf.Tensor;
      const ref = new Float32Array(await y.data());
      y.dispose();
      expect(ref.length).toBe(1792);
      expect(cosine(ref, ours[i]!)).toBeGreaterThanOrEqual(0.999);
    }
    // Different posters really differ: the check above is not trivially satisfied.
    expect(cosine(ours[0]!, ours[1]!)).toBeLessThan(0.95);
    await onnx.close();
  });

  it('InceptionV3 matches the tfjs layers model (cosine >= 0.999) on real posters', async () => {
    await wasmBackend();
    const artifacts = loadBrowserifiedModel(nsfwjsModelDir('inception_v3'));
    const full = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: artifacts.json.modelTopology as object, weightSpecs: artifacts.weightSpecs as tf.io.WeightsManifestEntry[], weightData: artifacts.weightData }),
    );
    const reference = tf.model({ inputs: full.inputs, outputs: full.getLayer(INCEPTION_FEATURE_LAYER).output as tf.SymbolicTensor });
    const onnx = await loadImageModel('inception-v3');
    const { width, height } = INCEPTION_PREPROCESSING;
    const rows = spreadRows(6, 7);
    const images = await Promise.all(rows.map((r) => decodeResized(readFileSync(join(POSTERS, `${r.id}.jpg`)), r.id!, width, height)));
    const ours = await onnx.embedBatch(images);
    for (let i = 0; i < images.length; i++) {
      const nhwc = Float32Array.from(images[i]!.data, (v) => v / 127.5 - 1);
      const y = reference.predict(tf.tensor4d(nhwc, [1, height, width, 3])) as tf.Tensor;
      const ref = new Float32Array(await y.data());
      y.dispose();
      expect(ref.length).toBe(2048);
      expect(cosine(ref, ours[i]!)).toBeGreaterThanOrEqual(0.999);
    }
    expect(cosine(ours[0]!, ours[1]!)).toBeLessThan(0.95);
    await onnx.close();
  });
});
