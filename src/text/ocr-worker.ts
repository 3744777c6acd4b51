/**
 * Piscina worker: one PosterOcr (one onnxruntime thread) per worker thread, loaded on first use.
 * Receives encoded image bytes (and, for a small-print pass, the earlier reading) and answers the
 * lines read, with the small print left for later when asked; an unreadable image answers its reason
 * instead of throwing, so the pass can record it against the poster.
 */
import { MarqueeError } from '../util/errors.js';
import { PosterOcr, type SmallPrint } from './poster-ocr.js';
import type { PosterText } from './types.js';

export interface OcrTask {
  bytes: Uint8Array;
  source: string;
  smallPrint: SmallPrint;
  /** An earlier reading of the same image whose small print is to be read now. */
  earlier?: PosterText;
}

export type OcrAnswer = PosterText | { error: string };

let reader: Promise<PosterOcr> | undefined;

export default async function readPoster(task: OcrTask): Promise<OcrAnswer> {
  reader ??= PosterOcr.load(1);
  const ocr = await reader;
  try {
    const bytes = Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength);
    return await (task.earlier ? ocr.readPending(bytes, task.source, task.earlier) : ocr.readImage(bytes, task.source, task.smallPrint));
  } catch (err) {
    if (err instanceof MarqueeError && err.kind === 'bad_image') return { error: err.message.replace(`${task.source}: `, '') };
    throw err;
  }
}
