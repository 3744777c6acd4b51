/**
 * The image pipeline: bytes -> validated, oriented, flattened sRGB 8-bit pixels.
 * All decoding goes through sharp (libvips).
 */
import sharp from 'sharp';
import { ImageInputError } from './errors.js';

export interface DecodeLimits {
  /** Reject images whose width*height exceeds this (decompression-bomb guard). */
  maxPixels: number;
  /** Reject images whose shorter side is below this. */
  minSide: number;
  /** Reject inputs larger than this many bytes. */
  maxBytes: number;
}

export const DEFAULT_LIMITS: DecodeLimits = {
  maxPixels: 40_000_000,
  minSide: 32,
  maxBytes: 50 * 1024 * 1024,
};

export interface ImageInfo {
  format: string;
  width: number;
  height: number;
}

/** RGB pixels, 8-bit, interleaved, `width*height*3` bytes. */
export interface RgbImage {
  width: number;
  height: number;
  data: Buffer;
}

const FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif', 'heif']);

function pipeline(bytes: Buffer, limits: DecodeLimits): sharp.Sharp {
  return sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'error', animated: false, pages: 1 })
    .rotate() // apply EXIF orientation
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb');
}

/** Checks bytes are a supported, sane image and returns its oriented size. Throws ImageInputError. */
export async function inspectImage(bytes: Buffer, source: string, limits: DecodeLimits = DEFAULT_LIMITS): Promise<ImageInfo> {
  if (bytes.length === 0) throw new ImageInputError(source, 'file is empty');
  if (bytes.length > limits.maxBytes) throw new ImageInputError(source, `file is ${bytes.length} bytes, over the ${limits.maxBytes}-byte limit`);
  let meta: sharp.Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false, animated: false }).metadata();
  } catch (err) {
    throw new ImageInputError(source, `not a readable image (${(err as Error).message})`);
  }
  const format = meta.format ?? 'unknown';
  if (!FORMATS.has(format)) throw new ImageInputError(source, `unsupported image format ${format}`);
  if (!meta.width || !meta.height) throw new ImageInputError(source, 'image has no dimensions');
  const swap = (meta.orientation ?? 1) >= 5;
  const width = swap ? meta.height : meta.width;
  const height = swap ? meta.width : meta.height;
  if (width * height > limits.maxPixels)
    throw new ImageInputError(source, `image is ${width}x${height} = ${width * height} pixels, over the ${limits.maxPixels}-pixel limit`);
  if (Math.min(width, height) < limits.minSide)
    throw new ImageInputError(source, `image is ${width}x${height}, smaller than the ${limits.minSide}-pixel minimum side`);
  return { format, width, height };
}

/** Resizes to exactly width x height (squashing, so the whole design is kept) as RGB8. */
export async function decodeResized(bytes: Buffer, source: string, width: number, height: number, limits: DecodeLimits = DEFAULT_LIMITS): Promise<RgbImage> {
  await inspectImage(bytes, source, limits);
  try {
    const { data, info } = await pipeline(bytes, limits)
      .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`expected 3 channels, got ${info.channels}`);
    return { width: info.width, height: info.height, data };
  } catch (err) {
    throw new ImageInputError(source, `cannot decode image (${(err as Error).message})`);
  }
}

/** The whole oriented image as RGB8, scaled down to fit maxSide (aspect kept). */
export async function decodeBounded(bytes: Buffer, source: string, maxSide: number, limits: DecodeLimits = DEFAULT_LIMITS): Promise<RgbImage> {
  await inspectImage(bytes, source, limits);
  try {
    const { data, info } = await pipeline(bytes, limits)
      .resize(maxSide, maxSide, { fit: 'inside', withoutEnlargement: true })
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, data };
  } catch (err) {
    throw new ImageInputError(source, `cannot decode image (${(err as Error).message})`);
  }
}

export const THUMBNAIL_MAX_WIDTH = 160;
export const THUMBNAIL_MAX_HEIGHT = 240;

/**
 * A square view of a poster for a model's input: the whole poster squashed (undefined), or the
 * top, middle or bottom square of its width (portrait posters; a landscape image's squares are
 * its left, centre and right). See models/poster-tiles.ts for why.
 */
export type PosterTile = 'top' | 'middle' | 'bottom';

/** A model input to derive from a decoded image: its size, and which view of the image. */
export interface InputSize {
  width: number;
  height: number;
  tile?: PosterTile;
}

/** The region (left, top, side) of a tile in a width x height image. */
export function tileRegion(width: number, height: number, tile: PosterTile): { left: number; top: number; width: number; height: number } {
  const side = Math.min(width, height);
  const along = (extent: number) => (tile === 'top' ? 0 : tile === 'bottom' ? extent - side : Math.floor((extent - side) / 2));
  return height >= width ? { left: Math.floor((width - side) / 2), top: along(height), width: side, height: side } : { left: along(width), top: 0, width: side, height: side };
}

export interface DecodedPoster {
  info: ImageInfo;
  /** RGB8 squashed to the model's input size (or its tile, when one is asked for). */
  pixels: RgbImage;
  /** RGB8 squashed to each of `extraSizes` (the inputs of a library's other image models, and tiles). */
  extra: RgbImage[];
  /** RGB8 squashed to the design-analysis size (colour, layout). */
  analysis: RgbImage;
  /** JPEG thumbnail within THUMBNAIL_MAX_WIDTH x THUMBNAIL_MAX_HEIGHT (JPEG: ~3x cheaper to encode than WebP here); empty when not asked for. */
  thumbnail: Buffer;
}

/**
 * One decode for indexing: checks the header (format, size limits) before decoding,
 * decodes the oriented, flattened sRGB image once, and derives the model input and the
 * thumbnail from those pixels.
 */
export async function decodeForIndex(
  bytes: Buffer,
  source: string,
  size: InputSize & { analysisWidth: number; analysisHeight: number; thumbnail?: boolean; extraSizes?: InputSize[] },
  limits: DecodeLimits = DEFAULT_LIMITS,
): Promise<DecodedPoster> {
  const { width, height, analysisWidth, analysisHeight } = size;
  const info = await inspectImage(bytes, source, limits);
  try {
    const full = await pipeline(bytes, limits).removeAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    const raw = { raw: { width: full.info.width, height: full.info.height, channels: 3 as const } };
    const extraSizes = size.extraSizes ?? [];
    const input = (e: InputSize) => {
      const img = sharp(full.data, raw);
      if (e.tile) img.extract(tileRegion(full.info.width, full.info.height, e.tile));
      return img.resize(e.width, e.height, { fit: 'fill', kernel: 'lanczos3' }).raw().toBuffer();
    };
    const [model, analysis, thumbnail, ...extra] = await Promise.all([
      input(size),
      sharp(full.data, raw).resize(analysisWidth, analysisHeight, { fit: 'fill' }).raw().toBuffer(),
      size.thumbnail === false
        ? Promise.resolve(Buffer.alloc(0))
        : sharp(full.data, raw).resize(THUMBNAIL_MAX_WIDTH, THUMBNAIL_MAX_HEIGHT, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 80 }).toBuffer(),
      ...extraSizes.map(input),
    ]);
    return {
      info,
      pixels: { width, height, data: model },
      extra: extra.map((data, i) => ({ width: extraSizes[i]!.width, height: extraSizes[i]!.height, data })),
      analysis: { width: analysisWidth, height: analysisHeight, data: analysis },
      thumbnail,
    };
  } catch (err) {
    throw new ImageInputError(source, `cannot decode image (${(err as Error).message})`);
  }
}

