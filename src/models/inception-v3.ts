/**
 * The second bundled image model: ImageNet InceptionV3 from nsfwjs@4.4.0 (a Keras model in
 * tfjs layers format whose convolutional base was frozen while nsfwjs trained its head), cut at
 * the global average pool (2048-d) and converted to ONNX by our Keras converter, cached on disk.
 */
import { cachedConversion } from './converted-cache.js';
import { convertKerasToOnnx, type KerasModelTopology } from './keras-to-onnx.js';
import { installedPackageVersion, loadBrowserifiedModel, nsfwjsModelDir } from './tfjs-graph-source.js';
import type { ImagePreprocessing } from './types.js';

export const INCEPTION_ID = 'inception-v3';
export const INCEPTION_DIMENSION = 2048;
/** The layer after the 8×8 average pool over mixed10. */
export const INCEPTION_FEATURE_LAYER = 'flatten_1';
/** Bump when the converter's output for this model changes. */
const CONVERTER_VERSION = 1;

/**
 * Keras' InceptionV3 preprocessing, pixels mapped to [-1, 1] (the ImageNet training's). nsfwjs
 * itself feeds [0, 1]; both were measured on the demo catalog (npm run bench -- models).
 */
export const INCEPTION_PREPROCESSING: ImagePreprocessing = {
  width: 299,
  height: 299,
  layout: 'nchw',
  mean: [0.5, 0.5, 0.5],
  std: [0.5, 0.5, 0.5],
};

export function inceptionVersion(): string {
  return `nsfwjs@${installedPackageVersion('nsfwjs')}/inception_v3/${INCEPTION_FEATURE_LAYER}/onnx-k${CONVERTER_VERSION}`;
}

/** Returns the path of the cached ONNX file, converting it first if needed. */
export function ensureInceptionOnnx(cacheDir: string): string {
  const version = inceptionVersion();
  return cachedConversion(cacheDir, INCEPTION_ID, version, () => {
    const model = loadBrowserifiedModel(nsfwjsModelDir('inception_v3'));
    return convertKerasToOnnx(model.json.modelTopology as KerasModelTopology, model, {
      outputLayer: INCEPTION_FEATURE_LAYER,
      inputSize: 299,
      producerVersion: version,
    });
  });
}
