/**
 * Piscina worker: one PosterOcr (one onnxruntime thread) per worker thread, loaded on first use.
 * Receives encoded image bytes and answers the lines read; an unreadable image answers its reason
 * instead of throwing, so the pass can record it against the poster.
 */
import { MarqueeError } from '../util/errors.js';
import { PosterOcr } from './poster-ocr.js';
import type { PosterText } from './types.js';

export interface OcrTask {
  bytes: Uint8Array;
  source: string;
}

export type OcrAnswer = PosterText | { error: string };

let reader: Promise<PosterOcr> | undefined;

export default async function readPoster(task: OcrTask): Promise<OcrAnswer> {
  reader ??= PosterOcr.load(1);
  const ocr = await reader;
  try {
    return await ocr.readImage(Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength), task.source);
  } catch (err) {
    if (err instanceof MarqueeError && err.kind === 'bad_image') return { error: err.message.replace(`${task.source}: `, '') };
    throw err;
  }
}
