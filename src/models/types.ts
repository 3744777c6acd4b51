/** The model layer: every embedding model, image or text, is one of these. */
import type { PosterTile, RgbImage } from '../image/decode.js';
import type { Metric } from '../util/metric.js';

export interface ModelIdentity {
  /** Stable id, e.g. "mobilenet-v2-1.4". */
  id: string;
  /** Changes whenever the weights or preprocessing change; stored with every vector. */
  version: string;
  dimension: number;
  /** How this model's vectors are compared (what its makers ranked by). */
  metric: Metric;
  /** Whether embedBatch returns unit vectors (true unless a manifest says otherwise). */
  normalize: boolean;
}

export interface ImagePreprocessing {
  width: number;
  height: number;
  /** Tensor layout the model expects. */
  layout: 'nchw' | 'nhwc';
  /** Per-channel (R,G,B) mean and std applied to pixel/255. */
  mean: [number, number, number];
  std: [number, number, number];
}

export interface ImageEmbeddingModel extends ModelIdentity {
  readonly modality: 'image';
  readonly preprocessing: ImagePreprocessing;
  /** Embeds images already resized to preprocessing.width x height; unit vectors when `normalize`. */
  embedBatch(images: RgbImage[]): Promise<Float32Array[]>;
  close(): Promise<void>;
}

export interface TextEmbeddingModel extends ModelIdentity {
  readonly modality: 'text';
  /** Returns L2-normalised vectors, one per text. */
  embedBatch(texts: string[]): Promise<Float32Array[]>;
  close(): Promise<void>;
}

export { l2normalize } from '../util/vectors.js';

/** An image model and the channel its vectors go to (store/library-models.ts), of the whole poster or of one tile (models/poster-tiles.ts). */
export interface ChannelModel {
  model: ImageEmbeddingModel;
  channel: string;
  tile?: PosterTile;
}

/** Which model made a stored vector: its id, version and dimension. */
export interface ModelRef {
  id: string;
  version: string;
  dimension: number;
  /** How vectors are compared; cosine when absent (libraries made before metrics existed). */
  metric?: Metric;
}
