/** Reads, validates, decodes and thumbnails one poster file (runs concurrently, off the model thread). */
import { decodeForIndex, type DecodeLimits, type InputSize, type RgbImage } from '../image/decode.js';
import { ANALYSIS_HEIGHT, ANALYSIS_WIDTH, designFeatures, type DesignFeatures } from '../design/design-features.js';
import type { PosterRecord } from '../store/types.js';

export interface PreparedPoster {
  poster: PosterRecord;
  /** The poster at each requested model input size, in the order asked. */
  pixels: RgbImage[];
  design: DesignFeatures;
}

/** `inputs`: the input (size and view) of each model that must embed this poster (at least one size is decoded). */
export async function preparePoster(path: string, bytes: Buffer, hash: string, inputs: InputSize[], limits: DecodeLimits): Promise<PreparedPoster> {
  const [first, ...rest] = inputs.length ? inputs : [{ width: ANALYSIS_WIDTH, height: ANALYSIS_HEIGHT }];
  const { info, pixels, extra, analysis, thumbnail } = await decodeForIndex(
    bytes,
    path,
    { width: first!.width, height: first!.height, tile: first!.tile, analysisWidth: ANALYSIS_WIDTH, analysisHeight: ANALYSIS_HEIGHT, extraSizes: rest.map((p) => ({ width: p.width, height: p.height, tile: p.tile })) },
    limits,
  );
  return {
    pixels: inputs.length ? [pixels, ...extra] : [],
    design: designFeatures(analysis),
    poster: { path, contentHash: hash, width: info.width, height: info.height, format: info.format, bytes: bytes.length, thumbnail },
  };
}
