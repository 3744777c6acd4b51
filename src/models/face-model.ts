/**
 * Faces: detection (SSD MobileNetV1), landmarks, 128-d face descriptors, the 7 expressions and
 * age/gender from @vladmandic/face-api with its bundled weights, run on tfjs's wasm backend.
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

/** face-api's expression classes, in the order face-cue vectors keep them. */
export const EXPRESSIONS = ['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgusted', 'surprised'] as const;

export interface DetectedFace {
  /** Box as fractions of the image width/height. */
  box: { x: number; y: number; width: number; height: number };
  score: number;
  descriptor: Float32Array;
  /** Probability of each of EXPRESSIONS (sums to 1). */
  expressions?: number[];
  age?: number;
  /** Probability that the face is a woman's (face-api's gender head). */
  female?: number;
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
  expressions: Record<string, number>;
  age: number;
  gender: 'male' | 'female';
  genderProbability: number;
}
interface FaceApi {
  nets: Record<'ssdMobilenetv1' | 'faceLandmark68Net' | 'faceRecognitionNet' | 'faceExpressionNet' | 'ageGenderNet', { loadFromDisk(dir: string): Promise<void> }>;
  SsdMobilenetv1Options: new (o: { minConfidence: number }) => unknown;
  detectAllFaces(input: Tensor, options: unknown): { withFaceLandmarks(): { withFaceExpressions(): { withAgeAndGender(): { withFaceDescriptors(): Promise<FaceApiResult[]> } } } };
}

/** Scans made before expressions and age/gender were read are re-done (their faces lack them). */
export const FACE_MODEL_VERSION = `face-api@${installedPackageVersion('@vladmandic/face-api')}+expressions-age-gender`;

export class FaceModel {
  readonly id = 'face-api-ssd-mobilenetv1-recognition';
  readonly version = FACE_MODEL_VERSION;
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
    await Promise.all(
      (['ssdMobilenetv1', 'faceLandmark68Net', 'faceRecognitionNet', 'faceExpressionNet', 'ageGenderNet'] as const).map((net) => api.nets[net].loadFromDisk(modelDir)),
    );
    return new FaceModel(tf, api, minConfidence);
  }

  async detect(img: RgbImage): Promise<DetectedFace[]> {
    const input = this.tf.tensor3d(Int32Array.from(img.data), [img.height, img.width, 3], 'int32');
    try {
      const results = await this.api
        .detectAllFaces(input, new this.api.SsdMobilenetv1Options({ minConfidence: this.minConfidence }))
        .withFaceLandmarks()
        .withFaceExpressions()
        .withAgeAndGender()
        .withFaceDescriptors();
      return results.map((r) => ({
        box: { x: r.detection.box.x / img.width, y: r.detection.box.y / img.height, width: r.detection.box.width / img.width, height: r.detection.box.height / img.height },
        score: r.detection.score,
        descriptor: Float32Array.from(r.descriptor),
        expressions: EXPRESSIONS.map((e) => r.expressions[e] ?? 0),
        age: r.age,
        female: r.gender === 'female' ? r.genderProbability : 1 - r.genderProbability,
      }));
    } finally {
      input.dispose();
    }
  }
}
