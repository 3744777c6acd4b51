/** Reads, validates, decodes and thumbnails one poster file (runs concurrently, off the model thread). */
import { readFile } from 'node:fs/promises';
import { decodeForIndex, type DecodeLimits, type RgbImage } from '../image/decode.js';
import { contentHash } from '../image/hash.js';
import { ANALYSIS_HEIGHT, ANALYSIS_WIDTH, designFeatures, type DesignFeatures } from '../design/design-features.js';
import type { ImagePreprocessing } from '../models/types.js';
import type { PosterRecord } from '../store/types.js';

export interface PreparedPoster {
  poster: PosterRecord;
  pixels: RgbImage;
  design: DesignFeatures;
}

export async function readPosterBytes(path: string): Promise<{ bytes: Buffer; hash: string }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? 'poster file does not exist' : code === 'EISDIR' ? 'poster path is a folder' : `cannot read poster (${code ?? (err as Error).message})`);
  }
  return { bytes, hash: contentHash(bytes) };
}

export async function preparePoster(path: string, bytes: Buffer, hash: string, pre: ImagePreprocessing, limits: DecodeLimits): Promise<PreparedPoster> {
  const { info, pixels, analysis, thumbnail } = await decodeForIndex(
    bytes,
    path,
    { width: pre.width, height: pre.height, analysisWidth: ANALYSIS_WIDTH, analysisHeight: ANALYSIS_HEIGHT },
    limits,
  );
  return {
    pixels,
    design: designFeatures(analysis),
    poster: { path, contentHash: hash, width: info.width, height: info.height, format: info.format, bytes: bytes.length, thumbnail },
  };
}
