/**
 * The embedder: the models a library was indexed with (image, text, faces), loaded on first use,
 * and every query-side vector computed from them. An uploaded image is decoded once into every
 * size the channels need (model input, analysis image); a pixel blend mixes those decoded images
 * instead of decoding both files again at each size.
 *
 * An upload's vectors and its reading are kept by content hash (a few dozen of each): the web page
 * asks for the image channels' results at once and then for the upload's identity, and a user
 * re-runs the same upload with other weights or filters; each is computed once (issue 26).
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { ANALYSIS_HEIGHT, ANALYSIS_WIDTH, designFeatures } from '../design/design-features.js';
import { blendRgb } from '../image/blend.js';
import { decodeBounded, decodeForIndex, type RgbImage } from '../image/decode.js';
import { FaceModel, type DetectedFace } from '../models/face-model.js';
import { loadTextModel, loadTextTower } from '../models/registry.js';
import { loadLibraryImageModel } from '../store/run-models.js';
import type { ImageEmbeddingModel, TextEmbeddingModel } from '../models/types.js';
import type { ImageChannel } from '../store/channels.js';
import type { Store } from '../store/store.js';
import type { ModelRef } from '../store/types.js';
import { dualEncoderOf, pickImageModel, readImageModels, type LibraryImageModel } from '../store/library-models.js';
import type { ChannelModel } from '../models/types.js';
import { QueryError, type ImageInput } from './query.js';
import { PosterOcr } from '../text/poster-ocr.js';
import { POSTER_TILES } from '../models/poster-tiles.js';
import type { TextLine } from '../text/types.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'library' | 'location'>;

export type PosterVectors = Record<ImageChannel, Float32Array>;

/** An upload decoded once: the model's input and the analysis image the design channels read. */
export interface DecodedImage {
  pixels: RgbImage;
  analysis: RgbImage;
}

export interface LibraryModels {
  /** Every image model of the library, the default first (library-models.ts). */
  images: LibraryImageModel[];
  /** The default image model. */
  image: LibraryImageModel;
  text: ModelRef | undefined;
}

/** The models recorded in a library (QueryError when nothing has been indexed yet). */
export async function libraryModels(store: StoreParts): Promise<LibraryModels> {
  const images = await readImageModels(store);
  if (images.length === 0) throw new QueryError(`library ${store.location} has no indexed posters yet: run "marquee index <catalog>" first`);
  const txt = await store.library.getMeta('text_model');
  return { images, image: images[0]!, text: txt ? (JSON.parse(txt) as ModelRef) : undefined };
}

/** Uploads whose vectors and readings are kept (a poster's vectors are ~5 KB, a reading ~2 KB). */
const UPLOAD_CACHE_ENTRIES = 64;

/** A cache of promises by key: concurrent requests for the same upload share one computation; a failure is not kept. */
class UploadCache<T extends object> {
  private readonly entries = new LRUCache<string, Promise<T>>({ max: UPLOAD_CACHE_ENTRIES });

  clear(): void {
    this.entries.clear();
  }

  get(key: string, compute: () => Promise<T>): Promise<T> {
    let p = this.entries.get(key);
    if (!p) {
      p = compute();
      this.entries.set(key, p);
      p.catch(() => this.entries.delete(key));
    }
    return p;
  }
}

function contentHash(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('base64url');
}

export class Embedder {
  private readonly uploadVectors = new UploadCache<PosterVectors>();
  private readonly uploadReadings = new UploadCache<TextLine[]>();
  private readonly imageModels = new Map<string, Promise<ImageEmbeddingModel>>();
  private visualTextModel?: Promise<TextEmbeddingModel>;
  private textModel?: Promise<TextEmbeddingModel>;
  private faceModel?: Promise<FaceModel>;
  private ocr?: Promise<PosterOcr>;

  constructor(readonly models: LibraryModels) {}

  static async forLibrary(store: StoreParts): Promise<Embedder> {
    return new Embedder(await libraryModels(store));
  }

  get hasText(): boolean {
    return this.models.text !== undefined;
  }

  /** The library's image model of this id (its default when undefined); unknown ids are an unknown_model error naming the ones held. */
  imageModelRef(id?: string): LibraryImageModel {
    return pickImageModel(this.models.images, id, 'this library');
  }

  getImageModel(id?: string): Promise<ImageEmbeddingModel> {
    const ref = this.imageModelRef(id);
    let model = this.imageModels.get(ref.id);
    if (!model) {
      model = loadLibraryImageModel(ref);
      model.catch(() => this.imageModels.delete(ref.id));
      this.imageModels.set(ref.id, model);
    }
    return model;
  }

  /** The library's dual encoder (an image model with a text tower), if it has one. */
  get dualEncoder(): LibraryImageModel | undefined {
    return dualEncoderOf(this.models.images);
  }

  /** The dual encoder's text tower: text embedded into its image space. */
  getVisualTextModel(): Promise<TextEmbeddingModel> {
    const m = this.dualEncoder;
    if (!m) return Promise.reject(new QueryError('this library has no dual-encoder (CLIP-style) image model'));
    this.visualTextModel ??= loadTextTower(m.spec, { threads: 2 });
    this.visualTextModel.catch(() => (this.visualTextModel = undefined));
    return this.visualTextModel;
  }

