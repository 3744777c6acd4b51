/**
 * Faces: detection (SSD MobileNetV1), landmarks and 128-d face descriptors from
 * @vladmandic/face-api with its bundled weights, run on tfjs's wasm backend.
 * Two descriptors closer than SAME_FACE_DISTANCE (Euclidean) are the same person
 * (face-api's recommended threshold).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RgbImage } from '../image/decode.js';
import { installedPackageVersion } from './tfjs-graph-source.js';

const require = createRequire(import.meta.url);

export const SAME_FACE_DISTANCE = 0.6;

export interface DetectedFace {
  /** Box as fractions of the image width/height. */
  box: { x: number; y: number; width: number; height: number };
  score: number;
  descriptor: Float32Array;
}

/** The small part of tfjs and face-api this module uses. */
interface Tensor {
  dispose(): void;
}
interface Tfjs {
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  tensor3d(data: Int32Array, shape: [number, number, number], dtype: 'int32'): Tensor;
}
interface FaceApiResult {
  detection: { score: number; box: { x: number; y: number; width: number; height: number } };
  descriptor: Float32Array;
}
interface FaceApi {
  nets: Record<'ssdMobilenetv1' | 'faceLandmark68Net' | 'faceRecognitionNet', { loadFromDisk(dir: string): Promise<void> }>;
  SsdMobilenetv1Options: new (o: { minConfidence: number }) => unknown;
  detectAllFaces(input: Tensor, options: unknown): { withFaceLandmarks(): { withFaceDescriptors(): Promise<FaceApiResult[]> } };
}

export class FaceModel {
  readonly id = 'face-api-ssd-mobilenetv1-recognition';
  readonly version = `face-api@${installedPackageVersion('@vladmandic/face-api')}`;
  readonly dimension = 128;

  private constructor(
    private readonly tf: Tfjs,
    private readonly api: FaceApi,
    private readonly minConfidence: number,
  ) {}

  static async load(minConfidence = 0.5): Promise<FaceModel> {
    // face-api registers tfjs's wasm kernels a second time; tfjs warns once per kernel (~150 lines). Keep stderr readable.
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
      if (!/already registered|Reusing existing backend|Platform node has already been set/.test(String(args[0]))) warn(...args);
    };
    try {
      return await FaceModel.loadQuietly(minConfidence);
    } finally {
      console.warn = warn;
    }
  }

  private static async loadQuietly(minConfidence: number): Promise<FaceModel> {
    const tf = (await import('@tensorflow/tfjs')) as unknown as Tfjs;
    const wasm = (await import('@tensorflow/tfjs-backend-wasm')) as unknown as { setWasmPaths(p: string): void };
    wasm.setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
    await tf.setBackend('wasm');
    await tf.ready();
    const pkgDir = dirname(dirname(require.resolve('@vladmandic/face-api')));
    const mod = (await import(pathToFileURL(join(pkgDir, 'dist', 'face-api.node-wasm.js')).href)) as { default?: FaceApi } & FaceApi;
    const api = mod.default ?? mod;
    const modelDir = join(pkgDir, 'model');
    await Promise.all([api.nets.ssdMobilenetv1.loadFromDisk(modelDir), api.nets.faceLandmark68Net.loadFromDisk(modelDir), api.nets.faceRecognitionNet.loadFromDisk(modelDir)]);
    return new FaceModel(tf, api, minConfidence);
  }

  async detect(img: RgbImage): Promise<DetectedFace[]> {
    const input = this.tf.tensor3d(Int32Array.from(img.data), [img.height, img.width, 3], 'int32');
    try {
      const results = await this.api.detectAllFaces(input, new this.api.SsdMobilenetv1Options({ minConfidence: this.minConfidence })).withFaceLandmarks().withFaceDescriptors();
      return results.map((r) => ({
        box: { x: r.detection.box.x / img.width, y: r.detection.box.y / img.height, width: r.detection.box.width / img.width, height: r.detection.box.height / img.height },
        score: r.detection.score,
        descriptor: Float32Array.from(r.descriptor),
      }));
    } finally {
      input.dispose();
    }
  }
}
