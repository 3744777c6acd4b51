/**
 * The built-in image model: ImageNet MobileNetV2-1.4 from nsfwjs@4.4.0, converted once
 * to ONNX by our converter and cached on disk (keyed by source + converter version).
 */
import { cachedConversion } from './converted-cache.js';
import { installedPackageVersion, loadBrowserifiedGraphModel, nsfwjsMobilenetDir } from './tfjs-graph-source.js';
import { convertTfjsGraphToOnnx } from './tfjs-to-onnx.js';
import type { ImagePreprocessing } from './types.js';

export const MOBILENET_ID = 'mobilenet-v2-1.4';
export const MOBILENET_FEATURE_NODE_SUFFIX = 'feature_vector/SpatialSqueeze';
/** Bump when the converter's output for this model changes. */
const CONVERTER_VERSION = 1;

/** The tfjs graph expects NHWC pixels in [0,1] (it maps them to [-1,1] itself); our ONNX keeps that but is NCHW. */
export const MOBILENET_PREPROCESSING: ImagePreprocessing = {
  width: 224,
  height: 224,
  layout: 'nchw',
  mean: [0, 0, 0],
  std: [1, 1, 1],
};

export function mobilenetVersion(): string {
  return `nsfwjs@${installedPackageVersion('nsfwjs')}/mobilenet_v2_mid/onnx-c${CONVERTER_VERSION}`;
}

export function mobilenetFeatureNode(nodes: { name: string }[]): string {
  const node = nodes.find((n) => n.name.endsWith(MOBILENET_FEATURE_NODE_SUFFIX));
  if (!node) throw new Error(`nsfwjs model has no ${MOBILENET_FEATURE_NODE_SUFFIX} node`);
  return node.name;
}

/** Returns the path of the cached ONNX file, converting it first if needed. */
export function ensureMobilenetOnnx(cacheDir: string): string {
  const version = mobilenetVersion();
  return cachedConversion(cacheDir, MOBILENET_ID, version, () => {
    const artifacts = loadBrowserifiedGraphModel(nsfwjsMobilenetDir());
    return convertTfjsGraphToOnnx(artifacts, {
      outputNode: mobilenetFeatureNode(artifacts.json.modelTopology.node),
      inputSize: 224,
      producerVersion: version,
    });
  });
}