  /** A text in the dual encoder's image space (what posters showing it are near). */
  async embedVisualText(text: string): Promise<Float32Array> {
    return (await (await this.getVisualTextModel()).embedBatch([text]))[0]!;
  }

  /** Every image model of the library with its channel (indexing an upload embeds it with all of them). */
  async channelModels(): Promise<ChannelModel[]> {
    return Promise.all(this.models.images.map(async (m) => ({ model: await this.getImageModel(m.id), channel: m.channel })));
  }

  /** In a worker thread, so a query's text embedding runs in parallel with its image embedding. */
  getTextModel(): Promise<TextEmbeddingModel> {
    this.textModel ??= loadTextModel({ workers: 1 });
    return this.textModel;
  }

  /** The text model for indexing an upload (undefined when the library has no synopses). */
  textModelForIndexing(): Promise<TextEmbeddingModel> | undefined {
    return this.hasText ? this.getTextModel() : undefined;
  }

  private getFaceModel(): Promise<FaceModel> {
    this.faceModel ??= FaceModel.load();
    return this.faceModel;
  }

  /** Decodes an upload once, exactly as indexing does (so a catalog poster given as a file gets its stored vectors), at the input size of image model `model` (default: the library's). */
  async decode(input: ImageInput, model?: string): Promise<DecodedImage> {
    const { width, height } = (await this.getImageModel(model)).preprocessing;
    const { pixels, analysis } = await decodeForIndex(input.bytes, input.source, { width, height, analysisWidth: ANALYSIS_WIDTH, analysisHeight: ANALYSIS_HEIGHT, thumbnail: false });
    return { pixels, analysis };
  }

  /** The image's poster tiles (models/poster-tiles.ts) by image model `model`, cut and resized as indexing does. */
  async tileVectors(input: ImageInput, model?: string): Promise<Float32Array[]> {
    const m = await this.getImageModel(model);
    const [first, ...rest] = POSTER_TILES.map((tile) => ({ width: m.preprocessing.width, height: m.preprocessing.height, tile }));
    const d = await decodeForIndex(input.bytes, input.source, { ...first!, analysisWidth: ANALYSIS_WIDTH, analysisHeight: ANALYSIS_HEIGHT, thumbnail: false, extraSizes: rest });
    return m.embedBatch([d.pixels, ...d.extra]);
  }

  /** Every poster channel of a decoded image (decoded for the same model). */
  async vectorsOf(image: DecodedImage, model?: string): Promise<PosterVectors> {
    const [content] = await (await this.getImageModel(model)).embedBatch([image.pixels]);
    const design = designFeatures(image.analysis);
    return { content: content!, color: design.color, layout: design.layout };
  }

  /** All poster channels of an image file, content by image model `model` (default: the library's). */
  async describeImage(input: ImageInput, model?: string): Promise<PosterVectors> {
    const ref = this.imageModelRef(model);
    return this.uploadVectors.get(`${ref.id}:${contentHash(input.bytes)}`, async () => this.vectorsOf(await this.decode(input, model), model));
  }

  /** The two images mixed per pixel at each size, (1 − mix)·a + mix·b. */
  blend(a: DecodedImage, b: DecodedImage, mix: number): DecodedImage {
    return { pixels: blendRgb(a.pixels, b.pixels, mix), analysis: blendRgb(a.analysis, b.analysis, mix) };
  }

  async embedText(text: string): Promise<Float32Array> {
    return (await (await this.getTextModel()).embedBatch([text]))[0]!;
  }

  /** Face descriptors found in an image. */
  async faces(input: ImageInput): Promise<Float32Array[]> {
    return (await this.detectFaces(input)).map((f) => f.descriptor);
  }

  /** The faces of an image with their expressions, age and gender (scanned as posters are). */
  async detectFaces(input: ImageInput): Promise<DetectedFace[]> {
    const model = await this.getFaceModel();
    return model.detect(await decodeBounded(input.bytes, input.source, 640));
  }

  /**
   * The printed text of an upload, read as posters are at indexing (same reader and settings, so
   * it compares with their readings). Two onnxruntime threads: one query at a time wants latency.
   */
  async readText(input: ImageInput): Promise<TextLine[]> {
    return this.uploadReadings.get(contentHash(input.bytes), async () => {
      this.ocr ??= PosterOcr.load(Number(process.env.MARQUEE_OCR_QUERY_THREADS ?? 2));
      return (await (await this.ocr).readImage(input.bytes, input.source)).lines;
    });
  }

  /** Forgets the uploads seen so far (benchmarks measure cold queries). */
  forgetUploads(): void {
    this.uploadVectors.clear();
    this.uploadReadings.clear();
  }

  async close(): Promise<void> {
    const models = await Promise.allSettled([...this.imageModels.values(), this.textModel, this.visualTextModel, this.ocr]);
    for (const m of models) if (m.status === 'fulfilled' && m.value) await m.value.close();
  }
}
